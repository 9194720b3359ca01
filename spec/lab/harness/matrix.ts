// The fault matrix's harness: four hosts on three LANs, every packet signed, host 4 in another
// cluster; one scenario per file (spec/lab/faults/), each asserting the routes on every host and a
// TCP stream that loses nothing, and printing its row of the summary table.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { StatusReport } from '../../../lib/core/report/status.js'
import { addr, expectConverged, expectRoute, FAST, withLab } from './lab-test.js'
import { type Host, type Lab, type Proc, sleep, until } from './netlab.js'

export { addr, expectRoute }
export const [A, B, C] = [0, 1, 2] as const

/** The cluster key's first text; rolling the key writes others and puts this one back. */
export const KEY_TEXT = 'fault matrix key, not a secret anywhere else\n'

/** One scenario's lab: its hosts, the key, and the running fainds with ways to restart them. */
export interface Matrix {
  readonly lab: Lab
  readonly h1: Host
  readonly h2: Host
  readonly h3: Host
  /** Host 4 runs faild in another cluster (`--cluster another-plant`), with the same key. */
  readonly h4: Host
  /** Hosts 1 to 3, the cluster. */
  readonly members: readonly Host[]
  /** The key file every host reads. */
  readonly key: string
  /** The members' flags: FAST and the key. */
  readonly KEYED: readonly string[]
  /** The faild running on each host. BOUNDED: the four hosts. */
  readonly procs: Map<Host, Proc>
  /** Stop h's faild if it runs, and start it again with `args` (KEYED by default). */
  start(h: Host, args?: readonly string[]): Promise<void>
  /** `faildctl status --json` on h. */
  status(h: Host): Promise<StatusReport>
  /** Every other member routes h's LAN `lan` address via `via`, and h theirs (directly: no via). */
  aroundHost(h: Host, lan: number, via?: number): Promise<void>
  /** Poll faild's table on every member for `forMs`: the first route found there (a false failover), or undefined. */
  staysClean(forMs: number): Promise<string | undefined>
  /** Fault host 1's LAN A; every member reroutes to and from it over B; heal; back on A. */
  rerouteAndBack(t: Test, inject: () => Promise<void>, heal: () => Promise<void>, what: string): Promise<string>
}

export interface Scenario {
  /** The fault, as the summary table names it. */
  readonly fault: string
  /** What faild should do, as the summary table says it. */
  readonly expected: string
  /** The TCP stream's ends, by host number (default host 2 to host 1). */
  readonly stream?: readonly [number, number]
  /** Inject the fault, assert, heal; returns what happened, for the summary. */
  readonly run: (t: Test, m: Matrix) => Promise<string>
}

/** Milliseconds since `since` (a performance.now()), as text. */
export const ms = (since: number): string => `${Math.round(performance.now() - since)} ms`

/** Run one scenario of the fault matrix in a lab of its own. */
export function faultScenario(s: Scenario): void {
  t.test(`fault matrix: ${s.fault}`, (t) =>
    withLab(t, { hosts: 4, lans: 3 }, async (lab) => {
      const m = await matrix(lab)
      const [from, to] = s.stream ?? [2, 1]
      const row = { result: '', ok: false }
      await t.test(s.fault, async (t) => {
        await expectConverged(t, lab)
        const tcp = await lab.tcpStream(lab.hosts[from - 1]!, lab.hosts[to - 1]!)
        await sleep(300)
        let r: Awaited<ReturnType<typeof tcp.stop>>
        try {
          row.result = await s.run(t, m)
        } finally {
          await lab.healAll()
          await sleep(300)
          r = await tcp.stop() // also when the scenario failed: the summary reports the stream
        }
        t.equal(r.bytes, r.sent, `the TCP stream lost nothing (${r.bytes} bytes)`)
        t.equal(r.bad, 0, 'every byte in order')
        row.result += `; TCP stall ${r.maxGapMs} ms, 0 lost`
        await expectConverged(t, lab)
        row.ok = t.passing()
      })
      const line = `fault matrix: ${s.fault}  ${row.ok ? 'ok' : 'FAILED'}  ${row.result || s.expected}`
      t.comment(line)
      process.stderr.write(`${line}\n`)
    }),
  )
}

/** Start the cluster (hosts 1 to 3, keyed) and host 4 in another cluster; wait until every member hears every other on every LAN. */
async function matrix(lab: Lab): Promise<Matrix> {
  const [h1, h2, h3, h4] = lab.hosts as [Host, Host, Host, Host]
  const members = [h1, h2, h3]
  const key = join(lab.dir, 'cluster.key')
  writeFileSync(key, KEY_TEXT)
  chmodSync(key, 0o600)
  const KEYED = [...FAST, '--key-file', key]
  const procs = new Map<Host, Proc>()
  const start = async (h: Host, args: readonly string[] = KEYED) => {
    await procs.get(h)?.stop()
    procs.set(h, await lab.faild(h, args))
  }
  const status = async (h: Host) => JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport
  const aroundHost = async (h: Host, lan: number, via?: number) => {
    for (const p of members) {
      if (p === h) continue
      await expectRoute(lab, p, h, lan, via)
      await expectRoute(lab, h, p, lan, via)
    }
  }
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
  await Promise.all([...members.map((h) => start(h)), start(h4, [...KEYED, '--cluster', 'another-plant'])])
  // Each scenario starts from a settled cluster, as it did when the scenarios shared one lab.
  const settled = async () => {
    for (const h of members) {
      const peers = (await status(h)).peers
      if (peers.length !== members.length - 1 || !peers.every((p) => p.paths.every((path) => path.state === 'up')))
        return false
    }
    return true
  }
  await until(settled, 10_000, 'every member to hear every other on every LAN')
  return { lab, h1, h2, h3, h4, members, key, KEYED, procs, start, status, aroundHost, staysClean, rerouteAndBack }
}
