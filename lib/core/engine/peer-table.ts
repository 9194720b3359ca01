// The peers this host has heard, keyed by node id: learning, restarts, eviction, forgetting (their addresses: peer-addresses.ts).
import { mapKey } from '../util/map-key.js'
import type { Message } from '../wire/message.js'
import type { PeerEvent } from './effects.js'
import { Evicted } from './evicted.js'
import { InqDues } from './inq-dues.js'
import { forgetMs, freeDues, newPeer, noMask, type Peer } from './peer.js'
import { PeerAddresses } from './peer-addresses.js'
import { inqWaitMs } from './timing.js'
import type { Trust6Config } from './trust6.js'

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
  /** Who holds each address on each LAN (peer-addresses.ts). */
  readonly #addresses: PeerAddresses
  readonly #lanCount: number
  /** Every path's INQ deadline (inq-dues.ts). */
  readonly #dues = new InqDues()
  /** What a routine INQ and the slow deadlines were found in: changes that could make either wrong bump it (see epoch). */
  #epoch = 0

  constructor(lanCount: number) {
    this.#lanCount = lanCount
    this.#addresses = new PeerAddresses(lanCount, {
      peers: () => this.#peers.values(),
      forget: (peer) => this.#forget(peer),
      changed: () => this.newEpoch(),
    })
  }

  get(id: number): Peer | undefined {
    return this.#peers.get(mapKey(id))
  }

  get size(): number {
    return this.#peers.size
  }

  /**
   * Changes when a peer is forgotten, restarts or changes its interval, or an address (v4 or v6)
   * is taken or given up, and when the engine's configuration or addresses change (newEpoch): a
   * routine INQ (routine.ts) is taken as its last full receive() was only within one epoch, and
   * the slow deadlines (deadlines.ts) are found again in a new one.
   */
  get epoch(): number {
    return this.#epoch
  }

  newEpoch(): void {
    this.#epoch++
  }

  /** How many peers a newcomer could evict from a full table. */
  get unconfirmed(): number {
    return this.#unconfirmed.size
  }

  [Symbol.iterator](): IterableIterator<Peer> {
    return this.#peers.values()
  }

  /** The soonest INQ deadline of every path (Infinity: none). O(paths) over one array. */
  soonestInq(): number {
    return this.#dues.soonest()
  }

  /** Whether `address` is some peer's address on some LAN. O(LANs). */
  isPeerAddress(address: number): boolean {
    return this.#addresses.isPeerAddress(address)
  }

  /** The peer whose address on LAN `lan` is `address`, if any. O(1). */
  holderOf(lan: number, address: number): Peer | undefined {
    return this.#addresses.holderOf(lan, address)
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
      peer = newPeer(msg.from, now, this.#lanCount, this.#dues)
      this.#peers.set(mapKey(peer.id), peer)
      out.push({ kind: 'peer', peer: peer.id, event: 'discovered' })
      if (this.#evicted.recall(peer.id, msg.lan)) peer.confirmed = true
      else this.#unconfirmed.add(peer.id)
    } else if (peer.boot !== msg.boot) {
      out.push({ kind: 'peer', peer: peer.id, event: 'restarted' })
      this.#epoch++
      // A new run counts its sequence numbers from a new random start, on every LAN, and its INQs
      // (if it sends any) are expected from its first one on.
      for (const pl of peer.lans) {
        pl.lastSeq = -1
        pl.inqDue = Infinity
      }
      Object.assign(peer.mask, noMask())
    }
    this.#addresses.learn(peer, msg, now, c, out)
    peer.boot = msg.boot
    peer.lastHeard = now
    // An INQ or an ACK says the sender's interval (0: it sends no INQs); a notice carries 0 always.
    if (msg.kind === 'ack' || msg.intervalMs > 0) this.#interval(peer, msg.intervalMs)
    return { peer, isNew, events: out }
  }

  /** A peer that stopped sending INQs (reloaded without -r) is no longer expected to send them. */
  #interval(peer: Peer, intervalMs: number): void {
    // Its forget time follows its interval: the engine's slow deadlines are found again.
    if (peer.intervalMs !== intervalMs) this.#epoch++
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
    const due = now + inqWaitMs(peer.intervalMs) + peer.behindMs
    let soonest = Infinity
    for (let i = 0; i < peer.lans.length; i++) {
      const pl = peer.lans[i]!
      if (pl.address !== 0 && (i === lan || pl.inqDue === Infinity)) pl.inqDue = due
      soonest = Math.min(soonest, pl.inqDue)
    }
    return soonest
  }

  /** The peer's address on `lan` is forgotten (this host left that subnet); its next packet there gives it again. */
  leave(peer: Peer, lan: number): void {
    this.#addresses.set(peer, lan, 0, [])
    const pl = peer.lans[lan]!
    pl.inqDue = Infinity
    pl.lastSeq = -1
  }

  #evictOldestUnconfirmed(out: PeerEvent[]): void {
    const [oldest] = this.#unconfirmed
    const peer = oldest === undefined ? undefined : this.#peers.get(mapKey(oldest))
    if (!peer) return
    this.#evicted.remember(peer)
    out.push(this.#forget(peer))
  }

  #forget(peer: Peer): PeerEvent {
    this.#epoch++
    freeDues(peer)
    this.#peers.delete(mapKey(peer.id))
    this.#unconfirmed.delete(peer.id)
    this.#addresses.drop(peer)
    return { kind: 'peer', peer: peer.id, event: 'forgotten' }
  }
}
