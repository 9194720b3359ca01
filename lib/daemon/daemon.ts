// The composition root: builds every component once, carries out what they call back for, and answers for the running daemon (status, reload).
import { placeAddresses, placeGateways, placeGateways6, placeTargets } from '../config/derive.js'
import type { Options } from '../config/types.js'
import type { Effect } from '../core/engine/effects.js'
import type { EngineView } from '../core/engine/view.js'
import type { Lan } from '../core/lans.js'
import type { Matrix } from '../core/report/matrix.js'
import type { StatusReport } from '../core/report/status.js'
import type { StatusInput } from '../core/report/status-report.js'
import type { Gateway, Gateway6 } from '../core/routes/gateway.js'
import type { WireKey } from '../core/wire/message.js'
import { readKeyFile } from '../host/key-file.js'
import { discoverLans } from '../host/lan-discovery.js'
import { carrierChanged } from './carrier-change.js'
import type { DaemonDeps } from './deps.js'
import { Lifecycle } from './lifecycle.js'
import { buildParts, type Parts } from './parts.js'
import { applyReload, type Prepared, prepareReload } from './reload.js'
import type { Wanted } from './route-sync.js'
import { wanted } from './wanted.js'

export type { DaemonDeps }

export class Daemon {
  #opt: Options
  readonly #deps: DaemonDeps
  #parts: Parts | undefined
  #gateways: Gateway[] = []
  #gateways6: Gateway6[] = []
  #keys: WireKey[] = []
  /** Starts and stops the parts; knows whether stop() was called. */
  readonly #life: Lifecycle
  /** The gateways that have failed since the start (see wanted.ts); a what-if plans on a copy. */
  readonly #failedGateways = new Set<string>()

