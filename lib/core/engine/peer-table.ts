// The peers this host has heard, keyed by node id: learning, restarts, address clashes, forgetting.
import { type FlapState, NO_FLAPS } from '../path/flap-damping.js'
import { type Link, NEW_LINK } from '../path/link-fsm.js'
import type { Message } from '../wire/codec.js'
import type { PeerEvent } from './effects.js'
import { FORGET_INTERVALS, FORGET_MIN_MS, INQ_GRACE_FRACTION, INQ_GRACE_MIN_MS } from './timing.js'

export interface PeerLan {
  /** The peer's address on this LAN, as it advertises it; 0 if it has none. */
  address: number
  /** What this host observes of the path (ACKs as a requestor, INQs as a responder). */
  link: Link
  /** False while the peer's latest packet on this LAN says it does not hear us there. */
  hearsUs: boolean
  /** Sequence number of the peer's last INQ on this LAN (a static peer may get it twice); -1: none. */
  inqSeq: number
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
  /** By LAN index, one per local LAN. */
  readonly lans: PeerLan[]
}

function newPeer(id: number, now: number, lanCount: number): Peer {
  const lans = Array.from({ length: lanCount }, () => ({
    address: 0,
    link: NEW_LINK,
    hearsUs: true,
    inqSeq: -1,
    inqDue: Infinity,
    lastHeard: -Infinity,
    outOfService: false,
    downSince: -Infinity,
    upSince: -Infinity,
    rttMs: undefined,
    flaps: NO_FLAPS,
  }))
  return { id, boot: 0, intervalMs: 0, lastHeard: now, since: now, lans }
}

/** A peer silent this long on every LAN is forgotten: 60 of the longer interval, at least 30 s. */
export function forgetMs(peer: Peer, ownIntervalMs: number): number {
  return Math.max(FORGET_MIN_MS, FORGET_INTERVALS * Math.max(peer.intervalMs, ownIntervalMs))
}

export interface Learned {
  readonly peer: Peer
  /** True when the packet is the first heard from this node id. */
  readonly isNew: boolean
  /** Discovered, restarted, or an old entry forgotten for the sender's address. */
  readonly events: readonly PeerEvent[]
}

export class PeerTable {
  /** Keyed by node id. BOUNDED: maxPeers (admit refuses new peers beyond it), and silent ones are forgotten. */
  readonly #peers = new Map<number, Peer>()
  readonly #lanCount: number

  constructor(lanCount: number) {
    this.#lanCount = lanCount
  }

  get(id: number): Peer | undefined {
    return this.#peers.get(id)
  }

  get size(): number {
    return this.#peers.size
  }

  [Symbol.iterator](): IterableIterator<Peer> {
    return this.#peers.values()
  }

  /** Another peer that claims `address` on LAN `lan`: a host that restarted under a new id. O(peers). */
  holderOf(lan: number, address: number, except: number): Peer | undefined {
    for (const p of this.#peers.values()) if (p.id !== except && p.lans[lan]?.address === address) return p
    return undefined
  }

  /** Find or create the sender's entry and refresh what it advertises. */
  learn(now: number, msg: Message): Learned {
    const out: PeerEvent[] = []
    let peer = this.#peers.get(msg.from)
    const isNew = !peer
    if (!peer) {
      peer = newPeer(msg.from, now, this.#lanCount)
      this.#peers.set(peer.id, peer)
      out.push({ kind: 'peer', peer: peer.id, event: 'discovered' })
    } else if (peer.boot !== msg.boot) {
      out.push({ kind: 'peer', peer: peer.id, event: 'restarted' })
      // A new run counts its sequence numbers from a new random start, on every LAN.
      for (const pl of peer.lans) pl.inqSeq = -1
    }
    peer.boot = msg.boot
    peer.lastHeard = now
    if (msg.kind === 'inq' && msg.intervalMs > 0) peer.intervalMs = msg.intervalMs // not from a notice
    peer.lans.forEach((pl, lan) => {
      const address = msg.addresses[lan] ?? 0
      if (address === pl.address) return // the common case: nothing to check, no table scan
      pl.address = address
      const stale = address !== 0 ? this.holderOf(lan, address, peer.id) : undefined
      if (!stale) return
      // The same host under a new node id: the old entry would fight over the same routes.
      this.#peers.delete(stale.id)
      out.push({ kind: 'peer', peer: stale.id, event: 'forgotten' })
    })
    return { peer, isNew, events: out }
  }

  /** Forget `peer` if it has been silent on every LAN for its forget time. */
  forgetIfSilent(peer: Peer, now: number, ownIntervalMs: number): PeerEvent | undefined {
    if (now - peer.lastHeard < forgetMs(peer, ownIntervalMs)) return undefined
    this.#peers.delete(peer.id)
    return { kind: 'peer', peer: peer.id, event: 'forgotten' }
  }

  /**
   * Responder: after an INQ on `lan`, expect the next one there, and start expecting on LANs never
   * heard. Returns the earliest INQ deadline of the peer.
   */
  expectInqs(peer: Peer, now: number, lan: number): number {
    const grace = Math.max(INQ_GRACE_MIN_MS, INQ_GRACE_FRACTION * peer.intervalMs)
    let soonest = Infinity
    peer.lans.forEach((pl, i) => {
      if (pl.address !== 0 && (i === lan || pl.inqDue === Infinity)) pl.inqDue = now + peer.intervalMs + grace
      soonest = Math.min(soonest, pl.inqDue)
    })
    return soonest
  }
}
