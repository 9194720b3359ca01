// Probe targets: boxes that run no faild (a router, an array), judged by their answers to probes with the same -f/-s counters as a peer.
//
// The prober sends PROBES_PER_INTERVAL probes per interval on its own clock and reports each
// genuine answer. Each answer is a good packet and sets the next deadline a probe period (plus a
// little grace) later; every deadline that passes unanswered is a miss, so a dead port is found
// `failAfter` probe periods after the last answer. A lost carrier on the target's LAN takes it
// down at once.
import { OVERLOAD_SILENCE } from '../engine/timing.js'
import { type Link, LinkEvent, LinkState, linkStep, NEW_LINK, type Thresholds } from '../path/link-fsm.js'
import type { IPv6 } from '../util/ipv6.js'

/** How a target is probed: ICMP echo, or an ARP request (neighbour solicitation for IPv6) on the target's own subnet. */
export type ProbeMethod = 'icmp' | 'arp'

export interface TargetSpec {
  /** Its IPv4 address; 0 for an IPv6 target. */
  readonly address: number
  /** Its IPv6 address; absent for an IPv4 target. */
  readonly ipv6?: IPv6
  /** The index of the LAN the target is probed on. */
  readonly lan: number
  readonly method: ProbeMethod
}

/**
 * Targets are probed twice per interval. A peer gives two packets of evidence per interval (its
 * INQs and its ACKs to ours); a box that runs nothing gives only its answers to our probes. At one
 * probe per interval a dead port in front of a router took about `(f - 0.4) x t` to find (268 ms
 * median at -t 0.1 -f 3, and the service address it watches moved in 329); at two, -f misses
 * take half as long, as for a peer. The cost is 2 / t ARP or ICMP exchanges a second per target
 * (20 at -t 0.1).
 */
export const PROBES_PER_INTERVAL = 2

/** The time between two probes of a target. */
export const probeMs = (intervalMs: number): number => intervalMs / PROBES_PER_INTERVAL

/** A deadline is this late beyond the probe period before it counts as a miss: the prober's own timer jitter. */
export const TARGET_GRACE_FRACTION = 0.1
/** At least 10 ms: iputils ping keeps its own clock, and at a 50 ms period 5 ms of its jitter made misses. */
export const TARGET_GRACE_MIN_MS = 10

export interface TargetConfig extends Thresholds {
  readonly intervalMs: number
}

/** One target's path, as the status, the log and the route planner see it. Times: monotonic ms. */
export interface TargetView {
  readonly address: number
  readonly ipv6?: IPv6
  readonly lan: number
  readonly method: ProbeMethod
  readonly state: LinkState
  readonly missed: number
  readonly good: number
  readonly lastAnswer: number
  readonly rttMs: number | undefined
  readonly since: number
  /** When it last went down (-Infinity: never since faild started). */
  readonly downSince: number
}

/** A target's path changed state. */
export interface TargetChange {
  readonly address: number
  readonly ipv6?: IPv6
  readonly lan: number
  readonly from: LinkState
  readonly to: LinkState
  readonly link: Link
  /** No carrier on our interface there, rather than misses. */
  readonly carrier: boolean
}

interface Target {
  readonly spec: TargetSpec
  link: Link
  /** When the next answer is overdue (Infinity: none expected yet, before the first). */
  due: number
  lastAnswer: number
  rttMs: number | undefined
  since: number
  downSince: number
}

export class Targets {
  readonly #targets: Target[]
  #cfg: TargetConfig

  constructor(specs: readonly TargetSpec[], cfg: TargetConfig) {
    this.#targets = specs.map((spec) => ({
      spec,
      link: NEW_LINK,
      due: Infinity,
      lastAnswer: -Infinity,
      rttMs: undefined,
      since: -Infinity,
      downSince: -Infinity,
    }))
    this.#cfg = cfg
  }

  get count(): number {
    return this.#targets.length
  }

  configure(cfg: TargetConfig): void {
    this.#cfg = cfg
  }

  /** Target `i` answered a probe: a good packet; the next answer is due a probe period later. */
  answer(now: number, i: number, rttMs?: number): TargetChange[] {
    const t = this.#targets[i]
    if (!t) return []
    t.lastAnswer = now
    t.rttMs = rttMs
    const period = probeMs(this.#cfg.intervalMs)
    t.due = now + period + grace(period)
    return this.#step(t, LinkEvent.Good, now, false)
  }

  /**
   * Count a miss for every deadline that has passed. While faild is `blind` (it fell behind: an
   * answer may be waiting unread) a miss counts only for a target silent OVERLOAD_SILENCE
   * intervals, as for a peer; `blind` is asked once, and only when a miss is due.
   */
  expire(now: number, blind: () => boolean = () => false): TargetChange[] {
    const out: TargetChange[] = []
    let held: boolean | undefined
    for (const t of this.#targets) {
      while (t.due <= now) {
        t.due += probeMs(this.#cfg.intervalMs)
        held ??= blind()
        if (held && now - t.lastAnswer < OVERLOAD_SILENCE * this.#cfg.intervalMs) continue
        out.push(...this.#step(t, LinkEvent.Miss, now, false))
      }
    }
    return out
  }

  /** This host's interface on `lan` lost carrier (every target there is down at once) or got it back. */
  carrier(now: number, lan: number, up: boolean): TargetChange[] {
    if (up) return []
    const out: TargetChange[] = []
    for (const t of this.#targets) if (t.spec.lan === lan) out.push(...this.#step(t, LinkEvent.NoCarrier, now, true))
    return out
  }

  /** The earliest deadline; Infinity when none is pending. */
  nextDeadline(): number {
    let next = Infinity
    for (const t of this.#targets) next = Math.min(next, t.due)
    return next
  }

  view(): TargetView[] {
    return this.#targets.map((t) => ({
      ...t.spec,
      state: t.link.state,
      missed: t.link.missed,
      good: t.link.good,
      lastAnswer: t.lastAnswer,
      rttMs: t.rttMs,
      since: t.since,
      downSince: t.downSince,
    }))
  }

  #step(t: Target, event: LinkEvent, now: number, carrier: boolean): TargetChange[] {
    const from = t.link.state
    t.link = linkStep(t.link, event, this.#cfg)
    if (t.link.state === from) return []
    t.since = now
    if (t.link.state === LinkState.Down) t.downSince = now
    const ipv6 = t.spec.ipv6 ? { ipv6: t.spec.ipv6 } : {}
    return [{ address: t.spec.address, ...ipv6, lan: t.spec.lan, from, to: t.link.state, link: t.link, carrier }]
  }
}

const grace = (periodMs: number) => Math.max(TARGET_GRACE_MIN_MS, TARGET_GRACE_FRACTION * periodMs)
