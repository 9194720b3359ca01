// The composition root: wires interfaces, transport, engine and route table, and owns the timers.
import { randomInt } from 'node:crypto'
import type { Clock, Timer } from '../host/clock.js'
import { DEFAULTS } from '../config/defaults.js'
import { Engine, type Effect } from '../core/engine/engine.js'
import type { Lan } from '../core/lans.js'
import { discoverLans } from '../host/lan-discovery.js'
import type { IpRunner } from '../host/ip-runner.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import { describePath } from '../core/path/path-state.js'
import { gatewayState, planPeers, type EngineView } from '../core/engine/view.js'
import { LinkWatch, type CarrierWatch } from '../host/carrier-watch.js'
import type { Logger } from '../host/log.js'
import { readKeyFile } from '../host/key-file.js'
import { LogBudget } from '../core/util/log-budget.js'
import type { NotifyEvent } from '../host/notify.js'
import type { Options } from '../config/types.js'
import { RateLimiter } from '../core/util/rate-limit.js'
import { describeRoute, diffRoutes, isEmptyDiff, planGateways, planRoutes, routeKey, sameRoute, type PlanGateway, type Route } from '../core/routes/plan.js'
import { RouteTable } from '../host/route-table.js'
import { placeGateways, rateLimit, tunables } from '../config/derive.js'
import type { Gateway } from '../core/routes/gateway.js'
import type { StatusReport } from '../core/report/status-format.js'
import { lanName, routeWhy, statusReport, type StatusInput } from '../core/report/status-report.js'
import { RECV_BUFFER_BYTES, Transport, type SocketFactory } from '../host/transport.js'
import { clusterTag, decode, encode, type WireKey } from '../core/wire/codec.js'

export interface DaemonDeps {
  readonly clock: Clock
  readonly log: Logger
  readonly ip: IpRunner
  readonly socketFactory?: SocketFactory
  /** Default: a LinkWatch on `ip -o monitor link`. */
  readonly carrierWatch?: (ifaces: readonly string[]) => CarrierWatch
  /** Told of every path, route and peer change (the --notify hook); must return at once. */
  readonly notify?: (e: NotifyEvent) => void
  /** For the status report. */
  readonly version?: string
}

/** Peer events (discovered, forgotten, restarted) logged and notified at most this many per 10 s. */
const PEER_EVENTS_PER_WINDOW = 50
const PEER_EVENT_WINDOW_MS = 10_000

/** Compare faild's routes with the kernel's at most this often (and at least once per interval above it). */
const RECONCILE_MIN_MS = 1000

/** At most this many extra event-loop turns to drain the sockets before judging a deadline. */
const DRAIN_TURNS = 100

/** Packets dropped, by reason (decode error codes and engine drop reasons). */
export type DropCounters = Map<string, number> // BOUNDED: one key per reason

export class Daemon {
  #opt: Options
  readonly #deps: DaemonDeps
  #lans: Lan[] = []
  #engine: Engine | undefined
  #transport: Transport | undefined
  #routes: RouteTable | undefined
  #links: CarrierWatch | undefined
  #tickTimer: Timer | undefined
  #deadlineTimer: Timer | undefined
  #reconcileTimer: Timer | undefined
  #gateways: Gateway[] = []
  #startedAt = 0
  /** Signing keys from --key-file: the first signs, either verifies; empty: packets unsigned. */
  #keys: WireKey[] = []
  #limiter: RateLimiter | undefined
  /** Packets that passed the rate limit and decoded: what the drain before judging waits for. */
  #accepted = 0
  readonly #peerEvents = new LogBudget(PEER_EVENTS_PER_WINDOW, PEER_EVENT_WINDOW_MS)
  /** When the deadline timer fires (Infinity: not armed). */
  #deadlineAt = Infinity
  #nextTick = 0
  /** The routes the engine wants now; the route table catches up with it one batch at a time. */
  #target: Route[] = []
  /** Down paths waiting for fresh evidence on another LAN (see Plan.waiting). */
  #waiting = 0
  /** Link effects since the last plan; planned once per event-loop turn. BOUNDED: one turn's effects. */
  #pendingLinks: Effect[] = []
  #planQueued = false
  #applying: Promise<void> | undefined
  #dirty = false
  #stopped = false
  /** True once the route table is ours: only then does stop() have something to undo. */
  #owning = false
  readonly drops: DropCounters = new Map()
  received = 0

