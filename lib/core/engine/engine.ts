// The pure failover engine: turns ticks, packets, carrier and deadlines into commands and events.
//
// It reads no clock and does no I/O: every call takes `now` (monotonic ms) and returns effects
// for the daemon to carry out, like dhcpleased's engine.c composing imsgs for the parent. What
// the shell wants to know it reads from view(), a plain-data snapshot, never from live state.
import type { HeldAddress, Message } from '../wire/message.js'
import { type AdmitContext, admitContext } from './admit.js'
import { Blindness } from './blindness.js'
import type { EngineConfig, Tunables } from './config.js'
import { Deadlines } from './deadlines.js'
import type { Effect } from './effects.js'
import { expire } from './expiry.js'
import { carrier, hold, leaveSubnet, readdressed, setOffline } from './local-change.js'
import { LocalLans } from './local-lans.js'
import { PathChanges, pathView } from './path-change.js'
import { PeerTable } from './peer-table.js'
import { ProbeRounds } from './probe-round.js'
import { type ReceiveParts, receive } from './receive.js'
import { type Routine, routineOf, take, takes } from './routine.js'
import { tick } from './tick.js'
import type { OwnIPv6 } from './trust6.js'
import type { EngineView, LanView } from './view.js'

export type { EngineConfig, Tunables } from './config.js'
export type { DropReason, Effect } from './effects.js'
export type { Routine } from './routine.js'

export class Engine {
  #cfg: EngineConfig
  #ignore: ReadonlySet<number>
  readonly #peers: PeerTable
  readonly #rounds: ProbeRounds
  readonly #lans: LocalLans
  readonly #paths: PathChanges
  /** What judging (expiry.ts) and packets (receive.ts) read and step. */
  readonly #parts: ReceiveParts
  readonly #blindness = new Blindness(() => this.#cfg.intervalMs)
  /** What the drop checks read; rebuilt when the configuration changes. */
  #admit: AdmitContext
  /** When there is next something to judge (deadlines.ts). */
  readonly #deadlines: Deadlines

  constructor(cfg: EngineConfig) {
    this.#cfg = cfg
    this.#ignore = new Set(cfg.ignore)
    this.#peers = new PeerTable(cfg.addresses.length)
    this.#rounds = new ProbeRounds(cfg.addresses.length, cfg.firstSeq ?? 0)
    this.#lans = new LocalLans(cfg.addresses.length)
    const deadline = (at: number) => this.#deadlines.set(at)
    const parts = { lans: this.#lans, rounds: this.#rounds, peers: this.#peers }
    this.#paths = new PathChanges({ config: () => this.#cfg, ...parts, deadline })
    this.#parts = {
      config: () => this.#cfg,
      ...parts,
      paths: this.#paths,
      blindness: this.#blindness,
      admit: () => this.#admit,
      isPeerAddress: (address: number) => this.#peers.isPeerAddress(address),
      deadline,
    }
    this.#admit = admitContext(cfg, this.#ignore, this.#peers, this.#rounds)
    this.#deadlines = new Deadlines(this.#parts)
  }

  /** A peer is known by `address` on `lan` (a handle in use: core/link-handles.ts). */
  knows(lan: number, address: number): boolean {
    return this.#peers.holderOf(lan, address) !== undefined
  }

  get config(): EngineConfig {
    return this.#cfg
  }

  /** Take new thresholds, interval, peer lists and peer bound; the links keep their state and counters. */
  configure(t: Tunables): void {
    this.#cfg = { ...this.#cfg, ...t }
    this.#ignore = new Set(t.ignore)
    this.#admit = admitContext(this.#cfg, this.#ignore, this.#peers, this.#rounds)
    this.#peers.newEpoch()
  }

