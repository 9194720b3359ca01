// The composition root: builds every component once, starts them in order and stops them in reverse.
import { randomInt } from 'node:crypto'
import { DEFAULTS } from '../config/defaults.js'
import { placeGateways, rateLimit, tunables } from '../config/derive.js'
import type { Options } from '../config/types.js'
import { Engine, type Effect } from '../core/engine/engine.js'
import type { Lan } from '../core/lans.js'
import type { StatusReport } from '../core/report/status-format.js'
import { routeWhy, lanName, type StatusInput } from '../core/report/status-report.js'
import type { Gateway } from '../core/routes/gateway.js'
import { planGateways, planRoutes, type PlanGateway } from '../core/routes/plan.js'
import { gatewayState, planPeers, type EngineView } from '../core/engine/view.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import { RateLimiter } from '../core/util/rate-limit.js'
import { clusterTag, type WireKey } from '../core/wire/codec.js'
import { CarrierMonitor, type CarrierWatch } from '../host/carrier-watch.js'
import type { Clock } from '../host/clock.js'
import type { IpRunner } from '../host/ip-runner.js'
import { readKeyFile } from '../host/key-file.js'
import { discoverLans } from '../host/lan-discovery.js'
import type { Logger } from '../host/log.js'
import type { NotifyEvent } from '../host/notify.js'
import { RouteTable } from '../host/route-table.js'
import { RECV_BUFFER_BYTES, Transport, type SocketFactory } from '../host/transport.js'
import { Drops } from './drops.js'
import { EffectRunner } from './effect-runner.js'
import { Operator } from './operator.js'
import { PacketIn } from './packet-in.js'
import { prepareReload, type Prepared } from './reload.js'
import { RouteSync, type Wanted } from './route-sync.js'
import { Scheduler, type Defer } from './scheduler.js'

export interface DaemonDeps {
  readonly clock: Clock
  readonly log: Logger
  readonly ip: IpRunner
  readonly socketFactory?: SocketFactory
  /** Default: a CarrierMonitor on `ip -o monitor link`. */
  readonly carrierWatch?: (ifaces: readonly string[]) => CarrierWatch
  /** Told of every path, route and peer change (the --notify hook); must return at once. */
  readonly notify?: (e: NotifyEvent) => void
  /** For the status report. */
  readonly version?: string
  /** Runs a callback after the next poll for I/O; default setImmediate. */
  readonly defer?: Defer
}

/** The components, built by start() once the LANs are known. */
interface Parts {
  readonly lans: readonly Lan[]
  readonly engine: Engine
  readonly drops: Drops
  readonly packets: PacketIn
  readonly effects: EffectRunner
  readonly transport: Transport
  readonly routes: RouteTable
  readonly sync: RouteSync
  readonly scheduler: Scheduler
  readonly carrier: CarrierWatch
  readonly operator: Operator
}

