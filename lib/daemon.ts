// The composition root: wires interfaces, transport, engine and route table, and owns the timers.
import { randomInt } from 'node:crypto'
import type { Clock, Timer } from './clock.js'
import { DEFAULTS } from './constants.js'
import { Engine, type Effect } from './engine.js'
import { discoverLans, type Lan } from './interfaces.js'
import type { IpRunner } from './ip.js'
import { formatIPv4 } from './ipv4.js'
import { describeLink } from './link-health.js'
import { LinkWatch, type CarrierWatch } from './link-watch.js'
import type { Logger } from './log.js'
import type { Options } from './options.js'
import { describeRoute, diffRoutes, isEmptyDiff, planRoutes, sameRoute, type HostRoute } from './route-plan.js'
import { RouteTable } from './routes.js'
import { RECV_BUFFER_BYTES, Transport, type SocketFactory } from './transport.js'
import { decode, encode } from './wire.js'

export interface DaemonDeps {
  readonly clock: Clock
  readonly log: Logger
  readonly ip: IpRunner
  readonly socketFactory?: SocketFactory
  /** Default: a LinkWatch on `ip -o monitor link`. */
  readonly carrierWatch?: (ifaces: readonly string[]) => CarrierWatch
}

/** At most this many extra event-loop turns to drain the sockets before judging a deadline. */
const DRAIN_TURNS = 100

/** Packets dropped, by reason (decode error codes and engine drop reasons). */
export type DropCounters = Map<string, number> // BOUNDED: one key per reason

export class Daemon {
  readonly #opt: Options
  readonly #deps: DaemonDeps
  #lans: Lan[] = []
  #engine: Engine | undefined
  #transport: Transport | undefined
  #routes: RouteTable | undefined
  #links: CarrierWatch | undefined
  #tickTimer: Timer | undefined
  #deadlineTimer: Timer | undefined
  /** When the deadline timer fires (Infinity: not armed). */
  #deadlineAt = Infinity
  #nextTick = 0
  /** The routes the engine wants now; the route table catches up with it one batch at a time. */
  #target: HostRoute[] = []
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
    this.#lans = await discoverLans(ip, o.interfaces)
    const lanA = this.#lans[0]!
    const nodeId = o.nodeId ?? lanA.address
    const intervalMs = Math.round(o.interval * 1000)
    this.#engine = new Engine({
      nodeId,
      boot: randomInt(1, 2 ** 32 - 1),
      addresses: this.#lans.map((l) => l.address),
      requestor: o.requestor,
      intervalMs,
      failAfter: o.failAfter,
      upAfter: o.upAfter,
    })
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
      await this.#routes.start()
    } catch (err) {
      await this.#transport.stop()
      throw err
    }
    const ifaces = this.#lans.map((l) => l.iface)
    this.#links = this.#deps.carrierWatch?.(ifaces) ?? new LinkWatch(ifaces, { ip, log })
    const lanList = this.#lans.map((l) => `${l.label}=${l.iface} ${formatIPv4(l.address)}/${l.prefixLen}`).join(', ')
    log.info(
      `started as node ${formatIPv4(nodeId)}, ${o.requestor ? `requestor every ${o.interval}s` : 'responder only'}, ` +
        `-f ${o.failAfter} -s ${o.upAfter}, port ${o.port}, table ${o.table}${o.dryRun ? ', dry run' : ''}; LANs ${lanList}`,
    )
    if (o.requestor) {
      this.#nextTick = clock.now()
      this.#tick()
    }
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
    const r = decode(data)
    if (!r.ok) {
      this.#count(r.code, lan, () => `${data.length} bytes from ${formatIPv4(src)}`)
      return
    }
    if (this.#opt.verbose > 0) {
      const m = r.msg
      this.#deps.log.debug(`LAN ${this.#label(lan)}: ${m.kind.toUpperCase()} seq ${m.seq} from ${formatIPv4(m.from)} (${formatIPv4(src)})`)
    }
    this.#run(this.#engine!.receive(this.#deps.clock.now(), lan, src, r.msg), false)
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
          this.#transport!.send(fx.lan, fx.to, encode(fx.msg))
          break
        case 'link':
          changed = true
          break
        case 'peer':
          changed = true
          log.info(`peer ${formatIPv4(fx.peer)} ${fx.event}`)
          break
        case 'drop':
          this.#count(fx.reason, fx.lan, () => `from node ${formatIPv4(fx.from)}`)
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
    const engine = this.#engine!
    const plan = planRoutes(this.#lans, engine.planPeers())
    const next = plan.routes
    this.#waiting = plan.waiting
    const before = new Map(this.#target.map((r) => [r.dst, r]))
    const after = new Map(next.map((r) => [r.dst, r]))
    for (const fx of effects) {
      if (fx.kind !== 'link') continue
      const peer = engine.peer(fx.peer)
      const addrs = peer?.lans.map((pl) => pl.address) ?? []
      const moves = addrs.flatMap((a) => routeChange(before.get(a), after.get(a)) ?? [])
      const seen = fx.link.state === fx.to ? '' : `seen ${fx.link.state}, `
      const why = (fx.hearsUs ? '' : ', peer does not hear us') + (fx.carrierLost ? ', peer has no carrier' : '')
      const counters = describeLink(fx.link, this.#opt)
      this.#deps.log.info(
        `peer ${formatIPv4(fx.peer)} LAN ${this.#label(fx.lan)}: ${fx.from} -> ${fx.to} (${seen}${counters}${why})` +
          (moves.length ? `: ${moves.join('; ')}` : ''),
      )
    }
    const unchanged = isEmptyDiff(diffRoutes(next, this.#target))
    this.#target = next
    if (!unchanged) this.#scheduleApply()
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

  /** One timer for every deadline; on expiry, read what is queued, then judge. */
  #armDeadline(): void {
    this.#deadlineTimer?.cancel()
    const due = this.#engine!.nextDeadline()
    this.#deadlineAt = due
    if (!Number.isFinite(due)) return
    const { clock } = this.#deps
    this.#deadlineTimer = clock.setTimeout(() => this.#drainThenJudge(this.received, 0), due - clock.now())
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
      if (this.received !== seen && turns < DRAIN_TURNS) return this.#drainThenJudge(this.received, turns + 1)
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
    else if (this.#opt.verbose > 0) this.#deps.log.debug(`LAN ${this.#label(lan)}: ${reason} (${detail()})`)
  }

  /** "received 1234, dropped 3 (ERR_BAD_MAGIC 2, late-ack 1)"; socket errors are counted here too. */
  stats(): string {
    const total = [...this.drops.values()].reduce((a, b) => a + b, 0)
    const kinds = [...this.drops].map(([k, v]) => `${k} ${v}`).join(', ')
    return `received ${this.received}, dropped ${total}${kinds ? ` (${kinds})` : ''}`
  }

  #label(lan: number): string {
    return this.#lans[lan]?.label ?? `#${lan}`
  }
}

function routeChange(from: HostRoute | undefined, to: HostRoute | undefined): string | undefined {
  if (to && (!from || !sameRoute(from, to))) return `route ${describeRoute(to)}`
  if (from && !to) return `route ${formatIPv4(from.dst)} restored to its own LAN`
  return undefined
}
