// The peers this host has heard, keyed by node id: learning, restarts, who holds an address, eviction, forgetting.
import { type FlapState, NO_FLAPS } from '../path/flap-damping.js'
import { type Link, NEW_LINK } from '../path/link-fsm.js'
import type { IPv6 } from '../util/ipv6.js'
import { mapKey } from '../util/map-key.js'
import type { HeldAddress, Message } from '../wire/codec.js'
import type { PeerEvent } from './effects.js'
import { Evicted } from './evicted.js'
import { NO_SERVICES } from './services.js'
import { FORGET_INTERVALS, FORGET_MIN_MS, inqWaitMs } from './timing.js'
import { adopts } from './trust.js'
import { adopts6, type Trust6Config } from './trust6.js'

const NO_IDS: readonly number[] = []

export interface PeerLan {
  /** The peer's address on this LAN, as it advertises it; 0 if it has none. */
  address: number
  /** Its global or ULA IPv6 address there, as it advertises it (taken only with a key: trust6.ts). */
  ipv6: IPv6 | undefined
  /** What this host observes of the path (ACKs as a requestor, INQs as a responder). */
  link: Link
  /** False while the peer's latest packet on this LAN says it does not hear us there. */
  hearsUs: boolean
  /** Packets in a row on this LAN that said the peer does not hear us. */
  deafCount: number
  /** It began to say so while faild was blind: believed only after DEAF_EXCUSE_PACKETS (timing.ts). */
  deafExcused: boolean
  /**
   * Sequence number of the peer's last INQ or notice on this LAN (one counter in the sender feeds
   * both; a static peer may get an INQ twice); -1: none in this run.
   */
  lastSeq: number
  /** Responder side: when the peer's next INQ on this LAN is overdue (Infinity: not expected). */
  inqDue: number
  /** When a valid packet from the peer last arrived on this LAN (monotonic ms; -Infinity: never). */
  lastHeard: number
  /** True while the peer says its own interface on this LAN is out of service. */
  outOfService: boolean
  /** When the path last went down for routing (monotonic ms; -Infinity: never). */
  downSince: number
  /** When the path last came up for routing (monotonic ms; -Infinity: never). */
  upSince: number
  /** Requestor side: the round-trip time of the last ACK in time on this LAN (ms; undefined: none yet). */
  rttMs: number | undefined
  /** Flap damping: how often the path went down lately, and until when it is held down. */
  flaps: FlapState
  /**
   * The peer's own down list on this LAN, from its latest INQ here or, by DOWN-ON, on another LAN
   * (what `faildctl matrix` shows), and when it was said (-Infinity: never).
   */
  reportedDown: readonly number[]
  reportedAt: number
}

export interface Peer {
  readonly id: number
  boot: number
  /** The peer's INQ interval in ms; 0 while it is a responder only. */
  intervalMs: number
  /** When a packet was last accepted from the peer (monotonic ms). */
  lastHeard: number
  /** Monotonic ms of discovery: INQs sent before it are not judged for this peer. */
  readonly since: number
  /**
   * It answered one of our INQs, was heard on two LANs, or a path came up on its packets: a flood
   * of invented ids can neither evict it nor take its addresses (see PeerTable).
   */
  confirmed: boolean
  /** By LAN index, one per local LAN. */
  readonly lans: PeerLan[]
  /** The service addresses it holds, as its latest packet said (only with a key: see EngineConfig.authenticated). */
  services: readonly HeldAddress[]
  /** When a packet last said them (monotonic ms): unsaid for FORGET time, they are dropped (see Engine.expire). */
  servicesAt: number
  /** Which packet last said which of its LANs are out of service (peer-word.ts outOfService). */
  readonly mask: MaskWord
}

/** The packet a peer's out-of-service mask was last taken from: the peer's own, updated in place per packet. */
export interface MaskWord {
  /** The sequence number of the peer's newest INQ or notice heard when it was taken; -1: none yet in this run. */
  seq: number
  /** This host's sequence number when it was taken: an ACK to an INQ sent after it is newer. */
  round: number
  /** When it was taken (monotonic ms). */
  at: number
}

/** A mask word that says nothing yet (a new peer, a new run of one). */
const noMask = (): MaskWord => ({ seq: -1, round: 0, at: -Infinity })

