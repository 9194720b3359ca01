// The peers this host has heard, keyed by node id: learning, restarts, who holds an address, eviction, forgetting.
import { type IPv6, sameIPv6 } from '../util/ipv6.js'
import { mapKey } from '../util/map-key.js'
import type { Message } from '../wire/message.js'
import type { PeerEvent } from './effects.js'
import { Evicted } from './evicted.js'
import { InqDues } from './inq-dues.js'
import { forgetMs, freeDues, newPeer, noMask, type Peer } from './peer.js'
import { inqWaitMs } from './timing.js'
import { adopts } from './trust.js'
import { adopts6, type Trust6Config } from './trust6.js'

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
  /** Every path's INQ deadline (inq-dues.ts). */
  readonly #dues = new InqDues()
  /** What a routine INQ and the slow deadlines were found in: changes that could make either wrong bump it (see epoch). */
  #epoch = 0

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

  /** The peer whose IPv6 address on LAN `lan` is `address`, if any. O(peers): asked only when an address would change. */
  #holder6(lan: number, address: IPv6): Peer | undefined {
    for (const p of this.#peers.values()) {
      const held = p.lans[lan]?.ipv6
      if (held && sameIPv6(held, address)) return p
    }
    return undefined
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
    for (let lan = 0; lan < this.#lanCount; lan++) {
      const address = msg.addresses[lan] ?? 0
      if (adopts(peer, lan, address, now, c)) this.#setAddress(peer, lan, address, out)
      const v6 = msg.addresses6?.[lan]
      const pl = peer.lans[lan]!
      if (v6 && adopts6(peer, lan, v6, now, c, (l, a) => this.#holder6(l, a))) {
        // A holder that no longer keeps it (silent, unconfirmed) gives it up, as an IPv4 one does.
        const stale = this.#holder6(lan, v6)
        if (stale && stale !== peer) stale.lans[lan]!.ipv6 = undefined
        pl.ipv6 = v6
        this.#epoch++
      } else if (!v6 && pl.ipv6 && msg.version === 2) {
        // A v2 packet gives every IPv6 address its sender has: this one is gone (trust6.ts).
        pl.ipv6 = undefined
        this.#epoch++
      }
    }
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
    this.#setAddress(peer, lan, 0, [])
    const pl = peer.lans[lan]!
    pl.inqDue = Infinity
    pl.lastSeq = -1
  }

  /** Move the peer to `address` on `lan`; an entry still holding it there is stale (a host under a new id). */
  #setAddress(peer: Peer, lan: number, address: number, out: PeerEvent[]): void {
    this.#epoch++
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
    this.#epoch++
    freeDues(peer)
    this.#peers.delete(mapKey(peer.id))
    this.#unconfirmed.delete(peer.id)
    peer.lans.forEach((pl, lan) => {
      const holders = this.#holders[lan]!
      if (holders.get(mapKey(pl.address)) === peer) holders.delete(mapKey(pl.address))
    })
    return { kind: 'peer', peer: peer.id, event: 'forgotten' }
  }
}
