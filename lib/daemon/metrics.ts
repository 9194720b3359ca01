// faild's Prometheus registry: the change counters, the scrape-time gauges and the process metrics.
import { collectDefaultMetrics, Registry } from 'prom-client'
import { ChangeMetrics } from './metrics-changes.js'
import { type StateSource, stateMetrics } from './metrics-state.js'
import type { DaemonObserver } from './observer.js'

export interface MetricsSource extends StateSource {
  /** faild's host-route table (for telling failovers from gateway moves). */
  readonly table: () => number
  /** By LAN: its carrier is lost. Asked while a plan is applied: O(LANs), never a whole status. */
  readonly carrierLost: () => readonly boolean[]
}

/** Coarser than prom-client's 10 ms: the event-loop delay sampler runs only while --metrics is on, but then always. */
const EVENT_LOOP_SAMPLE_MS = 50

export class Metrics {
  readonly registry = new Registry()
  /** Handed to the daemon: bumps the counters on plans, route batches and flap holds. */
  readonly observer: DaemonObserver
  /** Forget the status the last scrape read. */
  readonly #begin: () => void

  constructor(source: MetricsSource, processMetrics = true) {
    // Looked up once per plan, and only when a route moved for a path with nothing else to explain it.
    const { carrierLost } = source
    const lanLabels = () => source.status()?.lans.map((l) => l.label)
    this.observer = new ChangeMetrics(this.registry, { table: source.table, carrierLost, lanLabels })
    this.#begin = stateMetrics(this.registry, source)
    // Standard names (process_*, nodejs_*), so the usual Node dashboards work as they are.
    if (processMetrics)
      collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS })
  }

  get contentType(): string {
    return this.registry.contentType
  }

  /** The Prometheus text exposition of every metric, as of now. */
  text(): Promise<string> {
    this.#begin()
    return this.registry.metrics()
  }
}
