// How faild's metrics are read at scrape time: gauges filled from one status per scrape, counters mirroring totals kept elsewhere.
import { Counter, Gauge, type Registry } from 'prom-client'
import type { StatusReport } from '../core/report/status.js'

/**
 * Each collect() waits for its own turn of the event loop, one after the other: at 1000 peers a
 * scrape sets 16,000 path series (about 40 ms of work), and packets are read between the gauges
 * instead of waiting behind all of them.
 */
export function turns(): () => Promise<void> {
  let last = Promise.resolve()
  return () => {
    last = last.then(() => new Promise<void>((r) => setImmediate(r)))
    return last
  }
}

export type Take = () => StatusReport | undefined

export interface Scrape {
  readonly take: Take
  readonly turn: () => Promise<void>
}

/**
 * A gauge whose values are all set at scrape time by `fill`, from one status taken per scrape.
 * Label values are peer addresses (only the known peers, at most maxPeers) and LAN labels (this
 * host's config): nothing a packet can invent.
 */
export function scraped<L extends string>(
  registry: Registry,
  { take, turn }: Scrape,
  def: { name: string; help: string; labelNames: readonly L[] },
  fill: (s: StatusReport, set: (labels: Record<L, string>, v: number | undefined) => void) => void,
): void {
  new Gauge<L>({
    ...def,
    registers: [registry],
    async collect() {
      await turn()
      this.reset()
      const s = take()
      if (s) fill(s, (labels, v) => v !== undefined && this.set(labels, v))
    },
  })
}

/** A counter that mirrors a running total kept elsewhere (set at scrape time, never bumped per packet). */
export function mirrored<L extends string>(
  registry: Registry,
  def: { name: string; help: string; labelNames?: readonly L[] },
  read: () => ReadonlyArray<readonly [Partial<Record<L, string>>, number]>,
): void {
  new Counter<L>({
    ...def,
    labelNames: def.labelNames ?? [],
    registers: [registry],
    collect() {
      this.reset()
      for (const [labels, v] of read()) this.inc(labels, v)
    },
  })
}