  /**
   * This host's address on `lan` is now `address`/`prefixLen` (an interface plugged in late, or
   * readdressed). In a new subnet the peers' paths on the LAN go down (local-change.ts leaveSubnet).
   * `ipv6` is its IPv6 address there now (undefined: none): peers' IPv6 addresses are checked against it.
   */
  readdress(now: number, lan: number, address: number, prefixLen: number, ipv6?: OwnIPv6): Effect[] {
    const next = readdressed(this.#cfg, lan, address, prefixLen, ipv6)
    if (!next) return []
    this.#cfg = next.cfg
    this.#admit = admitContext(this.#cfg, this.#ignore, this.#peers, this.#rounds)
    this.#peers.newEpoch()
    return next.moved ? leaveSubnet(this.#parts, now, lan) : []
  }

  /** Requestor: an INQ on every LAN and a round for its ACKs (see tick.ts); a responder sends nothing. */
  tick(now: number): Effect[] {
    return tick(this.#parts, now)
  }

  /** A decoded packet that arrived on LAN `lan` from source address `src` (see receive.ts). */
  receive(now: number, lan: number, src: number, msg: Message, blind: () => boolean = () => false): Effect[] {
    return this.#deadlines.noted(receive(this.#parts, now, lan, src, msg, blind))
  }

  /** Right after receive(msg) returned no effects: what INQs saying the same are taken against (routine.ts). */
  routineOf(lan: number, src: number, msg: Message): Routine | undefined {
    return routineOf(this.#parts, lan, src, msg)
  }

  /** Whether `r`'s INQ again, numbered `seq`, may be taken by takeRoutine(). */
  takesRoutine(r: Routine, seq: number): boolean {
    return takes(this.#parts, r, seq)
  }

  /** Take it as receive() would (takesRoutine() first). */
  takeRoutine(now: number, r: Routine, seq: number): void {
    take(this.#parts, r, now, seq)
  }

  /** This host's interface on `lan` lost or regained carrier: its paths and the peers follow at once (see local-change.ts). */
  carrier(now: number, lan: number, up: boolean): Effect[] {
    return this.#deadlines.noted(carrier(this.#parts, now, lan, up))
  }

  /** This host holds these service addresses now (placed at start, or moved): the peers are told at once (see local-change.ts). */
  hold(held: readonly HeldAddress[]): Effect[] {
    return hold(this.#parts, held)
  }

  /** The operator takes LAN `lan` out of service (faildctl offline) or puts it back (see local-change.ts). */
  setOffline(now: number, lan: number, offline: boolean): Effect[] {
    return this.#deadlines.noted(setOffline(this.#parts, now, lan, offline))
  }

  /** faild comes back from a stall (its timers ran an interval late or more): see Blindness.stalled. */
  stalled(now: number): void {
    this.#blindness.stalled(now)
  }

  /** Judge every deadline that has passed (see expiry.ts); `blind`: faild may have missed packets of its own doing. */
  expire(now: number, blind: () => boolean = () => false): Effect[] {
    this.#deadlines.judging(now)
    return this.#deadlines.noted(expire(this.#parts, now, blind))
  }

  /** faild found itself blind at `now` outside a judgement (the kernel check read socket drops): the next judgement holds the windows before. */
  foundBlind(now: number): void {
    this.#blindness.found(now)
  }

  /** When faild was last found blind (-Infinity: never). */
  get lastBlind(): number {
    return this.#blindness.at
  }

  /** The earliest time at which expire() has something to judge: exact, or early (deadlines.ts). */
  nextDeadline(): number {
    return this.#deadlines.next()
  }

  /** No deadline is earlier than this (O(1)); deadlines set since the last nextDeadline() included. */
  soonestDeadline(): number {
    return this.#deadlines.soonest
  }

  /** A plain-data snapshot of LANs, peers and paths: O(peers), so once per plan, not per packet. */
  view(): EngineView {
    const cfg = this.#cfg
    return {
      nodeId: cfg.nodeId,
      requestor: cfg.requestor,
      intervalMs: cfg.intervalMs,
      thresholds: { failAfter: cfg.failAfter, upAfter: cfg.upAfter },
      lans: this.lanViews(),
      peers: [...this.#peers].map((p) => ({
        id: p.id,
        intervalMs: p.intervalMs,
        lastHeard: p.lastHeard,
        services: p.services,
        behindMs: p.behindMs,
        paths: p.lans.map((pl, lan) => pathView(pl, this.#paths.verdict(pl, lan))),
      })),
    }
  }

  /** This host's LANs as view() has them, without the peers: O(LANs). */
  lanViews(): LanView[] {
    return this.#cfg.addresses.map((_, lan) => ({
      carrier: !this.#lans.carrierLost(lan),
      offline: this.#lans.offline(lan),
      srttMs: this.#rounds.srtt(lan),
    }))
  }
}
