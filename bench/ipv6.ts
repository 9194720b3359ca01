// IPv6 on dual-stack hosts with a key: a peer's IPv6 and IPv4 swaps timed from the same fault, and an IPv6 TCP stream's stall.
//
// Three dual-stack hosts run faild at the fast profile with a key (without one, peers' IPv6
// addresses are not followed). Each run: a thin TCP stream from host 2's LAN A IPv6 address to
// host 1's; after a random phase a fault on host 1's LAN A; `ip monitor route` (both families) on
// hosts 2 and 3 times, from the fault taking effect (fault-clock.ts), the route to host 1's LAN A IPv6
// address moving to LAN B and the route to its LAN A IPv4 address, in the same run, so their
// difference says whether they landed together; then the same for the failback, then the routes
// are watched for flapping as in failover.ts.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addr, type Host, Lab, type Proc, type RouteWatch, sleep } from '../spec/lab/harness/netlab.js'
import { type Fault, PROFILES } from './failover.js'
import { FaultClock, type Inject, Reactions, type Stamp, stamping } from './fault-clock.js'
import { type Summary, summarize } from './stats.js'

const A = 0
const B = 1
const PROFILE = PROFILES[0]!

/** Both families' times from one fault, per observing peer per run (NaN: that route never changed). */
export interface Pair {
  readonly v6: readonly number[]
  readonly v4: readonly number[]
  /** IPv6 minus IPv4, where both were seen (positive: the IPv6 route changed later). */
  readonly gap: readonly number[]
}

export interface Ipv6Row {
  readonly profile: string
  readonly fault: Fault
  readonly runs: number
  /** Observations per direction: runs x observing peers. */
  readonly samples: number
  readonly failover: Pair
  readonly failback: Pair
  /** ms: the IPv6 stream's longest gap around the failover and around the failback, per run. */
  readonly stallFailover: readonly number[]
  readonly stallFailback: readonly number[]
  readonly bytesLost: number
  /** Changes to host 1's routes beyond the four expected each run (two swaps, two restores), and any other swap. */
  readonly flaps: number
  readonly falseFailovers: number
  readonly failoverLimitMs: number
  readonly failbackLimitMs: number
  /** How long the fault and heal commands took (median, ms; not in the times), and how many the switch did not report. */
  readonly injectMedianMs: number
  readonly unreported: number
  /** Route changes stamped before their fault (or heal) took effect: left out of the figures. */
  readonly flagged: number
  readonly summary: {
    readonly failover6: Summary
    readonly failover4: Summary
    readonly failoverGap: Summary
    readonly failback6: Summary
    readonly failback4: Summary
    readonly failbackGap: Summary
    readonly stallFailover: Summary
    readonly stallFailback: Summary
  }
}

const literal = (s: string): string => s.replace(/\./g, '\\.')

/**
 * The lines one `ip monitor route` printed in the current run, kept (RouteWatch.next would drop
 * the lines before its match, and the two families' lines come in either order).
 */
class RunLines {
  readonly #watch: RouteWatch
  #lines: Array<{ at: number; line: string }> = []

  constructor(watch: RouteWatch) {
    this.#watch = watch
  }

  /** Forget this run's lines (and any not yet read). */
  reset(): void {
    this.#watch.drain()
    this.#lines = []
  }

  /** Wait (bounded) for a line matching `re` that arrived after `since`; its arrival time, or NaN. */
  async first(re: RegExp, since: number, timeoutMs: number): Promise<number> {
    for (const end = performance.now() + timeoutMs; ; await sleep(2)) {
      this.#lines.push(...this.#watch.drain())
      const hit = this.#lines.find((l) => l.at >= since && re.test(l.line))
      if (hit) return hit.at
      if (performance.now() > end) return NaN
    }
  }

  /** This run's lines so far, each with its arrival time. */
  get lines(): ReadonlyArray<{ at: number; line: string }> {
    this.#lines.push(...this.#watch.drain())
    return this.#lines
  }
}

