// The probe targets at work: answers from the prober judged by the core's Targets, each change logged, notified and planned.

import type { NotifyEvent } from '../core/report/change-log.js'
import { targetText } from '../core/targets/target-lookup.js'
import {
  probeMs,
  type TargetChange,
  type TargetConfig,
  type TargetSpec,
  Targets,
  type TargetView,
} from '../core/targets/targets.js'
import { ArpProber } from '../host/arp-prober.js'
import type { Logger } from '../host/log.js'
import { Pinger } from '../host/pinger.js'

export interface ProbesDeps {
  readonly log: Logger
  readonly now: () => number
  readonly label: (lan: number) => string
  /** The LAN's interface now (it may be renamed while faild runs). */
  readonly iface: (lan: number) => string
  readonly notify?: ((e: NotifyEvent) => void) | undefined
  /** A target changed state: the gateway routes are planned again. */
  readonly changed: () => void
  /** A new deadline may be earlier than the timer's. */
  readonly deadline: (at: number) => void
}

/** What probes targets of one method: answers come back by the index it was given. */
interface Prober {
  start(intervalMs: number, onAnswer: (i: number, rttMs: number | undefined) => void): void
  restart(intervalMs: number): void
  stop(): void
}

export class Probes {
  readonly #deps: ProbesDeps
  readonly #targets: Targets
  /** Each prober with the indices (in `specs`) of the targets it probes. */
  readonly #probers: Array<{ prober: Prober; indices: number[] }>

  constructor(specs: readonly TargetSpec[], cfg: TargetConfig, deps: ProbesDeps) {
    this.#deps = deps
    this.#targets = new Targets(specs, cfg)
    const of = (method: TargetSpec['method']) => specs.flatMap((s, i) => (s.method === method ? [i] : []))
    const probe = (indices: number[]) =>
      indices.map((i) => ({ address: targetText(specs[i]!), iface: () => deps.iface(specs[i]!.lan) }))
    const icmp = of('icmp')
    const arp = of('arp')
    this.#probers = [
      { prober: new Pinger(probe(icmp), deps.log), indices: icmp },
      { prober: new ArpProber(probe(arp), deps.log), indices: arp },
    ].filter((x) => x.indices.length > 0)
  }

  start(cfg: TargetConfig): void {
    for (const { prober, indices } of this.#probers) {
      prober.start(probeMs(cfg.intervalMs), (k, rttMs) => {
        const now = this.#deps.now()
        this.#report(this.#targets.answer(now, indices[k]!, rttMs))
        this.#deps.deadline(this.#targets.nextDeadline())
      })
    }
  }

  configure(cfg: TargetConfig): void {
    this.#targets.configure(cfg)
    for (const { prober } of this.#probers) prober.restart(probeMs(cfg.intervalMs))
  }

  stop(): void {
    for (const { prober } of this.#probers) prober.stop()
  }

  /** `blind`: whether faild fell behind (see Targets.expire). */
  expire(now: number, blind?: () => boolean): void {
    this.#report(this.#targets.expire(now, blind))
  }

  carrier(now: number, lan: number, up: boolean): void {
    this.#report(this.#targets.carrier(now, lan, up))
  }

  nextDeadline(): number {
    return this.#targets.nextDeadline()
  }

  view(): TargetView[] {
    return this.#targets.view()
  }

  #report(changes: readonly TargetChange[]): void {
    if (changes.length === 0) return
    const { log, label, notify } = this.#deps
    for (const c of changes) {
      const target = targetText(c)
      const why = c.carrier ? 'carrier lost here' : `missed ${c.link.missed}, good ${c.link.good}`
      const line = `target ${target} LAN ${label(c.lan)}: ${c.from} -> ${c.to} (${why})`
      if (c.to === 'down') log.warn(line)
      else log.info(line)
      notify?.({ event: 'target', target, lan: label(c.lan), oldState: c.from, newState: c.to })
    }
    this.#deps.changed()
  }
}