  constructor(opt: Options, deps: DaemonDeps) {
    this.#opt = opt
    this.#deps = deps
  }

  get lans(): readonly Lan[] {
    return this.#lans
  }

  /** Everything that can be refused (interfaces, permissions, the port) is checked before routes change. */
  async start(): Promise<void> {
    const { log, ip, clock } = this.#deps
    const o = this.#opt
    this.#keys = o.keyFile ? readKeyFile(o.keyFile) : []
    this.#lans = await discoverLans(ip, o.lans)
    const lanA = this.#lans[0]!
    const nodeId = o.nodeId ?? lanA.address
    this.#gateways = placeGateways(o, this.#lans)
    this.#engine = new Engine({
      nodeId,
      boot: bootId(),
      firstSeq: randomInt(0, 2 ** 32),
      addresses: this.#lans.map((l) => l.address),
      requestor: o.requestor,
      cluster: o.cluster ? clusterTag(o.cluster) : 0,
      strictBoot: this.#keys.length > 0,
      maxPeers: o.maxPeers,
      ...tunables(o, this.#lans),
    })
    this.#limiter = new RateLimiter(rateLimit(o))
    this.#transport = new Transport(this.#lans, o.port, this.#deps.socketFactory)
    this.#routes = new RouteTable(
      { table: o.table, proto: DEFAULTS.routeProto, rulePriority: o.rulePriority, port: o.port, dryRun: o.dryRun },
      { ip, log },
    )
    const buffer = await this.#transport.start(
      (lan, src, data) => this.#onPacket(lan, src, data),
      (lan, err) => this.#count('socket-error', lan, () => err.message),
    )
    if (buffer < RECV_BUFFER_BYTES / 4) {
      log.info(`UDP receive buffer is ${buffer >> 10} KiB (net.core.rmem_max): ACKs may be lost in clusters over ~${Math.floor(buffer / 1024)} hosts`)
    }
    try {
      this.#owning = true
      await this.#routes.start(this.#gateways.map((g) => g.len))
    } catch (err) {
      await this.#transport.stop()
      throw err
    }
    const ifaces = this.#lans.map((l) => l.iface)
    this.#links = this.#deps.carrierWatch?.(ifaces) ?? new LinkWatch(ifaces, { ip, log })
    const lanList = this.#lans.map((l) => `${l.label}=${l.iface} ${formatIPv4(l.address)}/${l.prefixLen}`).join(', ')
    log.info(
      `started as node ${formatIPv4(nodeId)}, ${o.requestor ? `requestor every ${o.interval}s` : 'responder only'}, ` +
        `-f ${o.failAfter} -s ${o.upAfter}, port ${o.port}, table ${o.table}${o.dryRun ? ', dry run' : ''}; LANs ${lanList}` +
        (o.configFile ? `; config ${o.configFile}` : ''),
    )
    this.#startedAt = clock.now()
    if (o.requestor) {
      this.#nextTick = clock.now()
      this.#tick()
    }
    this.#scheduleReconcile()
    // After the first INQ: at start no peer is known yet, so no carrier event can move a route.
    await this.#links.start((iface, carrier) => this.#onCarrier(iface, carrier))
  }

  #onCarrier(iface: string, carrier: boolean): void {
    const lan = this.#lans.find((l) => l.iface === iface)
    if (!lan || this.#stopped) return
    this.#deps.log.info(
      carrier
        ? `LAN ${lan.label} (${iface}): carrier back; its paths return after ${this.#opt.upAfter} good packets`
        : `LAN ${lan.label} (${iface}): carrier lost; every path on it is down, peers told over the other LANs`,
    )
    this.#run(this.#engine!.carrier(this.#deps.clock.now(), lan.index, carrier))
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    this.#tickTimer?.cancel()
    this.#deadlineTimer?.cancel()
    this.#reconcileTimer?.cancel()
    await this.#links?.stop()
    await this.#transport?.stop()
    await this.#applying
    if (!this.#owning) return
    await this.#routes?.stop()
    this.#deps.log.info(`stopped: every route and rule faild added is removed; packets ${this.stats()}`)
  }

  /** Requestor: one INQ per LAN per interval, on an absolute schedule so the interval does not drift. */
  #tick(): void {
    const now = this.#deps.clock.now()
    this.#run(this.#engine!.tick(now))
    const step = this.#opt.interval * 1000
    this.#nextTick += step
    if (this.#nextTick < now) this.#nextTick = now + step // the loop was stalled: do not burst
    this.#tickTimer = this.#deps.clock.setTimeout(() => this.#tick(), this.#nextTick - now)
  }

  #onPacket(lan: number, src: number, data: Buffer): void {
    if (this.#stopped) return
    this.received++
    const now = this.#deps.clock.now()
    if (!this.#limiter!.allow(src, now)) {
      this.#count('rate-limited', lan, () => `from ${formatIPv4(src)}`)
      return
    }
    const r = decode(data, this.#keys)
    if (!r.ok) {
      this.#count(r.code, lan, () => `${data.length} bytes from ${formatIPv4(src)}`)
      return
    }
    this.#accepted++
    if (this.#opt.logLevel === 'debug') {
      const m = r.msg
      this.#deps.log.debug(`LAN ${this.#label(lan)}: ${m.kind.toUpperCase()} seq ${m.seq} from ${formatIPv4(m.from)} (${formatIPv4(src)})`)
    }
    this.#run(this.#engine!.receive(now, lan, src, r.msg), false)
  }

  /**
   * Carry out the engine's effects, sync routes, and re-arm the one deadline timer: exactly after
   * a tick or expiry, and after a packet only if it set an earlier deadline (O(1) per packet).
   */
  #run(effects: Effect[], exact = true): void {
    if (this.#stopped) return
    const { log } = this.#deps
    let changed = false
    for (const fx of effects) {
      switch (fx.kind) {
        case 'send':
          this.#transport!.send(fx.lan, fx.to, encode(fx.msg, this.#keys[0]))
          break
        case 'link':
          changed = true
          break
        case 'peer': {
          changed = true
          const budget = this.#peerEvents.take(this.#deps.clock.now())
          if (budget.summary) log.warn(`${budget.summary} more peer events were not logged (a flood of invented peers?)`)
          if (!budget.ok) break
          log.info(`peer ${formatIPv4(fx.peer)} ${fx.event}`)
          this.#deps.notify?.({ event: 'peer', peer: formatIPv4(fx.peer), action: fx.event })
          break
        }
        case 'drop':
          this.#count(fx.reason, fx.lan, () => `from node ${formatIPv4(fx.from)}`)
          break
        case 'damped':
          log.warn(
            `peer ${formatIPv4(fx.peer)} LAN ${this.#label(fx.lan)}: flapping (${fx.penalty.toFixed(1)} downs lately), ` +
              `held down for ${(fx.holdMs / 1000).toFixed(1)}s`,
          )
          break
      }
    }
    if (changed || this.#waiting > 0) this.#queuePlan(effects)
    if (exact || this.#engine!.soonestDeadline() < this.#deadlineAt) this.#armDeadline()
  }

  /**
   * Plan once per event-loop turn, after every packet that turn has read: a burst of packets costs
   * one plan (O(peers)) and one ip batch, however many of them changed something.
   */
  #queuePlan(effects: Effect[]): void {
    for (const fx of effects) if (fx.kind === 'link') this.#pendingLinks.push(fx)
    if (this.#planQueued) return
    this.#planQueued = true
    setImmediate(() => {
      this.#planQueued = false
      const links = this.#pendingLinks
      this.#pendingLinks = []
      if (!this.#stopped) this.#replan(links)
    })
  }

  /** Recompute the routes wanted, log each state change with the route change it causes, and apply. */
  #replan(effects: Effect[]): void {
    const view = this.#engine!.view()
    const plan = planRoutes(this.#lans, planPeers(view), { table: this.#opt.table, now: this.#deps.clock.now(), upAfter: this.#opt.upAfter })
    const next = [...plan.routes, ...planGateways(this.#lans, this.#planGateways(view))]
    this.#waiting = plan.waiting
    const before = new Map(this.#target.map((r) => [routeKey(r), r]))
    const after = new Map(next.map((r) => [routeKey(r), r]))
    const hostKey = (dst: number) => routeKey({ table: this.#opt.table, dst, len: 32 })
    for (const fx of effects) {
      if (fx.kind !== 'link') continue
      const moves = fx.addresses.flatMap((a) => routeChange(before.get(hostKey(a)), after.get(hostKey(a))) ?? [])
      this.#deps.log.info(
        `peer ${formatIPv4(fx.peer)} LAN ${this.#label(fx.lan)}: ${fx.from} -> ${fx.to} (${describePath(fx.path, this.#opt)})` +
          (moves.length ? `: ${moves.join('; ')}` : ''),
      )
      if (fx.from !== fx.to) {
        this.#deps.notify?.({ event: 'path', peer: formatIPv4(fx.peer), lan: this.#label(fx.lan), oldState: fx.from, newState: fx.to })
      }
    }
    this.#logGatewayMoves(before, next, view)
    this.#notifyRoutes(before, after)
    const unchanged = isEmptyDiff(diffRoutes(next, this.#target))
    this.#target = next
    if (!unchanged) this.#scheduleApply()
  }

  /** Tell the hook of every route added, changed or withdrawn. */
  #notifyRoutes(before: ReadonlyMap<string, Route>, after: ReadonlyMap<string, Route>): void {
    const notify = this.#deps.notify
    if (!notify) return
    for (const [k, r] of after) {
      const was = before.get(k)
      if (!was || !sameRoute(was, r)) notify({ event: 'route', route: describeRoute(r), action: was ? 'change' : 'add' })
    }
    for (const [k, r] of before) if (!after.has(k)) notify({ event: 'route', route: describeRoute(r), action: 'remove' })
  }

  #logGatewayMoves(before: ReadonlyMap<string, Route>, next: readonly Route[], view: EngineView): void {
    const gwTables = next.filter((r) => r.len !== 32 || r.table !== this.#opt.table)
    for (const r of gwTables) {
      const was = before.get(routeKey(r))
      if (!was || !sameRoute(was, r)) this.#deps.log.info(`gateway route ${describeRoute(r)} (${routeWhy(this.#statusInput(view), r)})`)
    }
    const current = new Set(gwTables.map(routeKey))
    for (const [k, r] of before) {
      if (r.table !== this.#opt.table && !current.has(k)) this.#deps.log.warn(`gateway route ${formatIPv4(r.dst)}/${r.len} withdrawn: no gateway is up`)
    }
  }

  /** Each configured gateway route with the current state of the path to each of its gateways. */
  #planGateways(view: EngineView): PlanGateway[] {
    return this.#gateways.map((g) => ({
      table: this.#routes!.gatewayTable(g.len),
      dst: g.dst,
      len: g.len,
      via: g.via.map((v) => ({ ...v, state: gatewayState(view, v.lan, v.address) })),
    }))
  }

  /** Serialise applies: one ip -batch at a time, always towards the latest target. */
  #scheduleApply(): void {
    this.#dirty = true
    if (this.#applying) return
    this.#applying = this.#drain().finally(() => (this.#applying = undefined))
  }

  async #drain(): Promise<void> {
    while (this.#dirty && !this.#stopped) {
      this.#dirty = false
      // A failed batch stays dirty and is retried at the next deadline (within one interval).
      if (!(await this.#routes!.apply(this.#target))) return void (this.#dirty = true)
    }
  }

  /**
   * Compare the kernel with what faild believes it installed, once per interval (at most once a
   * second): a route deleted or added by hand is put right, a lost rule re-added.
   */
  #scheduleReconcile(): void {
    const every = Math.max(RECONCILE_MIN_MS, this.#opt.interval * 1000)
    this.#reconcileTimer = this.#deps.clock.setTimeout(() => {
      if (this.#stopped) return
      if (!this.#applying) {
        this.#applying = this.#reconcile().finally(() => (this.#applying = undefined))
      }
      this.#scheduleReconcile()
    }, every)
  }

  async #reconcile(): Promise<void> {
    const found = await this.#routes!.reconcile()
    if (found.length > 0 && !this.#stopped) {
      this.#deps.log.warn(`the kernel differs from what faild installed, putting it right: ${found.join('; ')}`)
      this.#dirty = true
    }
    // Also a change planned while the kernel was being read: it waited for us, not for the next deadline.
    await this.#drain()
  }

  /** One timer for every deadline; on expiry, read what is queued, then judge. */
  #armDeadline(): void {
    this.#deadlineTimer?.cancel()
    const due = this.#engine!.nextDeadline()
    this.#deadlineAt = due
    if (!Number.isFinite(due)) return
    const { clock } = this.#deps
    this.#deadlineTimer = clock.setTimeout(() => this.#drainThenJudge(this.#accepted, 0), due - clock.now())
  }

  /**
   * Judge only once the sockets are drained. Timers run before the loop polls for I/O, so ACKs that
   * arrived in time (a burst from a large cluster, or while the loop was stalled) may still be
   * queued: setImmediate runs after the next poll, and we go round again while a turn still
   * delivered packets, up to DRAIN_TURNS turns (libuv reads 32 datagrams per socket per turn).
   */
  #drainThenJudge(seen: number, turns: number): void {
    setImmediate(() => {
      if (this.#stopped) return
      // Only packets that count: a flood of garbage must not hold the judgement back.
      if (this.#accepted !== seen && turns < DRAIN_TURNS) return this.#drainThenJudge(this.#accepted, turns + 1)
      this.#deadlineAt = Infinity
      this.#run(this.#engine!.expire(this.#deps.clock.now()))
      if (this.#dirty) this.#scheduleApply()
    })
  }

  /**
   * Count a dropped packet or failed send: the first of each kind is a warning, the rest are
   * counted quietly, or logged at -v. (Under load drops come by the thousand: build no text for them.)
   */
  #count(reason: string, lan: number, detail: () => string): void {
    const n = (this.drops.get(reason) ?? 0) + 1
    this.drops.set(reason, n)
    const hint = reason === 'id-clash' ? ': another host uses this node id, set --node-id' : ''
    if (n === 1) this.#deps.log.warn(`LAN ${this.#label(lan)}: ${reason} (${detail()})${hint}; further ones are counted quietly (-v logs each)`)
    else if (this.#opt.logLevel === 'debug') this.#deps.log.debug(`LAN ${this.#label(lan)}: ${reason} (${detail()})`)
  }

  /** "received 1234, dropped 3 (ERR_BAD_MAGIC 2, late-ack 1)"; socket errors are counted here too. */
  stats(): string {
    const total = [...this.drops.values()].reduce((a, b) => a + b, 0)
    const kinds = [...this.drops].map(([k, v]) => `${k} ${v}`).join(', ')
    return `received ${this.received}, dropped ${total}${kinds ? ` (${kinds})` : ''}`
  }

  #label(lan: number): string {
    return lanName(this.#lans, lan)
  }

  /** The LAN an operator names by label ("A") or interface ("eth1"). */
  #findLan(name: string): Lan | undefined {
    return this.#lans.find((l) => l.label === name || l.iface === name) ?? this.#lans.find((l) => l.label.toLowerCase() === name.toLowerCase())
  }

  /** faildctl offline/online: take a LAN out of service, or put it back. Returns what happened. */
  setOffline(name: string, offline: boolean): { ok: boolean; message: string } {
    const lan = this.#findLan(name)
    if (!lan) return { ok: false, message: `no LAN '${name}': LANs are ${this.#lans.map((l) => `${l.label} (${l.iface})`).join(', ')}` }
    const was = this.#engine!.view().lans[lan.index]!.offline
    if (was === offline) return { ok: true, message: `LAN ${lan.label} (${lan.iface}) is already ${offline ? 'offline' : 'online'}` }
    const message = offline
      ? `LAN ${lan.label} (${lan.iface}) taken offline: every path on it is down for routing and peers are told; probes go on`
      : `LAN ${lan.label} (${lan.iface}) back online: its paths that stayed healthy carry traffic again`
    this.#deps.log.warn(message)
    this.#run(this.#engine!.setOffline(this.#deps.clock.now(), lan.index, offline))
    return { ok: true, message }
  }

  /**
   * Take a reloaded config. Thresholds, interval, peer lists, gateway routes and the hook apply at
   * once; what is bound at start (interfaces, port, node id, tables, sockets) needs a restart.
   * Returns the keys that changed but wait for a restart.
   */
  async reconfigure(next: Options): Promise<string[]> {
    const o = this.#opt
    const fixed = ['requestor', 'port', 'lans', 'nodeId', 'table', 'rulePriority', 'controlSocket', 'pidFile', 'dryRun', 'cluster'] as const
    const pending = fixed.filter((k) => JSON.stringify(o[k]) !== JSON.stringify(next[k]))
    const kept: Options = { ...next, ...Object.fromEntries(fixed.map((k) => [k, o[k]])) }
    const tuned = tunables(kept, this.#lans)
    const gateways = placeGateways(kept, this.#lans)
    const keys = kept.keyFile ? readKeyFile(kept.keyFile) : []
    if ((keys.length > 0) !== (this.#keys.length > 0)) {
      throw new Error(keys.length ? 'a key file cannot be added by a reload: restart faild' : 'the key file cannot be removed by a reload: restart faild')
    }
    this.#keys = keys
    this.#limiter = new RateLimiter(rateLimit(kept))
    this.#opt = kept
    this.#engine!.configure(tuned)
    this.#gateways = gateways
    await this.#applying
    // Same gateway prefix lengths (the usual reload): nothing is withdrawn, the next plan adjusts.
    if (await this.#routes!.setGatewayLengths(gateways.map((g) => g.len))) {
      this.#target = this.#target.filter((r) => r.table === o.table) // gateway tables renumbered
      this.#dirty = true
      this.#scheduleApply()
    }
    this.#queuePlan([])
    return pending
  }

  get options(): Options {
    return this.#opt
  }

  /** Everything `faildctl status` shows. */
  status(): StatusReport {
    const o = this.#opt
    const now = this.#deps.clock.now()
    const drops = Object.fromEntries(this.drops)
    return {
      version: this.#deps.version ?? 'unknown',
      pid: process.pid,
      node: formatIPv4(this.#engine!.config.nodeId),
      role: o.requestor ? 'requestor' : 'responder',
      intervalS: o.interval,
      failAfter: o.failAfter,
      upAfter: o.upAfter,
      uptimeS: Math.round((now - this.#startedAt) / 1000),
      dryRun: o.dryRun,
      ...statusReport(this.#statusInput()),
      packets: { received: this.received, dropped: Object.values(drops).reduce((a, b) => a + b, 0), drops },
    }
  }

  #statusInput(view = this.#engine!.view()): StatusInput {
    const o = this.#opt
    return { view, lans: this.#lans, table: o.table, gateways: this.#gateways, routes: this.#target, now: this.#deps.clock.now() }
  }
}

/** Deciseconds since 2025: a later run of a host has a larger boot id (until 2038), so a replayed old run is told apart. */
const bootId = (): number => Math.max(1, Math.floor((Date.now() - Date.UTC(2025, 0, 1)) / 100) >>> 0)

function routeChange(from: Route | undefined, to: Route | undefined): string | undefined {
  if (to && (!from || !sameRoute(from, to))) return `route ${describeRoute(to)}`
  if (from && !to) return `route ${formatIPv4(from.dst)} restored to its own LAN`
  return undefined
}
