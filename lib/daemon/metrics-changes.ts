// The counters bumped when something changes (paths, routes, route batches, flap holds): never per packet.
import { type Counter, Histogram, Counter as PromCounter, type Registry } from 'prom-client'
import type { DampedEvent, LinkChange } from '../core/engine/effects.js'
import { LinkState } from '../core/path/link-fsm.js'
import { FAILOVER_REASONS, ROUTE_ACTIONS, routeMoves } from '../core/report/failover-reason.js'
import type { Route } from '../core/routes/route.js'
import type { DaemonObserver } from './observer.js'

/** Route batches: `ip -batch` takes about a millisecond; a slow ip, a loaded host, seconds. */
const APPLY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

const STATES = Object.values(LinkState)

export interface ChangeContext {
  /** faild's host-route table. */
  readonly table: () => number
  /** By LAN index: whether this host's interface there has lost carrier (asked at most once per plan, only when a route moved). */
  readonly carrierLost: () => readonly boolean[]
  /** The LANs' labels, by index (undefined before the daemon started). */
  readonly lanLabels: () => readonly string[] | undefined
}

/** Round trips on a LAN: tens of microseconds in a rack, milliseconds through a loaded switch. */
const RTT_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25]

/** Each series created at once with 0: a rate() over a counter that appears only on its first change misses it. */
function zeroed<L extends string>(c: Counter<L>, label: L, values: readonly string[]): Counter<L> {
  for (const v of values) c.inc({ [label]: v } as Partial<Record<L, string>>, 0)
  return c
}

export class ChangeMetrics implements DaemonObserver {
  readonly #ctx: ChangeContext
  readonly #paths: Counter<'from' | 'to'>
  readonly #routes: Counter<'action'>
  readonly #failovers: Counter<'reason'>
  readonly #failbacks: Counter
  readonly #apply: Histogram
  readonly #applyFailed: Counter
  readonly #holds: Counter
  readonly #rtt: Histogram<'lan'>
  /** The histogram's series by LAN index, made once: an ACK costs one observe, no label lookup. */
  #rttByLan: Array<{ observe: (v: number) => void }> | undefined

  constructor(registry: Registry, ctx: ChangeContext) {
    this.#ctx = ctx
    const registers = [registry]
    this.#rtt = new Histogram({
      name: 'faild_rtt_seconds',
      help: "Round-trip times of the ACKs to this host's INQs, by LAN.",
      labelNames: ['lan'] as const,
      buckets: RTT_BUCKETS,
      registers,
    })
    this.#paths = new PromCounter({
      name: 'faild_path_changes_total',
      help: 'Path state changes (the state routes follow), by state before and after.',
      labelNames: ['from', 'to'] as const,
      registers,
    })
    for (const from of STATES) for (const to of STATES) if (from !== to) this.#paths.inc({ from, to }, 0)
    this.#routes = zeroed(
      new PromCounter({
        name: 'faild_route_changes_total',
        help: 'Routes faild added, changed or removed (host and gateway routes), as planned.',
        labelNames: ['action'] as const,
        registers,
      }),
      'action',
      ROUTE_ACTIONS,
    )
    this.#failovers = zeroed(
      new PromCounter({
        name: 'faild_failovers_total',
        help: "A peer's address routed off its own LAN, by why its path there went down.",
        labelNames: ['reason'] as const,
        registers,
      }),
      'reason',
      FAILOVER_REASONS,
    )
    this.#failbacks = new PromCounter({
      name: 'faild_failbacks_total',
      help: "A peer's address routed on its own LAN again (its route withdrawn).",
      registers,
    })
    this.#apply = new Histogram({
      name: 'faild_route_apply_seconds',
      help: 'How long one batch of route changes took to apply (ip -batch).',
      buckets: APPLY_BUCKETS,
      registers,
    })
    this.#applyFailed = new PromCounter({
      name: 'faild_route_apply_failures_total',
      help: 'Route batches ip refused (retried at the next deadline).',
      registers,
    })
    this.#holds = new PromCounter({
      name: 'faild_flap_holds_total',
      help: 'Paths held down by flap damping.',
      registers,
    })
  }

  planned(links: readonly LinkChange[], before: readonly Route[], after: readonly Route[]): void {
    for (const l of links) if (l.from !== l.to) this.#paths.inc({ from: l.from, to: l.to })
    let lost: readonly boolean[] | undefined
    const carrierLost = (lan: number) => (lost ??= this.#ctx.carrierLost())[lan] === true
    const m = routeMoves(links, before, after, this.#ctx.table(), carrierLost)
    for (const action of ROUTE_ACTIONS) if (m.actions[action] > 0) this.#routes.inc({ action }, m.actions[action])
    for (const reason of m.failovers) this.#failovers.inc({ reason })
    if (m.failbacks > 0) this.#failbacks.inc(m.failbacks)
  }

  applied(seconds: number, ok: boolean): void {
    this.#apply.observe(seconds)
    if (!ok) this.#applyFailed.inc()
  }

  rtt(lan: number, ms: number): void {
    if (!this.#rttByLan) {
      const labels = this.#ctx.lanLabels()
      if (!labels) return
      this.#rttByLan = labels.map((l) => this.#rtt.labels({ lan: l }))
    }
    this.#rttByLan[lan]?.observe(ms / 1000)
  }

  damped(_e: DampedEvent): void {
    this.#holds.inc()
  }
}
