// The composition root: builds every component once, starts them in order and stops them in reverse.
import { placeAddresses, placeGateways, placeGateways6, placeTargets } from '../config/derive.js'
import type { Options } from '../config/types.js'
import type { Effect } from '../core/engine/effects.js'
import type { EngineView } from '../core/engine/view.js'
import type { Lan } from '../core/lans.js'
import type { Matrix } from '../core/report/matrix.js'
import type { StatusReport } from '../core/report/status.js'
import type { StatusInput } from '../core/report/status-report.js'
import type { Gateway, Gateway6 } from '../core/routes/gateway.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import type { WireKey } from '../core/wire/message.js'
import { readKeyFile } from '../host/key-file.js'
import { discoverLans } from '../host/lan-discovery.js'
import { linkReturned } from '../host/neighbours.js'
import type { DaemonDeps } from './deps.js'
import { buildParts, type Parts, targetConfig } from './parts.js'
import { applyReload, type Prepared, prepareReload } from './reload.js'
import type { Wanted } from './route-sync.js'
import { logBuffer, logStart } from './start-log.js'
import { StartOrder } from './start-order.js'
import { wanted } from './wanted.js'

export type { DaemonDeps }

export class Daemon {
  #opt: Options
  readonly #deps: DaemonDeps
  #parts: Parts | undefined
  #gateways: Gateway[] = []
  #gateways6: Gateway6[] = []
  #keys: WireKey[] = []
  #stopped = false
  /** True once the route table is ours: only then does stop() have something to undo. */
  #owning = false
  /** The IPv6 routes starting after the daemon did (#startRoutes6). */
  #starting6: Promise<void> | undefined
  /** The gateways that have failed since the start (see wanted.ts); a what-if plans on a copy. */
  readonly #failedGateways = new Set<string>()

  constructor(opt: Options, deps: DaemonDeps) {
    this.#opt = opt
    this.#deps = deps
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
      ipv6: () => this.#startRoutes6(),
    }))
    const order = new StartOrder()
    try {
      const now = () => this.#deps.clock.now()
      const buffer = await order.start(
        () =>
          p.datagrams.start({
            packet: (lan, src, data) => !this.#stopped && p.packets.receive(now(), lan, src, data),
            packet6: (lan, src, data) => !this.#stopped && p.packets.receive(now(), lan, 0, data, src),
            error: (lan, err) => p.drops.count('socket-error', lan, () => err.message),
            stray: (src, data) =>
              p.drops.count('off-lan', undefined, () => `${data.length} bytes from ${formatIPv4(src)}`),
          }),
        () => p.datagrams.stop(),
      )
      logBuffer(this.#deps.log, buffer)
      this.#owning = true
      await order.start(
        () => p.routes.start(this.#gateways.map((g) => g.len)),
        () => p.routes.stop(),
      )
      // IPv6 swaps need a LAN with an IPv6 address (a kernel without IPv6 has no `ip -6 rule`):
      // now, or once one has one (#startRoutes6).
      if (p.lans.some((l) => l.ipv6))
        await order.start(
          () => p.routes6.start(this.#gateways6.map((g) => g.len)),
          () => p.routes6.stop(),
        )
      await order.startGuarded(
        () => p.addresses.start(),
        () => p.addresses.stop(),
      )
    } catch (err) {
      await order.unwind()
      throw err
    }
    logStart(this.#deps.log, o, p.lans, p.engine.config.nodeId, this.#keys.length > 0)
    p.scheduler.start(o.requestor)
    p.probes.start(targetConfig(o))
    p.operator.restoreOffline()
    // After the first INQ is due: at start no peer is known yet, so no carrier event can move a route.
    await p.carrier.start((iface, up) => this.#onCarrier(iface, up), {
      kernel: () => p.sync.kernelChanged(),
      interfaces: () => p.interfaces.changed(),
    })
  }

  /**
   * A LAN has an IPv6 address it did not have at start (SLAAC after faild started, an address
   * added by hand): start the IPv6 routes then, or its IPv6 gateway routes and swaps would never
   * be installed. One start at a time; one that fails (a kernel without IPv6) is tried again at
   * the next address.
   */
  #startRoutes6(): void {
    const p = this.#parts
    if (!p || this.#stopped || !this.#owning || p.routes6.running || this.#starting6) return
    this.#starting6 = p.routes6
      .start(this.#gateways6.map((g) => g.len))
      .then(
        () => {
          this.#deps.log.info('IPv6 routes: a LAN has an IPv6 address now; faild adds its IPv6 rules and routes')
          p.sync.queue([])
        },
        (err: Error) => void this.#deps.log.warn(`IPv6 routes: cannot start them: ${err.message}`),
      )
      .finally(() => (this.#starting6 = undefined))
  }

  #onCarrier(iface: string, carrier: boolean): void {
    const p = this.#parts
    const index = p?.ifaces.indexOf(iface) ?? -1
    const lan = p?.lans[index]
    if (!p || !lan || this.#stopped) return
    this.#deps.log.info(
      carrier
        ? `LAN ${lan.label} (${lan.iface}): carrier back; its paths return after ${this.#opt.upAfter} good packets`
        : `LAN ${lan.label} (${lan.iface}): ${lan.address === 0 ? 'no interface or address yet' : 'carrier lost'}; every path on it is down, peers told over the other LANs`,
    )
    this.#run(p.engine.carrier(this.#deps.clock.now(), lan.index, carrier))
    p.probes.carrier(this.#deps.clock.now(), lan.index, carrier)
    p.addresses.review()
    if (carrier && lan.address !== 0 && !this.#opt.dryRun)
      void linkReturned(this.#deps.ip, this.#deps.log, lan.iface, lan.address)
  }

  /**
   * Carry out the engine's effects and plan routes if a path changed; re-arm the deadline timer
   * exactly after an event, and after a packet only if it set an earlier deadline (O(1) per packet).
   */
  #run(effects: readonly Effect[], exact = true): void {
    const p = this.#parts
    if (this.#stopped || !p) return
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

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    const p = this.#parts
    if (!p) return
    // Not a StartOrder unwind: a running daemon first stops what could change routes (timers,
    // probes, carrier and interface watches, packets), and removes its routes and rules last.
    p.scheduler.stop()
    p.probes.stop()
    await p.carrier.stop()
    await p.interfaces.stop()
    await p.datagrams.stop()
    await p.sync.stop()
    await p.addresses.stop()
    if (!this.#owning) return
    await p.routes.stop()
    await this.#starting6
    if (p.routes6.running) await p.routes6.stop()
    this.#deps.log.info(`stopped: every route and rule faild added is removed; packets ${this.stats()}`)
  }

  /** stop() was called: nothing may change the routes any more. */
  get stopping(): boolean {
    return this.#stopped
  }

  /** faildctl offline/online: take a LAN out of service, or put it back. Returns what happened. */
  setOffline(name: string, offline: boolean): { ok: boolean; message: string } {
    // Its peers would be told nothing: stop() has ended what carries out the change.
    if (this.#stopped)
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
    await this.#starting6
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