  constructor(opt: Options, deps: DaemonDeps) {
    this.#opt = opt
    this.#deps = deps
    this.#life = new Lifecycle(deps, {
      parts: () => this.#parts,
      gateways: () => this.#gateways,
      gateways6: () => this.#gateways6,
      keyed: () => this.#keys.length > 0,
      carrier: (iface, up) => this.#onCarrier(iface, up),
      stats: () => this.stats(),
    })
  }

  get options(): Options {
    return this.#opt
  }

  get lans(): readonly Lan[] {
    return this.#parts?.lans ?? []
  }

  /** Everything that can be refused (interfaces, keys, the port, root) is checked before routes change. */
  async start(): Promise<void> {
    const { ip } = this.#deps
    const o = this.#opt
    this.#keys = o.keyFile ? readKeyFile(o.keyFile) : []
    const services = new Set(o.addresses.flatMap((a) => (a.ipv6 === undefined ? [a.address] : [])))
    const lans = await discoverLans(ip, o.lans, o.dynamicInterfaces, services)
    this.#gateways = placeGateways(o, lans)
    this.#gateways6 = placeGateways6(o, lans)
    const placed = { targets: placeTargets(o, lans), addresses: placeAddresses(o, lans) }
    const p = (this.#parts = buildParts(this.#deps, lans, this.#keys, placed, {
      options: () => this.#opt,
      run: (fx, exact) => this.#run(fx, exact),
      plan: (view) => this.#plan(view),
      statusInput: (view) => this.#statusInput(view),
      ipv6: () => this.#life.startRoutes6(),
    }))
    await this.#life.start(p, o)
  }

  #onCarrier(iface: string, carrier: boolean): void {
    const parts = this.#parts
    if (!parts || this.#life.stopped) return
    const run = (effects: readonly Effect[]) => this.#run(effects)
    carrierChanged({ parts, options: this.#opt, deps: this.#deps, run }, iface, carrier)
  }

  /**
   * Carry out the engine's effects and plan routes if a path changed; re-arm the deadline timer
   * exactly after an event, and after a packet only if it set an earlier deadline (O(1) per packet).
   */
  #run(effects: readonly Effect[], exact = true): void {
    const p = this.#parts
    if (this.#life.stopped || !p) return
    const r = p.effects.run(this.#deps.clock.now(), effects)
    if (r.changed || p.sync.waiting) p.sync.queue(r.links)
    if (exact) p.scheduler.rearm()
    else p.scheduler.soonest(p.engine.soonestDeadline())
  }

  /** The routes wanted now, from one snapshot of the engine (once per plan, never per packet). */
  #plan(view?: EngineView): Wanted {
    const p = this.#parts!
    const gatewayTable = (len: number) => p.routes.gatewayTableOf(len)
    const now = this.#deps.clock.now()
    return wanted({
      view: view ?? p.engine.view(),
      targets: p.probes.view(),
      lans: p.lans,
      gateways: this.#gateways,
      gatewayTable,
      gateways6: this.#gateways6,
      ...(p.routes6.running ? { gatewayTable6: (len: number) => p.routes6.gatewayTableOf(len) } : {}),
      routes6: p.sync.target6,
      options: this.#opt,
      now,
      routes: p.sync.target,
      ownServices: p.addresses.own,
      failedGateways: view ? new Set(this.#failedGateways) : this.#failedGateways,
    })
  }

  /** Stops what could change routes first, and removes faild's routes and rules last. */
  async stop(): Promise<void> {
    await this.#life.stop()
  }

  /** stop() was called: nothing may change the routes any more. */
  get stopping(): boolean {
    return this.#life.stopped
  }

  /** faildctl offline/online: take a LAN out of service, or put it back. Returns what happened. */
  setOffline(name: string, offline: boolean): { ok: boolean; message: string } {
    // Its peers would be told nothing: stop() has ended what carries out the change.
    if (this.#life.stopped)
      return { ok: false, message: `faild is stopping: LAN ${name} not taken ${offline ? 'off' : 'on'}line` }
    return this.#parts!.operator.setOffline(name, offline)
  }

  /** faildctl what-if offline: the route changes taking a LAN offline would make, made nowhere. */
  whatIfOffline(name: string): { ok: boolean; message: string } {
    return this.#parts!.operator.whatIfOffline(name)
  }

  /** faildctl matrix. */
  matrix(): Matrix {
    return this.#parts!.operator.matrix()
  }

  /** By LAN: its carrier is lost (cheap: for the metrics of a plan being applied). */
  carrierLost(): boolean[] {
    return this.#parts?.engine.lanViews().map((l) => !l.carrier) ?? []
  }

  /** Everything `faildctl status` shows. */
  status(): StatusReport {
    return this.#parts!.operator.status()
  }

  /** "received 1234, dropped 3 (ERR_BAD_MAGIC 2, late-ack 1)"; socket errors are counted here too. */
  stats(): string {
    const p = this.#parts
    return p ? `received ${p.packets.received}, ${p.drops.describe()}` : 'received 0, dropped 0'
  }

  /** Check a reloaded config against this host without changing anything; throws what cannot be applied. */
  prepare(next: Options): Prepared {
    return prepareReload(this.#opt, next, this.lans, this.#keys.length > 0)
  }

  /** Apply a prepared reload (what it changes: applyReload in reload.ts). */
  async commit(r: Prepared): Promise<void> {
    const p = this.#parts!
    this.#opt = r.options
    this.#keys = r.keys
    this.#gateways = r.gateways
    this.#gateways6 = r.gateways6
    // An IPv6 table starting now takes the lengths it was started with: let it, then regroup.
    await this.#life.starting6
    await applyReload(p, r)
  }

  /** Prepare and commit in one step; returns the keys that changed but wait for a restart. */
  async reconfigure(next: Options): Promise<string[]> {
    const r = this.prepare(next)
    await this.commit(r)
    return r.pending
  }

  #statusInput(view: EngineView): StatusInput {
    const p = this.#parts!
    return {
      view,
      targets: p.probes.view(),
      lans: p.lans,
      table: this.#opt.table,
      gateways: this.#gateways,
      gateways6: this.#gateways6,
      routes: p.sync.target,
      routes6: p.sync.target6,
      now: this.#deps.clock.now(),
    }
  }
}
