// The probe targets at work: answers from the prober judged by the core's Targets, each change logged, notified and planned.

import type { NotifyEvent } from '../core/report/change-log.js'
import {
  type TargetChange,
  type TargetConfig,
  type TargetSpec,
  Targets,
  type TargetView,
} from '../core/targets/targets.js'
import { formatIPv4 } from '../core/util/ipv4.js'
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

export class Probes {
  readonly #deps: ProbesDeps
  readonly #targets: Targets
  readonly #pinger: Pinger

  constructor(specs: readonly TargetSpec[], cfg: TargetConfig, deps: ProbesDeps) {
    this.#deps = deps
    this.#targets = new Targets(specs, cfg)
    const probe = specs.map((s) => ({ address: s.address, iface: () => deps.iface(s.lan) }))
    this.#pinger = new Pinger(probe, deps.log)
  }

  start(cfg: TargetConfig): void {
    if (this.#targets.count === 0) return
    this.#pinger.start(cfg.intervalMs, (i, rttMs) => {
      const now = this.#deps.now()
      this.#report(this.#targets.answer(now, i, rttMs))
      this.#deps.deadline(this.#targets.nextDeadline())
    })
  }

  configure(cfg: TargetConfig): void {
    this.#targets.configure(cfg)
    if (this.#targets.count > 0) this.#pinger.restart(cfg.intervalMs)
  }

  stop(): void {
    this.#pinger.stop()
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
      const target = formatIPv4(c.address)
      const why = c.carrier ? 'carrier lost here' : `missed ${c.link.missed}, good ${c.link.good}`
      const line = `target ${target} LAN ${label(c.lan)}: ${c.from} -> ${c.to} (${why})`
      if (c.to === 'down') log.warn(line)
      else log.info(line)
      notify?.({ event: 'target', target, lan: label(c.lan), oldState: c.from, newState: c.to })
    }
    this.#deps.changed()
  }
}
