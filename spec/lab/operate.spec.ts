// Lab: operating a running faild: faildctl status, a LAN drained and brought back without an outage,
// reload by faildctl and SIGHUP (a bad file keeps the running config), SIGUSR1, the notify hook.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { expectConverged, expectRoute, FAST, withLab } from './harness/lab-test.js'
import { type Host, sleep, until } from './harness/netlab.js'

const A = 0
const B = 1

t.test('faildctl: status, offline/online without an outage, reload; signals; the notify hook', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    const config = join(lab.dir, 'h1.json')
    const events = join(lab.dir, 'events')
    const hook = join(lab.dir, 'hook.sh')
    writeFileSync(
      hook,
      `#!/bin/sh\necho "$FAILD_EVENT|$FAILD_PEER|$FAILD_LAN|$FAILD_OLD_STATE|$FAILD_NEW_STATE|$FAILD_ROUTE|$FAILD_ACTION" >> ${events}\n`,
    )
    chmodSync(hook, 0o755)
    writeFileSync(config, JSON.stringify({ notify: hook, logLevel: 'info' }))
    const p1 = await lab.faild(h1, ['-c', config, ...FAST])
    await lab.faild(h2, FAST)
    await sleep(500)

    await t.test('status: LANs, peers, paths, counters; --json the same', async (t) => {
      const r = await lab.faildctl(h1, ['status'])
      t.equal(r.code, 0, r.stderr)
      t.match(r.stdout, /^faild \S+, pid \d+, node 198\.18\.1\.1, requestor every 0\.1s, -f 3 -s 3, up /)
      t.match(
        r.stdout,
        /LAN\s+INTERFACE\s+ADDRESS\s+STATE\s+RTT\nA\s+etha\s+198\.18\.1\.1\s+up\s+[\d.]+ ms\nB\s+ethb\s+198\.18\.2\.1\s+up/,
      )
      t.match(
        r.stdout,
        /198\.18\.1\.2\s+requestor\s+A\s+198\.18\.1\.2\s+up\s+0\/3\s+3\/3\s+-\s+[\d.]+s ago\s+[\d.]+ ms/,
      )
      t.match(r.stdout, /routes: none/)
      const j = await lab.faildctl(h1, ['status', '--json'])
      const s = JSON.parse(j.stdout) as StatusReport
      t.equal(s.peers[0]?.paths.map((p) => p.state).join(), 'up,up')
      t.ok(s.packets.received > 0)
    })

    await t.test(
      'offline A: traffic leaves LAN A on both ends at once, a TCP stream loses nothing; online brings it back',
      async (t) => {
        const stream = await lab.tcpStream(h2, h1)
        await sleep(300)
        const off = await lab.faildctl(h1, ['offline', 'A'])
        t.equal(off.code, 0)
        t.match(off.stdout, /LAN A \(etha\) taken offline/)
        await expectRoute(lab, h1, h2, A, B)
        await expectRoute(lab, h2, h1, A, B)
        t.pass('both hosts route the A addresses over LAN B')
        await sleep(1000)
        await expectRoute(lab, h1, h2, A, B)
        t.pass('and keep them there while probes on LAN A still succeed')
        const s = JSON.parse((await lab.faildctl(h1, ['status', '--json'])).stdout) as StatusReport
        t.match(s.lans[0], { label: 'A', state: 'offline', offline: true, carrier: true })
        t.match(s.routes[0], {
          route: '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1',
          table: 4207,
          why: /LAN taken offline here/,
        })
        t.match((await lab.faildctl(h1, ['offline', 'etha'])).stdout, /already offline/, 'by interface name too')
        t.equal((await lab.faildctl(h1, ['offline', 'Z'])).code, 1, 'an unknown LAN is refused')
        t.match((await lab.faildctl(h1, ['offline', 'Z'])).stderr, /no LAN 'Z': LANs are A \(etha\), B \(ethb\)/)
        const on = await lab.faildctl(h1, ['online', 'A'])
        t.equal(on.code, 0)
        await expectConverged(t, lab)
        const r = await stream.stop()
        t.equal(r.bytes, r.sent, 'the TCP stream lost nothing')
        t.ok(r.maxGapMs < 300, `no outage: longest gap ${r.maxGapMs} ms`)
      },
    )

    await t.test('the notify hook heard of every path and route change', async (t) => {
      await until(() => /\|remove$/m.test(readFileSync(events, 'utf8')), 5000, 'the last event')
      const lines = readFileSync(events, 'utf8').trim().split('\n')
      t.ok(lines.includes('peer|198.18.1.2|||||discovered'), 'discovered')
      t.ok(lines.includes('path|198.18.1.2|A|up|down||'), 'path down')
      t.ok(lines.includes('route|||||198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1|add'), 'route added')
      t.ok(lines.includes('path|198.18.1.2|A|down|up||'), 'path up')
      t.ok(lines.includes('route|||||198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1|remove'), 'route removed')
    })

    await t.test(
      'reload: a good file applies at once, a bad one is refused and the running config kept; SIGHUP too',
      async (t) => {
        writeFileSync(config, JSON.stringify({ notify: hook, failAfter: 5, port: 4999 }))
        const r = await lab.faildctl(h1, ['reload'])
        t.equal(r.code, 0, r.stderr)
        t.match(r.stdout, /config .*h1\.json reloaded, log reopened; changed but applied only at restart: port/)
        t.equal(
          (JSON.parse((await lab.faildctl(h1, ['status', '--json'])).stdout) as StatusReport).failAfter,
          3,
          'flags still beat the file',
        )
        writeFileSync(config, JSON.stringify({ notify: hook, upAfter: 'many' }))
        const bad = await lab.faildctl(h1, ['reload'])
        t.equal(bad.code, 1)
        t.match(bad.stderr, /config not valid, running config kept:\n.*\/upAfter: must be integer/)
        p1.child.kill('SIGHUP')
        await p1.waitFor(
          /SIGHUP: config .*\/upAfter: must be integer[\s\S]*SIGHUP: the config is not valid; the running one is kept/,
        )
        writeFileSync(config, JSON.stringify({ notify: hook, logLevel: 'info', interval: 0.2 }))
        p1.child.kill('SIGHUP')
        await p1.waitFor(/SIGHUP: config .* reloaded/)
        t.pass('SIGHUP reloads')
        await expectRoute(lab, h1, h2, A)
      },
    )

    await t.test('SIGUSR1 writes the status to the log', async (t) => {
      p1.child.kill('SIGUSR1')
      await p1.waitFor(/status \(SIGUSR1\):\n.*node 198\.18\.1\.1[\s\S]*PEER\s+ROLE/)
      t.pass()
    })

    await t.test('a pulled cable still fails over after all that', async (t) => {
      await lab.cable(h2, A, false)
      await expectRoute(lab, h1, h2, A, B)
      await lab.cable(h2, A, true)
      await expectRoute(lab, h1, h2, A)
      t.pass()
      t.equal(await p1.stop(), 0)
      const s = await lab.exec(h1, 'ip', ['rule', 'show'])
      t.notMatch(s.stdout, /4207/, 'no rule left')
      t.equal((await lab.faildctl(h1, ['status'])).code, 2, 'faildctl reports a stopped faild')
    })
  }),
)