function newPeer(id: number, now: number, lanCount: number): Peer {
  const lans = Array.from({ length: lanCount }, () => ({
    address: 0,
    ipv6: undefined,
    link: NEW_LINK,
    hearsUs: true,
    deafCount: 0,
    deafExcused: false,
    lastSeq: -1,
    inqDue: Infinity,
    lastHeard: -Infinity,
    outOfService: false,
    downSince: -Infinity,
    upSince: -Infinity,
    rttMs: undefined,
    flaps: NO_FLAPS,
    reportedDown: NO_IDS,
    reportedAt: -Infinity,
  }))
  return {
    id,
    boot: 0,
    intervalMs: 0,
    lastHeard: now,
    since: now,
    confirmed: false,
    lans,
    services: NO_SERVICES,
    servicesAt: now,
    mask: noMask(),
  }
}

/** A peer silent this long on every LAN is forgotten: 60 of the longer interval, at least 30 s. */
export function forgetMs(peer: Peer, ownIntervalMs: number): number {
  return Math.max(FORGET_MIN_MS, FORGET_INTERVALS * Math.max(peer.intervalMs, ownIntervalMs))
}

export interface Learned {
  readonly peer: Peer
  /** True when the packet is the first heard from this node id. */
  readonly isNew: boolean
  /** Discovered, restarted, or an entry forgotten: evicted for the newcomer, or its address taken. */
  readonly events: readonly PeerEvent[]
}

/** What learn() reads of the configuration. */
export interface LearnConfig extends Trust6Config {
  /** undefined: no bound. */
  readonly maxPeers?: number
}

export class PeerTable {
  /** Keyed by mapKey(node id). BOUNDED: maxPeers (see learn), and silent ones are forgotten. */
  readonly #peers = new Map<number, Peer>()
  /** Node ids not confirmed yet, oldest first: the ones a newcomer evicts from a full table. BOUNDED: #peers. */
  readonly #unconfirmed = new Set<number>()
  /** Unconfirmed peers evicted for newcomers, and the LANs they were heard on (evicted.ts). */
  readonly #evicted = new Evicted()
  /** By LAN index: who has each address there, keyed by mapKey(address). BOUNDED: one entry per peer and LAN. */
  readonly #holders: Map<number, Peer>[]
  readonly #lanCount: number

  constructor(lanCount: number) {
    this.#lanCount = lanCount
    this.#holders = Array.from({ length: lanCount }, () => new Map())
  }

  get(id: number): Peer | undefined {
    return this.#peers.get(mapKey(id))
  }

  get size(): number {
    return this.#peers.size
  }

  /** How many peers a newcomer could evict from a full table. */
  get unconfirmed(): number {
    return this.#unconfirmed.size
  }

  [Symbol.iterator](): IterableIterator<Peer> {
    return this.#peers.values()
  }

  /** How many peers have an address on LAN `lan`. O(1). */
  on(lan: number): number {
    return this.#holders[lan]?.size ?? 0
  }

  /** Whether `address` is some peer's address on some LAN. O(LANs). */
  isPeerAddress(address: number): boolean {
    return this.#holders.some((h) => h.has(mapKey(address)))
  }

  /** The peer whose address on LAN `lan` is `address`, if any. O(1). */
  holderOf(lan: number, address: number): Peer | undefined {
    return this.#holders[lan]?.get(mapKey(address))
  }