/** `runs` dead switch ports and `runs` pulled cables at host 1's LAN A, in one dual-stack lab. */
export async function benchIpv6(runs: number, log: (s: string) => void): Promise<Ipv6Row[]> {
  const lab = await Lab.create({ hosts: 3, ipv6: true })
  try {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    const key = join(lab.dir, 'cluster.key')
    writeFileSync(key, 'ipv6 bench key, not a secret\n')
    chmodSync(key, 0o600)
    // As in failover.ts: the same path faulted every few seconds, measure the detector, not the damping.
    const config = join(lab.dir, 'no-damping.json')
    writeFileSync(config, JSON.stringify({ flapDamping: { enabled: false } }))
    const procs: Proc[] = []
    for (const h of lab.hosts) procs.push(await lab.faild(h, [...PROFILE.flags, '--key-file', key, '-c', config]))
    // Long enough for every peer to have announced its IPv6 addresses: a run that misses one says so.
    await sleep(2000)
    const watches = [
      { lines: new RunLines(await lab.watchRoutes(h2)), faild: procs[1]!, n: h2.n },
      { lines: new RunLines(await lab.watchRoutes(h3)), faild: procs[2]!, n: h3.n },
    ]
    const clock = await FaultClock.start(lab)
    const faults: Array<[Fault, Inject]> = [
      ['dead switch port', clock.deadPort(h1, A)],
      ['pulled cable', clock.cable(h1, A)],
    ]
    const out: Ipv6Row[] = []
    let port = 5600
    for (const [fault, inject] of faults)
      out.push(await benchFault(lab, fault, inject, runs, watches, () => port++, log))
    return out
  } finally {
    await lab.destroy()
  }
}

/** A peer watched: its route monitor and its faild (whose log says why, when a run has more changes than expected). */
interface Observer {
  readonly lines: RunLines
  readonly faild: Proc
  readonly n: number
}

/** The four lines a run expects from an observer of host 1: each family's swap and restore. */
function marks(lab: Lab): { over6: RegExp; over4: RegExp; back6: RegExp; back4: RegExp; host1: RegExp } {
  const [a6, a4] = [literal(lab.address6(A, 1)), literal(addr(A, 1))]
  // Host 1's addresses on either LAN, in either family, as whole words (not ::1 inside ::10).
  const all = [a6, a4, literal(lab.address6(B, 1)), literal(addr(B, 1))]
  return {
    over6: new RegExp(`^${a6} via `),
    over4: new RegExp(`^${a4} via `),
    back6: new RegExp(`^Deleted ${a6} via `),
    back4: new RegExp(`^Deleted ${a4} via `),
    host1: new RegExp(`(^|[ /])(${all.join('|')})(?![0-9a-f:.])`),
  }
}

/** One direction's times: each family's reactions, and their difference where both were seen. */
interface Timings {
  readonly v6: Reactions
  readonly v4: Reactions
  readonly gap: number[]
}

const timings = (): Timings => ({ v6: new Reactions(), v4: new Reactions(), gap: [] })

/** Both families' arrival times for one observer, timed from `from` (the fault in effect), and the pair's difference; how to log them. */
function record(p: Timings, at6: number, at4: number, from: number): string {
  const shown = `v6 ${p.v6.add(at6, from)} v4 ${p.v4.add(at4, from)}`
  if (Number.isFinite(at6) && Number.isFinite(at4)) p.gap.push(at6 - at4)
  return shown
}

/** The changes to host 1's routes an observer saw in a run with more or fewer than expected, timed from the fault (and heal). */
function unexpected(
  o: Observer,
  lines: ReadonlyArray<{ at: number; line: string }>,
  t0: number,
  t1: number,
  faildLog: string,
): string {
  const when = (at: number) => `${Math.round(at - t0)} ms${at >= t1 ? ` (heal + ${Math.round(at - t1)})` : ''}`
  const each = lines.map((l) => `      ${when(l.at)}: ${l.line.trim()}`)
  // Its faild's own lines from the run, at most 40: why it moved the routes back and forth.
  const said = faildLog
    .trim()
    .split('\n')
    .slice(0, 40)
    .map((l) => `      ${l}`)
  const head = `    host ${o.n} saw other changes to host 1's routes than a fault and a heal make (two swaps, two restores):`
  return [head, ...each, '    its faild said:', ...said].join('\n')
}

