// When a fault took effect: the switch's own netlink report of it (or the command's return, if earlier), stamped as the route changes timed from it are.
//
// The figures (../shared/reference/frr-lab's fault.sh) are timed from the fault in effect,
// not from the start of the command that makes it: spawning `ip` or `nft` takes 10-20 ms here,
// which a timing from the command's start adds to every figure, faild's and FRR's alike.
// Three stamps compared on this 2-core machine (3 hosts running faild -t 0.1, 20 faults and 20
// heals of each kind, medians [ranges] in ms after the command's start): the switch namespace's
// own report (`ip monitor link` for the port going down or up; `nft monitor`'s "new generation"
// line, printed once the rule batch is committed) came at 10.3 [8.9-18.5] for a pulled cable and
// 18.8 [16.7-31.3] for a dead port, the command's return at 11.6 [10.0-19.0] and 20.5 [18.5-31.8].
// The return is the later one in most runs (ip and nft still print, exit and are reaped), and
// once in 20 pulled cables the far end's reroute arrived 2.7 ms before it; the report never came
// after a reaction, but was the later of the two in a few heals (by up to 3.6 ms: its monitor
// scheduled late on the busy machine). Both come after the kernel made the change, so the earlier
// of the two is the tighter bound on when it did: that is the stamp. The report reaches the bench
// as the route changes timed from it do (a monitor process, a pipe, this event loop), so its
// delivery delay is on both sides of the difference; the return alone is the fallback when no
// report came, as fault.sh's t_fault is.
import type { Host, Lab, RouteWatch } from '../spec/lab/harness/netlab.js'
import { summarize } from './stats.js'

/** How the bench's times are taken, for its results text. */
export const FAULT_STAMP =
  "the switch namespace's own netlink report of the change, `ip monitor link` or `nft monitor`, or the fault command's return if that came first"

/** One fault or heal, as performance.now() instants. */
export interface Stamp {
  /** Just before the command was spawned. */
  readonly issued: number
  /** The switch's own report of the change arrived (NaN: none within REPORT_WAIT_MS). */
  readonly reported: number
  /** The command returned. */
  readonly returned: number
  /** When it took effect, the instant reactions are timed from: the earlier of `reported` and `returned`. */
  readonly effect: number
}

/** A fault (on) or its heal (off), carried out and stamped. */
export type Inject = (on: boolean) => Promise<Stamp>

/** How long after the command returned a report may still arrive (its monitor may be scheduled late). */
const REPORT_WAIT_MS = 500

const literal = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The switch's reports, and the faults of a lab stamped by them. */
export class FaultClock {
  readonly #lab: Lab
  readonly #links: RouteWatch
  readonly #rules: RouteWatch

  private constructor(lab: Lab, watch: { links: RouteWatch; rules: RouteWatch }) {
    this.#lab = lab
    this.#links = watch.links
    this.#rules = watch.rules
  }

  /** Start watching the lab's switch; before any fault to be timed. */
  static async start(lab: Lab): Promise<FaultClock> {
    return new FaultClock(lab, await lab.watchSwitch())
  }

  /** Host h's switch port on `lan` dead both ways (nftables drops its frames, links stay up), or working again. */
  deadPort(h: Host, lan: number): Inject {
    // nft prints "# new generation N by process P (nft)" after the batch's rules: the commit.
    const committed = /^# new generation /
    return (on) => stamp(this.#rules, committed, () => (on ? this.#lab.fault(h, lan, 'both') : this.#lab.heal(h, lan)))
  }

  /** Host h's cable on `lan` pulled (the switch-side link down), or plugged back (up and forwarding). */
  cable(h: Host, lan: number): Inject {
    const port = `^\\d+: ${literal(this.#lab.port(h, lan))}(@\\S+)?: `
    // down: the port's flags without UP; back: the port's operational state UP (carrier and bridge).
    const down = new RegExp(`${port}<(?![^>]*\\bUP\\b)`)
    const up = new RegExp(`${port}<[^>]*\\bLOWER_UP\\b[^>]*>.* state UP `)
    return (on) => stamp(this.#links, on ? down : up, () => this.#lab.cable(h, lan, !on))
  }
}

/** Run `change` and stamp it: issued, the report matching `mark` on `watch`, returned. */
async function stamp(watch: RouteWatch, mark: RegExp, change: () => Promise<void>): Promise<Stamp> {
  watch.drain()
  const issued = performance.now()
  await change()
  const returned = performance.now()
  const reported = (await watch.next(mark, REPORT_WAIT_MS)) ?? NaN
  return { issued, reported, returned, effect: Number.isNaN(reported) ? returned : Math.min(reported, returned) }
}

/** Reactions timed from faults: a reaction stamped before its fault took effect is flagged (counted), never a figure. */
export class Reactions {
  /** ms per reaction; NaN where none came, or where it was flagged. */
  readonly ms: number[] = []
  flagged = 0

  /** Record the reaction at `at` (undefined or NaN: none came) to a fault in effect at `from`; how to log it. */
  add(at: number | undefined, from: number): string {
    if (at === undefined || Number.isNaN(at)) {
      this.ms.push(NaN)
      return '-'
    }
    const d = at - from
    this.ms.push(d < 0 ? NaN : d)
    if (d >= 0) return `${Math.round(d)}`
    this.flagged++
    return `${d.toFixed(1)} (before the fault took effect: flagged)`
  }
}

/** How a case's faults and heals were stamped: their commands' median duration (ms), and how many had no report. */
export function stamping(stamps: readonly Stamp[]): { injectMedianMs: number; unreported: number } {
  return {
    injectMedianMs: summarize(stamps.map((s) => s.returned - s.issued)).median,
    unreported: stamps.filter((s) => Number.isNaN(s.reported)).length,
  }
}
