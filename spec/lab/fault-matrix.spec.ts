// Lab: the fault matrix. Four hosts on three LANs, every packet signed; one scenario per fault,
// each asserting the routes on every host and a TCP stream that loses nothing; a summary at the end.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { StatusReport } from '../../lib/core/report/status-format.js'
import { addr, expectConverged, expectRoute, FAST, withLab } from './lab-test.js'
import { FORGE, run, sleep, type Host, type Proc } from './netlab.js'

const [A, B, C] = [0, 1, 2]

interface Row {
  readonly fault: string
  readonly expected: string
  result: string
  ok: boolean
}

t.test('fault matrix', (t) =>
  withLab(t, { hosts: 4, lans: 3 }, async (lab) => {
    const [h1, h2, h3, h4] = lab.hosts as [Host, Host, Host, Host]
    const members = [h1, h2, h3]
    const key = join(lab.dir, 'cluster.key')
    writeFileSync(key, 'fault matrix key, not a secret anywhere else\n')
    chmodSync(key, 0o600)
    const KEYED = [...FAST, '--key-file', key]
    const procs = new Map<Host, Proc>()
    const start = async (h: Host, args: readonly string[] = KEYED) => {
      await procs.get(h)?.stop()
      procs.set(h, await lab.faild(h, args))
    }
    for (const h of members) await start(h)
    await start(h4, [...KEYED, '--cluster', 'another-plant'])
    const rows: Row[] = []
    const ms = (since: number) => `${Math.round(performance.now() - since)} ms`
    const status = async (h: Host) => JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport
    /** Every other member routes h's LAN `lan` address via `via`, and h theirs. */
    const aroundHost = async (h: Host, lan: number, via?: number) => {
      for (const p of members) {
        if (p === h) continue
        await expectRoute(lab, p, h, lan, via)
        await expectRoute(lab, h, p, lan, via)
      }
    }
    /** Poll faild's table on every member for `forMs`: any route there is a false failover. */
    const staysClean = async (forMs: number): Promise<string | undefined> => {
      const end = performance.now() + forMs
      while (performance.now() < end) {
        for (const h of members) {
          const r = await lab.faildRoutes(h)
          if (r) return `${h.ns}: ${r}`
        }
        await sleep(100)
      }
      return undefined
    }

    const fault = async (
      name: string,
      expected: string,
      body: (t: Test) => Promise<string>,
      stream: [Host, Host] = [h2, h1],
    ): Promise<void> => {
      // FAULTS=regex runs a subset (while working on one scenario).
      if (process.env.FAULTS && !new RegExp(process.env.FAULTS, 'i').test(name)) return
      const row: Row = { fault: name, expected, result: '', ok: false }
      rows.push(row)
      await t.test(name, async (t) => {
        await expectConverged(t, lab)
        const tcp = await lab.tcpStream(stream[0], stream[1])
        await sleep(300)
        let r
        try {
          row.result = await body(t)
        } finally {
          await lab.healAll()
          await sleep(300)
          r = await tcp.stop() // also when the scenario failed: the next one needs the port
        }
        t.equal(r.bytes, r.sent, `the TCP stream lost nothing (${r.bytes} bytes)`)
        t.equal(r.bad, 0, 'every byte in order')
        row.result += `; TCP stall ${r.maxGapMs} ms, 0 lost`
        await expectConverged(t, lab)
        row.ok = t.passing()
      })
    }

    /** Fault host 1's LAN A; every member reroutes to and from it over B; heal; back on A. */
    const rerouteAndBack = async (t: Test, inject: () => Promise<void>, heal: () => Promise<void>, what: string) => {
      const t0 = performance.now()
      await inject()
      await aroundHost(h1, A, B)
      const took = ms(t0)
      t.pass(what)
      await heal()
      await aroundHost(h1, A)
      return `rerouted in ${took}, restored`
    }

    await fault('cable pull', 'peers reroute at once (carrier notice)', (t) =>
      rerouteAndBack(t, () => lab.cable(h1, A, false), () => lab.cable(h1, A, true), 'every member reroutes to and from host 1 over LAN B'),
    )

    await fault('dead switch port', 'reroute after f misses', (t) =>
      rerouteAndBack(t, () => lab.fault(h1, A, 'both'), () => lab.heal(h1, A), 'rerouted'),
    )

    for (const dir of ['from-host', 'to-host'] as const) {
      await fault(`one-way loss, ${dir === 'from-host' ? 'host to switch' : 'switch to host'}`, 'both ends reroute', (t) =>
        rerouteAndBack(t, () => lab.fault(h1, A, dir), () => lab.heal(h1, A), 'both directions rerouted'),
      )
    }

    await fault('lossy LAN, 2% random loss, defaults (-t 1 -f 3 -s 5)', 'no failover; a real failure still detected', async (t) => {
      for (const h of members) await start(h, ['-r', '--key-file', key])
      await sleep(3000)
      await lab.fault(h1, A, 'both', 2)
      const false_ = await staysClean(20_000)
      t.equal(false_, undefined, 'no failover in 20 s of 2% loss')
      const t0 = performance.now()
      await lab.fault(h1, A, 'both')
      await aroundHost(h1, A, B)
      const took = ms(t0)
      t.pass('a dead port on top is still detected')
      await lab.heal(h1, A)
      await aroundHost(h1, A)
      for (const h of members) await start(h)
      await sleep(500)
      return `no failover in 20 s; then a dead port rerouted in ${took}`
    })

    await fault('badly degraded LAN, 50% random loss', 'traffic moves off and does not flap back', async (t) => {
      for (const h of members) await start(h, [...KEYED, '-s', '10'])
      await sleep(500)
      await lab.fault(h1, A, 'both', 50)
      await aroundHost(h1, A, B)
      let back = 0
      for (let i = 0; i < 40; i++) {
        if ((await lab.route(h2, addr(A, h1.n))) !== `dev ${h2.ifaces[B]} via ${addr(B, h1.n)}`) back++
        await sleep(200)
      }
      t.equal(back, 0, 'for 8 s the traffic stayed off LAN A')
      await lab.heal(h1, A)
      await aroundHost(h1, A)
      for (const h of members) await start(h)
      await sleep(500)
      return 'moved off, stayed off for 8 s (-s 10), back after healing'
    })

    await fault('flapping cable', 'held down by flap damping, then back', async (t) => {
      for (let i = 0; i < 8; i++) {
        await lab.cable(h1, A, false)
        await sleep(300)
        await lab.cable(h1, A, true)
        await sleep(400)
      }
      const via = `dev ${h2.ifaces[B]} via ${addr(B, h1.n)}`
      const stillHeld = await lab.route(h2, addr(A, h1.n))
      await sleep(1000)
      t.equal(await lab.route(h2, addr(A, h1.n)), via, 'a second after the flapping stopped, host 1 is still held on LAN B')
      t.equal(stillHeld, via)
      await procs.get(h2)!.waitFor(/LAN A: flapping \([\d.]+ downs lately\), held down for [\d.]+s/)
      const t0 = performance.now()
      await aroundHost(h1, A)
      return `held on LAN B, released ${ms(t0)} later`
    })

    await fault('both LANs dead to a peer, then one back', 'nothing routed for a dead peer; the first LAN back carries it', async (t) => {
      await lab.cable(h1, A, false)
      await lab.cable(h1, B, false)
      await lab.cable(h1, C, false)
      await sleep(1500)
      for (const p of [h2, h3]) t.equal(await lab.faildRoutes(p), '', `${p.ns} routes nothing for a peer dead everywhere`)
      await lab.cable(h1, B, true)
      await aroundHost(h1, A, B)
      t.pass('LAN B back: A traffic goes over B')
      await lab.cable(h1, A, true)
      await lab.cable(h1, C, true)
      await aroundHost(h1, A)
      return 'no ghost routes while dead; rerouted over B, then restored'
    }, [h2, h1])

    await fault('peer daemon crash and restart', 'no ghost routes; it rejoins', async (t) => {
      await procs.get(h3)!.stop('SIGKILL')
      const ghost = await staysClean(2000)
      t.equal(ghost, undefined, 'a silent peer is gone, not a failed path: nothing swapped')
      await start(h3)
      await procs.get(h1)!.waitFor(/peer 198\.18\.1\.3 restarted/)
      return 'nothing swapped; "restarted" logged on rejoin'
    }, [h2, h1])

    await fault('peer host reboot (new boot id)', 'treated as a restart; nothing stale', async (t) => {
      await procs.get(h3)!.stop()
      for (const l of [A, B, C]) await lab.cable(h3, l, false)
      await sleep(1000)
      for (const l of [A, B, C]) await lab.cable(h3, l, true)
      await start(h3)
      t.equal(await staysClean(1500), undefined, 'no stale route anywhere')
      return 'rejoined as a new run; no stale route'
    }, [h2, h1])

    await fault('forged and replayed packets (key set)', 'dropped and counted; a dead path stays dead', async (t) => {
      await start(h3, KEYED.filter((f) => f !== '-r')) // a responder: INQs are what it counts
      await sleep(500)
      await lab.fault(h2, A, 'both')
      await expectRoute(lab, h3, h2, A, B)
      // From host 4, posing as host 2 on LAN A (its address added, without ever answering ARP for it).
      await lab.exec(h4, 'sysctl', ['-qw', `net.ipv4.conf.${h4.ifaces[A]}.arp_ignore=8`, `net.ipv4.conf.${h4.ifaces[A]}.arp_announce=2`])
      await lab.exec(h4, 'ip', ['addr', 'add', `${addr(A, h2.n)}/32`, 'dev', h4.ifaces[A]!, 'nodad', 'noprefixroute'])
      const args = (mode: string) => [FORGE, addr(A, h2.n), addr(A, h3.n), '4207', '150', mode, key, addr(A, h2.n), ...[A, B, C].map((l) => addr(l, h2.n))]
      const replay = lab.spawn(h4, process.execPath, args('replay'))
      const forge = lab.spawn(h4, process.execPath, args('forge'))
      let wrong = 0
      for (let i = 0; i < 15; i++) {
        if ((await lab.route(h3, addr(A, h2.n))) !== `dev ${h3.ifaces[B]} via ${addr(B, h2.n)}`) wrong++
        await sleep(100)
      }
      await replay.waitFor(/"sent"/)
      await forge.waitFor(/"sent"/)
      await lab.exec(h4, 'ip', ['addr', 'del', `${addr(A, h2.n)}/32`, 'dev', h4.ifaces[A]!])
      t.equal(wrong, 0, 'host 3 kept host 2 on LAN B throughout')
      const drops = (await status(h3)).packets.drops
      t.ok((drops.replayed ?? 0) > 0, `replayed: ${drops.replayed}`)
      t.ok((drops.ERR_UNKNOWN_KEY ?? 0) > 0, `ERR_UNKNOWN_KEY: ${drops.ERR_UNKNOWN_KEY}`)
      await lab.heal(h2, A)
      await start(h3)
      return `dropped ${drops.replayed} replayed, ${drops.ERR_UNKNOWN_KEY} forged; the dead path stayed dead`
    })

    await fault('wrong cluster name on the LANs', 'ignored both ways', async (t) => {
      const s1 = await status(h1)
      t.notOk(s1.peers.some((p) => p.id === addr(A, h4.n)), 'host 4 (another cluster) is no peer of host 1')
      t.ok((s1.packets.drops['wrong-cluster'] ?? 0) > 0, `wrong-cluster: ${s1.packets.drops['wrong-cluster']}`)
      t.equal((await status(h4)).peers.length, 0, 'and host 4 has no peers')
      await lab.cable(h4, A, false)
      t.equal(await staysClean(1000), undefined, "its cable pulled: nothing moves in this cluster")
      return `ignored (${s1.packets.drops['wrong-cluster']} packets dropped on host 1)`
    })

    await fault('daemon paused (SIGSTOP 3 s), then resumed', 'no false failover anywhere', async (t) => {
      procs.get(h1)!.child.kill('SIGSTOP')
      const during = await staysClean(3000)
      procs.get(h1)!.child.kill('SIGCONT')
      const after = await staysClean(2000)
      t.equal(during, undefined, 'while host 1 is paused its peers swap nothing (a silent peer is gone, not a path)')
      t.equal(after, undefined, 'after it resumes nobody swaps anything')
      return 'no route moved during or after'
    }, [h2, h3])

    await fault('interface loses its address', 'no hang; rerouted; recovers when it comes back', async (t) => {
      await lab.exec(h1, 'ip', ['addr', 'del', `${addr(A, h1.n)}/24`, 'dev', h1.ifaces[A]!])
      for (const p of [h2, h3]) await expectRoute(lab, p, h1, A, B)
      t.pass("peers route host 1's A address over LAN B")
      t.equal((await lab.faildctl(h1, ['status'])).code, 0, 'host 1 still answers faildctl')
      await lab.exec(h1, 'ip', ['addr', 'add', `${addr(A, h1.n)}/24`, 'brd', '+', 'dev', h1.ifaces[A]!])
      await aroundHost(h1, A)
      return 'peers rerouted; faild kept answering; restored when the address came back'
    }, [h2, h3])

    await fault('interface renamed, then named back', 'carrier still followed; no hang', async (t) => {
      const ip = (...args: string[]) => lab.exec(h1, 'ip', args)
      await ip('link', 'set', h1.ifaces[A]!, 'down')
      await ip('link', 'set', h1.ifaces[A]!, 'name', 'fdrenamed')
      await ip('link', 'set', 'fdrenamed', 'up')
      await ip('addr', 'replace', `${addr(A, h1.n)}/24`, 'brd', '+', 'dev', 'fdrenamed')
      await procs.get(h1)!.waitFor(/LAN interface etha is now called fdrenamed/)
      for (const p of [h2, h3]) await expectRoute(lab, p, h1, A)
      t.pass('renamed and up again: peers reach host 1 on LAN A directly')
      t.equal((await lab.faildctl(h1, ['status'])).code, 0, 'faild still answers')
      await ip('link', 'set', 'fdrenamed', 'down')
      await ip('link', 'set', 'fdrenamed', 'name', h1.ifaces[A]!)
      await ip('link', 'set', h1.ifaces[A]!, 'up')
      await aroundHost(h1, A)
      return 'carrier followed under the new name; a warning logged; back to normal'
    }, [h2, h3])

    await fault('interface disappears and comes back', 'like a pulled cable; recovers', async (t) => {
      await lab.exec(h1, 'ip', ['link', 'set', h1.ifaces[A]!, 'netns', lab.sw])
      for (const p of [h2, h3]) await expectRoute(lab, p, h1, A, B)
      t.pass('gone: peers route host 1 over LAN B at once')
      await procs.get(h1)!.waitFor(/LAN A \(etha\): carrier lost/)
      await run('ip', ['-n', lab.sw, 'link', 'set', h1.ifaces[A]!, 'netns', h1.ns])
      await lab.exec(h1, 'ip', ['addr', 'add', `${addr(A, h1.n)}/24`, 'brd', '+', 'dev', h1.ifaces[A]!])
      await lab.exec(h1, 'ip', ['link', 'set', h1.ifaces[A]!, 'up'])
      await aroundHost(h1, A)
      return 'peers rerouted at once; back to normal when it came back'
    }, [h2, h3])

    await fault("faild's route and rule deleted by hand", 'put back within about a second', async (t) => {
      await lab.fault(h1, A, 'both')
      await expectRoute(lab, h2, h1, A, B)
      await lab.exec(h2, 'ip', ['route', 'flush', 'table', '4207'])
      await lab.exec(h2, 'ip', ['rule', 'del', 'pref', '32000'])
      const t0 = performance.now()
      await expectRoute(lab, h2, h1, A, B)
      const took = ms(t0)
      t.match((await lab.exec(h2, 'ip', ['rule', 'show'])).stdout, /32000:\s+not from all ipproto udp sport 4207 lookup 4207 proto 250/, 'the rule is back')
      await procs.get(h2)!.waitFor(/the kernel differs from what faild installed, putting it right/)
      await lab.heal(h1, A)
      await aroundHost(h1, A)
      return `route and rule back in ${took}`
    })

    await fault('rolling the key on every host', 'no outage, no route moved', async (t) => {
      const next = 'the next fault matrix key, rolled in today\n'
      const old = 'fault matrix key, not a secret anywhere else\n'
      const step = async (text: string) => {
        writeFileSync(key, text)
        for (const h of members) t.equal((await lab.faildctl(h, ['reload'])).code, 0, `${h.ns} reloads`)
        return staysClean(1500)
      }
      await procs.get(h4)!.stop() // another cluster, on the old key: its packets would be refused
      const refused = async () => {
        let n = 0
        for (const h of members) n += (await status(h)).packets.drops.ERR_UNKNOWN_KEY ?? 0
        return n
      }
      const before = await refused()
      t.equal(await step(old + next), undefined, 'step 1: the new key added second everywhere')
      t.equal(await step(next + old), undefined, 'step 2: the new key first everywhere (signs with it)')
      t.equal(await step(next), undefined, 'step 3: the old key dropped')
      t.equal(await refused(), before, 'no packet between members was ever refused for its key')
      writeFileSync(key, old)
      for (const h of members) await lab.faildctl(h, ['reload'])
      await start(h4, [...KEYED, '--cluster', 'another-plant'])
      return 'three reloads on every host, no route moved, no packet refused'
    }, [h2, h1])

    await fault('three LANs: A dead, then B dead too', 'A to B, then A and B to C', async (t) => {
      await lab.cable(h1, A, false)
      await aroundHost(h1, A, B)
      await lab.fault(h1, B, 'both')
      for (const lan of [A, B]) await aroundHost(h1, lan, C)
      await expectRoute(lab, h2, h3, A)
      t.pass('with A and B dead, both go via C; the others stay direct')
      await lab.heal(h1, B)
      await aroundHost(h1, A, B)
      await lab.cable(h1, A, true)
      await aroundHost(h1, A)
      return 'A via B, then A and B via C, then restored'
    })

    const width = Math.max(...rows.map((r) => r.fault.length))
    const lines = [
      '',
      `Fault matrix: ${rows.filter((r) => r.ok).length} of ${rows.length} survived`,
      `${'fault'.padEnd(width)}  ok   what happened`,
      ...rows.map((r) => `${r.fault.padEnd(width)}  ${r.ok ? 'yes' : 'NO '}  ${r.result || r.expected}`),
    ]
    for (const l of lines) t.comment(l)
    process.stderr.write(lines.join('\n') + '\n')
  }),
)