export class Daemon {
  #opt: Options
  readonly #deps: DaemonDeps
  #parts: Parts | undefined
  #gateways: Gateway[] = []
  #keys: WireKey[] = []
  #stopped = false
  /** True once the route table is ours: only then does stop() have something to undo. */
  #owning = false

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
    const { log, ip } = this.#deps
    const o = this.#opt
    this.#keys = o.keyFile ? readKeyFile(o.keyFile) : []
    const lans = await discoverLans(ip, o.lans)
    this.#gateways = placeGateways(o, lans)
    const p = (this.#parts = this.#build(lans))
    const buffer = await p.transport.start(
      (lan, src, data) => !this.#stopped && p.packets.receive(this.#deps.clock.now(), lan, src, data),
      (lan, err) => p.drops.count('socket-error', lan, () => err.message),
    )
    if (buffer < RECV_BUFFER_BYTES / 4) {
      log.info(`UDP receive buffer is ${buffer >> 10} KiB (net.core.rmem_max): ACKs may be lost in clusters over ~${Math.floor(buffer / 1024)} hosts`)
    }
    try {
      this.#owning = true
      await p.routes.start(this.#gateways.map((g) => g.len))
    } catch (err) {
      await p.transport.stop()
      throw err
    }
    this.#logStart(p)
    p.scheduler.start(o.requestor)
    // After the first INQ is due: at start no peer is known yet, so no carrier event can move a route.
    await p.carrier.start((iface, up) => this.#onCarrier(iface, up))
  }

  #build(lans: readonly Lan[]): Parts {
    const { log, ip, clock } = this.#deps
    const o = this.#opt
    const defer = this.#deps.defer ?? setImmediate
    const label = (lan: number) => lanName(lans, lan)
    const engine = new Engine({
      nodeId: o.nodeId ?? lans[0]!.address,
      boot: bootId(),
      firstSeq: randomInt(0, 2 ** 32),
      addresses: lans.map((l) => l.address),
      requestor: o.requestor,
      cluster: o.cluster ? clusterTag(o.cluster) : 0,
      strictBoot: this.#keys.length > 0,
      ...tunables(o, lans),
    })
    const drops = new Drops(log, label, o.logPackets)
    const accept = (now: number, lan: number, src: number, msg: Parameters<Engine['receive']>[3]) =>
      this.#run(engine.receive(now, lan, src, msg), false)
    const packets = new PacketIn({ log, drops, label, accept }, new RateLimiter(rateLimit(o)), this.#keys, o.logPackets)
    const transport = new Transport(lans, o.port, this.#deps.socketFactory)
    const effects = new EffectRunner({ log, drops, label, notify: this.#deps.notify, send: (l, to, d) => transport.send(l, to, d) }, this.#keys[0])
    const routes = new RouteTable({ table: o.table, proto: DEFAULTS.routeProto, rulePriority: o.rulePriority, port: o.port, dryRun: o.dryRun }, { ip, log })
    const sync = new RouteSync({
      log,
      routes,
      defer,
      notify: this.#deps.notify,
      plan: () => this.#plan(),
      context: () => ({ table: this.#opt.table, thresholds: this.#opt, label }),
    })
    const scheduler = new Scheduler(clock, defer, this.#jobs(engine, packets, () => sync), o.interval * 1000)
    const ifaces = lans.map((l) => l.iface)
    const carrier = this.#deps.carrierWatch?.(ifaces) ?? new CarrierMonitor(ifaces, { ip, log })
    const startedAt = clock.now()
    const operator = new Operator({
      log,
      engine,
      lans,
      drops,
      version: this.#deps.version ?? 'unknown',
      startedAt,
      now: () => clock.now(),
      options: () => this.#opt,
      received: () => packets.received,
      statusInput: () => this.#statusInput(engine.view()),
      run: (fx) => this.#run(fx),
    })
    return { lans, engine, drops, packets, effects, transport, routes, sync, scheduler, carrier, operator }
  }

  /** What the scheduler drives: drain counts packets, judge expires deadlines, tick sends INQs. */
  #jobs(engine: Engine, packets: PacketIn, sync: () => RouteSync) {
    return {
      accepted: () => packets.accepted,
      judge: (now: number) => {
        this.#run(engine.expire(now), false)
        sync().retry()
      },
      tick: (now: number) => this.#run(engine.tick(now), false),
      nextDeadline: () => engine.nextDeadline(),
      reconcile: () => sync().reconcile(),
    }
  }

  #logStart(p: Parts): void {
    const o = this.#opt
    const lanList = p.lans.map((l) => `${l.label}=${l.iface} ${formatIPv4(l.address)}/${l.prefixLen}`).join(', ')
    this.#deps.log.info(
      `started as node ${formatIPv4(p.engine.config.nodeId)}, ${o.requestor ? `requestor every ${o.interval}s` : 'responder only'}, ` +
        `-f ${o.failAfter} -s ${o.upAfter}, port ${o.port}, table ${o.table}${o.dryRun ? ', dry run' : ''}; LANs ${lanList}` +
        (o.configFile ? `; config ${o.configFile}` : ''),
    )
  }

  #onCarrier(iface: string, carrier: boolean): void {
    const p = this.#parts
    const lan = p?.lans.find((l) => l.iface === iface)
    if (!p || !lan || this.#stopped) return
    this.#deps.log.info(
      carrier
        ? `LAN ${lan.label} (${iface}): carrier back; its paths return after ${this.#opt.upAfter} good packets`
        : `LAN ${lan.label} (${iface}): carrier lost; every path on it is down, peers told over the other LANs`,
    )
    this.#run(p.engine.carrier(this.#deps.clock.now(), lan.index, carrier))
  }

  /**
   * Carry out the engine's effects and plan routes if a path changed; re-arm the deadline timer
   * exactly after an event, and after a packet only if it set an earlier deadline (O(1) per packet).
   */
  #run(effects: Effect[], exact = true): void {
    const p = this.#parts
    if (this.#stopped || !p) return
    const r = p.effects.run(this.#deps.clock.now(), effects)
    if (r.changed || p.sync.waiting) p.sync.queue(r.links)
    if (exact) p.scheduler.rearm()
    else p.scheduler.soonest(p.engine.soonestDeadline())
  }

  /** The routes wanted now: host routes for down paths, and each gateway route via its first gateway up. */
  #plan(): Wanted {
    const p = this.#parts!
    const o = this.#opt
    const view = p.engine.view() // once per plan, never per packet
    const plan = planRoutes(p.lans, planPeers(view), { table: o.table, now: this.#deps.clock.now(), upAfter: o.upAfter })
    const gateways: PlanGateway[] = this.#gateways.map((g) => ({
      table: p.routes.gatewayTable(g.len),
      dst: g.dst,
      len: g.len,
      via: g.via.map((v) => ({ ...v, state: gatewayState(view, v.lan, v.address) })),
    }))
    const routes = [...plan.routes, ...planGateways(p.lans, gateways)]
    return { routes, waiting: plan.waiting, why: (r) => routeWhy(this.#statusInput(view), r) }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    const p = this.#parts
    if (!p) return
    p.scheduler.stop()
    await p.carrier.stop()
    await p.transport.stop()
    await p.sync.stop()
    if (!this.#owning) return
    await p.routes.stop()
    this.#deps.log.info(`stopped: every route and rule faild added is removed; packets ${this.stats()}`)
  }

  /** faildctl offline/online: take a LAN out of service, or put it back. Returns what happened. */
  setOffline(name: string, offline: boolean): { ok: boolean; message: string } {
    return this.#parts!.operator.setOffline(name, offline)
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

  /** Apply a prepared reload: thresholds, interval, peer lists, gateway routes, rate limit, keys. */
  async commit(r: Prepared): Promise<void> {
    const p = this.#parts!
    this.#opt = r.options
    this.#keys = r.keys
    this.#gateways = r.gateways
    p.engine.configure(r.tunables)
    p.packets.configure(r.limiter, r.keys, r.options.logPackets)
    p.drops.verbose = r.options.logPackets
    p.effects.key = r.keys[0]
    p.scheduler.intervalMs = r.options.interval * 1000
    await p.sync.regroupGateways(r.gateways.map((g) => g.len), r.options.table)
  }

  /** Prepare and commit in one step; returns the keys that changed but wait for a restart. */
  async reconfigure(next: Options): Promise<string[]> {
    const r = this.prepare(next)
    await this.commit(r)
    return r.pending
  }

  #statusInput(view: EngineView): StatusInput {
    const p = this.#parts!
    return { view, lans: p.lans, table: this.#opt.table, gateways: this.#gateways, routes: p.sync.target, now: this.#deps.clock.now() }
  }
}

/** Deciseconds since 2025: a later run of a host has a larger boot id (until 2038), so a replayed old run is told apart. */
const bootId = (): number => Math.max(1, Math.floor((Date.now() - Date.UTC(2025, 0, 1)) / 100) >>> 0)
