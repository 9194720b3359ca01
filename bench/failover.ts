// Failover and failback times, TCP stall and flapping, measured in the lab from a peer's kernel.
//
// Each run: a TCP stream from host 2 to host 1 over LAN A; after a random phase (so faults land
// anywhere in the probe cycle) a fault on host 1's LAN A; the failover time is from the fault
// taking effect (the switch's own report of it, or the fault command's return if earlier: see
// fault-clock.ts) to the route change seen by `ip monitor route` on hosts 2 and 3; the fault is
// held, healed, and the failback time measured the same way; then the routes are watched for
// flapping before the next run.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addr, type Host, Lab, type RouteWatch, sleep } from '../spec/lab/harness/netlab.js'
import { FaultClock, type Inject, Reactions, type Stamp, stamping } from './fault-clock.js'
import { type Summary, summarize } from './stats.js'

export interface Profile {
  readonly name: string
  readonly flags: readonly string[]
  readonly t: number
  readonly f: number
  readonly s: number
}

export const PROFILES: readonly Profile[] = [
  { name: '-t 0.1 -f 3 -s 3', flags: ['-r', '-t', '0.1', '-f', '3', '-s', '3'], t: 0.1, f: 3, s: 3 },
  { name: 'defaults (-t 1 -f 3 -s 5)', flags: ['-r'], t: 1, f: 3, s: 5 },
]

export type Fault = 'dead switch port' | 'pulled cable'

export interface CaseResult {
  readonly profile: string
  readonly fault: Fault
  readonly runs: number
  /** ms, per observing peer per run */
  readonly failover: readonly number[]
  readonly failback: readonly number[]
  readonly failoverLimitMs: number
  readonly failbackLimitMs: number
  /** ms: the longest gap in the TCP stream around the failover and around the failback, per run */
  readonly stallFailover: readonly number[]
  readonly stallFailback: readonly number[]
  readonly bytesLost: number
  /** Route changes beyond the expected one each way, and changes for peers that had no fault. */
  readonly flaps: number
  readonly falseFailovers: number
  /** How long the fault and heal commands took (median, ms); times are from the fault taking effect, not their start. */
  readonly injectMedianMs: number
  /** Faults and heals the switch did not report: timed from the command's return. */
  readonly unreported: number
  /** Reactions stamped before their fault took effect: left out of the figures, and a sign the timing is wrong. */
  readonly flagged: number
  readonly summary: { failover: Summary; failback: Summary; stallFailover: Summary; stallFailback: Summary }
}

const A = 0

/** Run one profile against both faults, `runs` times each, in one lab. */
export async function benchProfile(profile: Profile, runs: number, log: (s: string) => void): Promise<CaseResult[]> {
  const lab = await Lab.create({ hosts: 3 })
  try {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    // The runs fault the same path every few seconds, which flap damping rightly holds down after
    // a few: measure the detector, not the damping.
    const config = join(lab.dir, 'no-damping.json')
    writeFileSync(config, JSON.stringify({ flapDamping: { enabled: false } }))
    for (const h of lab.hosts) await lab.faild(h, [...profile.flags, '-c', config])
    await sleep(1000 + 3 * profile.t * 1000)
    const watches = [await lab.watchRoutes(h2), await lab.watchRoutes(h3)]
    const clock = await FaultClock.start(lab)
    const out: CaseResult[] = []
    const faults: Array<[Fault, Inject]> = [
      ['dead switch port', clock.deadPort(h1, A)],
      ['pulled cable', clock.cable(h1, A)],
    ]
    let port = 5000
    for (const [fault, inject] of faults) {
      out.push(await benchCase(lab, profile, fault, inject, runs, watches, () => port++, log))
    }
    return out
  } finally {
    await lab.destroy()
  }
}

async function benchCase(
  lab: Lab,
  profile: Profile,
  fault: Fault,
  inject: Inject,
  runs: number,
  watches: RouteWatch[],
  nextPort: () => number,
  log: (s: string) => void,
): Promise<CaseResult> {
  const [h1, h2] = lab.hosts as [Host, Host, Host]
  const tMs = profile.t * 1000
  const swapped = new RegExp(`^${addr(A, 1).replace(/\./g, '\\.')} via `)
  const restored = new RegExp(`^Deleted ${addr(A, 1).replace(/\./g, '\\.')} via `)
  const [failover, failback] = [new Reactions(), new Reactions()]
  const r = { stallFailover: [] as number[], stallFailback: [] as number[] }
  const stamps: Stamp[] = []
  let bytesLost = 0
  let flaps = 0
  let falseFailovers = 0
  const timeout = (profile.f + 3) * tMs + 5000
  for (let run = 0; run < runs; run++) {
    const stream = await lab.tcpStream(h2, h1, nextPort())
    for (const w of watches) w.drain()
    await sleep(200 + Math.random() * tMs)
    const faultWall = Date.now()
    const faulted = await inject(true)
    const over = await Promise.all(watches.map((w) => w.next(swapped, timeout)))
    const overShown = over.map((at) => failover.add(at, faulted.effect))
    await sleep(Math.max(500, 2 * tMs))
    const healWall = Date.now()
    const healed = await inject(false)
    stamps.push(faulted, healed)
    const back = await Promise.all(watches.map((w) => w.next(restored, timeout + profile.s * tMs)))
    const backShown = back.map((at) => failback.add(at, healed.effect))
    // Watch for flapping: no further change to host 1's route, none at all to host 3's.
    await sleep(profile.s * tMs + 2 * tMs + 200)
    for (const w of watches) {
      for (const { line } of w.drain()) {
        if (line.includes(addr(A, 1)) || line.includes(addr(1, 1))) flaps++
        else if (/ via /.test(line)) falseFailovers++
      }
    }
    const got = await stream.stop()
    bytesLost += got.sent - got.bytes
    const stall = (from: number, to: number) =>
      Math.max(0, ...got.gaps.filter((g) => g.endedAt >= from && g.endedAt < to).map((g) => g.ms))
    r.stallFailover.push(stall(faultWall, healWall))
    r.stallFailback.push(stall(healWall, Infinity))
    log(
      `  ${profile.name}, ${fault}, run ${run + 1}/${runs}: failover ${overShown.join('/')} ms, ` +
        `failback ${backShown.join('/')} ms, stall ${r.stallFailover.at(-1)}/${r.stallFailback.at(-1)} ms`,
    )
    await lab.routeBecomes(h2, addr(A, 1), `dev ${h2.ifaces[A]}`)
  }
  return {
    profile: profile.name,
    fault,
    runs,
    failover: failover.ms,
    failback: failback.ms,
    ...r,
    failoverLimitMs: (profile.f - 0.5) * tMs,
    failbackLimitMs: profile.s * tMs,
    bytesLost,
    flaps,
    falseFailovers,
    ...stamping(stamps),
    flagged: failover.flagged + failback.flagged,
    summary: {
      failover: summarize(failover.ms),
      failback: summarize(failback.ms),
      stallFailover: summarize(r.stallFailover),
      stallFailback: summarize(r.stallFailback),
    },
  }
}