  /**
   * Find or create the sender's entry (evicting the oldest unconfirmed peer from a full table) and
   * take the addresses it may change (trust.ts adopts): admit() has refused a packet that would
   * take a confirmed peer's address or find no room, so whoever holds one now is forgotten.
   */
  learn(now: number, msg: Message, c: LearnConfig): Learned {
    const out: PeerEvent[] = []
    let peer = this.#peers.get(mapKey(msg.from))
    const isNew = !peer
    if (!peer) {
      if (this.size >= (c.maxPeers ?? Infinity)) this.#evictOldestUnconfirmed(out)
      peer = newPeer(msg.from, now, this.#lanCount)
      this.#peers.set(mapKey(peer.id), peer)
      out.push({ kind: 'peer', peer: peer.id, event: 'discovered' })
      if (this.#evicted.recall(peer.id, msg.lan)) peer.confirmed = true
      else this.#unconfirmed.add(peer.id)
    } else if (peer.boot !== msg.boot) {
      out.push({ kind: 'peer', peer: peer.id, event: 'restarted' })
      // A new run counts its sequence numbers from a new random start, on every LAN, and its INQs
      // (if it sends any) are expected from its first one on.
      for (const pl of peer.lans) {
        pl.lastSeq = -1
        pl.inqDue = Infinity
      }
      Object.assign(peer.mask, noMask())
    }
    for (let lan = 0; lan < this.#lanCount; lan++) {
      const address = msg.addresses[lan] ?? 0
      if (adopts(peer, lan, address, now, c)) this.#setAddress(peer, lan, address, out)
      const v6 = msg.addresses6?.[lan]
      if (v6 && adopts6(peer, lan, v6, now, c)) peer.lans[lan]!.ipv6 = v6
    }
    peer.boot = msg.boot
    peer.lastHeard = now
    // An INQ or an ACK says the sender's interval (0: it sends no INQs); a notice carries 0 always.
    if (msg.kind === 'ack' || msg.intervalMs > 0) this.#interval(peer, msg.intervalMs)
    return { peer, isNew, events: out }
  }

  /** A peer that stopped sending INQs (reloaded without -r) is no longer expected to send them. */
  #interval(peer: Peer, intervalMs: number): void {
    peer.intervalMs = intervalMs
    if (intervalMs === 0) for (const pl of peer.lans) pl.inqDue = Infinity
  }

  /** The peer proved itself (see Peer.confirmed): it is no longer evicted for newcomers. */
  confirm(peer: Peer): void {
    peer.confirmed = true
    this.#unconfirmed.delete(peer.id)
  }

  /** Forget `peer` if it has been silent on every LAN for its forget time. */
  forgetIfSilent(peer: Peer, now: number, ownIntervalMs: number): PeerEvent | undefined {
    if (now - peer.lastHeard < forgetMs(peer, ownIntervalMs)) return undefined
    return this.#forget(peer)
  }

  /**
   * Responder: after an INQ on `lan`, expect the next one there, and start expecting on LANs never
   * heard. Returns the earliest INQ deadline of the peer.
   */
  expectInqs(peer: Peer, now: number, lan: number): number {
    const due = now + inqWaitMs(peer.intervalMs)
    let soonest = Infinity
    peer.lans.forEach((pl, i) => {
      if (pl.address !== 0 && (i === lan || pl.inqDue === Infinity)) pl.inqDue = due
      soonest = Math.min(soonest, pl.inqDue)
    })
    return soonest
  }

  /** The peer's address on `lan` is forgotten (this host left that subnet); its next packet there gives it again. */
  leave(peer: Peer, lan: number): void {
    this.#setAddress(peer, lan, 0, [])
    const pl = peer.lans[lan]!
    pl.inqDue = Infinity
    pl.lastSeq = -1
  }

  /** Move the peer to `address` on `lan`; an entry still holding it there is stale (a host under a new id). */
  #setAddress(peer: Peer, lan: number, address: number, out: PeerEvent[]): void {
    const holders = this.#holders[lan]!
    const stale = address !== 0 ? holders.get(mapKey(address)) : undefined
    if (stale && stale !== peer) out.push(this.#forget(stale))
    const pl = peer.lans[lan]!
    if (holders.get(mapKey(pl.address)) === peer) holders.delete(mapKey(pl.address))
    pl.address = address
    if (address !== 0) holders.set(mapKey(address), peer)
  }

  #evictOldestUnconfirmed(out: PeerEvent[]): void {
    const [oldest] = this.#unconfirmed
    const peer = oldest === undefined ? undefined : this.#peers.get(mapKey(oldest))
    if (!peer) return
    this.#evicted.remember(peer)
    out.push(this.#forget(peer))
  }

  #forget(peer: Peer): PeerEvent {
    this.#peers.delete(mapKey(peer.id))
    this.#unconfirmed.delete(peer.id)
    peer.lans.forEach((pl, lan) => {
      const holders = this.#holders[lan]!
      if (holders.get(mapKey(pl.address)) === peer) holders.delete(mapKey(pl.address))
    })
    return { kind: 'peer', peer: peer.id, event: 'forgotten' }
  }
}