async function benchFault(
  lab: Lab,
  fault: Fault,
  inject: Inject,
  runs: number,
  watches: readonly Observer[],
  nextPort: () => number,
  log: (s: string) => void,
): Promise<Ipv6Row> {
  const [h1, h2] = lab.hosts as [Host, Host, Host]
  const tMs = PROFILE.t * 1000
  const m = marks(lab)
  const [over, back] = [timings(), timings()]
  const stamps: Stamp[] = []
  const stallFailover: number[] = []
  const stallFailback: number[] = []
  let [bytesLost, flaps, falseFailovers] = [0, 0, 0]
  const timeout = (PROFILE.f + 3) * tMs + 5000
  for (let run = 0; run < runs; run++) {
    const stream = await lab.tcpStream(h2, h1, nextPort(), 'thin', 6)
    for (const w of watches) w.lines.reset()
    const logFrom = watches.map((w) => w.faild.output.length)
    await sleep(200 + Math.random() * tMs)
    const faultWall = Date.now()
    // Lines are looked for from the command's start, so one stamped before the fault took effect is flagged, not missed.
    const f = await inject(true)
    const seen = await Promise.all(
      watches.map(
        async ({ lines: w }) =>
          [await w.first(m.over6, f.issued, timeout), await w.first(m.over4, f.issued, timeout)] as const,
      ),
    )
    const overShown = seen.map(([at6, at4]) => record(over, at6, at4, f.effect))
    await sleep(Math.max(500, 2 * tMs))
    const healWall = Date.now()
    const h = await inject(false)
    stamps.push(f, h)
    const limit = timeout + PROFILE.s * tMs
    const again = await Promise.all(
      watches.map(
        async ({ lines: w }) =>
          [await w.first(m.back6, h.issued, limit), await w.first(m.back4, h.issued, limit)] as const,
      ),
    )
    const backShown = again.map(([at6, at4]) => record(back, at6, at4, h.effect))
    await sleep(PROFILE.s * tMs + 2 * tMs + 200)
    for (const [i, w] of watches.entries()) {
      const lines = w.lines.lines
      const mine = lines.filter((l) => m.host1.test(l.line))
      flaps += Math.max(0, mine.length - 4)
      falseFailovers += lines.filter((l) => !m.host1.test(l.line) && / via /.test(l.line)).length
      const missed = [...seen[i]!, ...again[i]!].some((at) => !Number.isFinite(at))
      if (mine.length > 4 || missed) log(unexpected(w, mine, f.effect, h.effect, w.faild.output.slice(logFrom[i])))
    }
    const got = await stream.stop()
    bytesLost += got.sent - got.bytes
    const stall = (from: number, to: number) =>
      Math.max(0, ...got.gaps.filter((g) => g.endedAt >= from && g.endedAt < to).map((g) => g.ms))
    stallFailover.push(stall(faultWall, healWall))
    stallFailback.push(stall(healWall, Infinity))
    log(
      `  IPv6, ${fault}, run ${run + 1}/${runs}: failover ${overShown.join(' / ')} ms, ` +
        `failback ${backShown.join(' / ')} ms, ` +
        `IPv6 stream stall ${stallFailover.at(-1)}/${stallFailback.at(-1)} ms`,
    )
    await lab.routeBecomes(h2, lab.address6(A, 1), `dev ${h2.ifaces[A]}`)
    await lab.routeBecomes(h2, addr(A, 1), `dev ${h2.ifaces[A]}`)
  }
  return {
    profile: PROFILE.name,
    fault,
    runs,
    samples: runs * watches.length,
    failover: { v6: over.v6.ms, v4: over.v4.ms, gap: over.gap },
    failback: { v6: back.v6.ms, v4: back.v4.ms, gap: back.gap },
    stallFailover,
    stallFailback,
    bytesLost,
    flaps,
    falseFailovers,
    failoverLimitMs: (PROFILE.f - 0.5) * tMs,
    failbackLimitMs: PROFILE.s * tMs,
    ...stamping(stamps),
    flagged: over.v6.flagged + over.v4.flagged + back.v6.flagged + back.v4.flagged,
    summary: {
      failover6: summarize(over.v6.ms),
      failover4: summarize(over.v4.ms),
      failoverGap: summarize(over.gap),
      failback6: summarize(back.v6.ms),
      failback4: summarize(back.v4.ms),
      failbackGap: summarize(back.gap),
      stallFailover: summarize(stallFailover),
      stallFailback: summarize(stallFailback),
    },
  }
}
