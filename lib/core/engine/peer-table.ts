// The peers this host has heard, keyed by node id, with each peer's view on every LAN.
import { NO_FLAPS, type FlapState } from '../path/flap-damping.js'
import { LinkState, NEW_LINK, type Link } from '../path/link-fsm.js'

export interface PeerLan {
  /** The peer's address on this LAN, as it advertises it; 0 if it has none. */
  address: number
  /** What this host observes of the path (ACKs as a requestor, INQs as a responder). */
  link: Link
  /** False while the peer's latest packet on this LAN says it does not hear us there. */
  hearsUs: boolean
  /** Sequence number of the last INQ of ours the peer answered on this LAN. */
  ackedSeq: number
  /** Sequence number of the peer's last INQ on this LAN (a static peer may get it twice). */
  inqSeq: number
  /** Responder side: when the peer's next INQ on this LAN is overdue (Infinity: not expected). */
  inqDue: number
  /** When a valid packet from the peer last arrived on this LAN (monotonic ms; -Infinity: never). */
  lastHeard: number
  /** True while the peer says its own interface on this LAN has no carrier. */
  carrierLost: boolean
  /** When the path last went (effectively) down (monotonic ms; -Infinity: never). */
  downSince: number
  /** When the path last came (effectively) up (monotonic ms; -Infinity: never). */
  upSince: number
  /** Requestor side: the round-trip time of the last ACK in time on this LAN (ms; undefined: none yet). */
  rttMs: number | undefined
  /** Flap damping: how often the path went down lately, and whether it is held down. */
  flaps: FlapState
  /** True while held down by flap damping (kept in step with flaps.heldUntil by the engine). */
  held: boolean
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

/**
 * The path state as the packets tell it: down when we do not hear the peer, when it says it does not
 * hear us (so a one-way failure reroutes both directions), or when it says its LAN is out of
 * service (cable out, or taken offline).
 */
export function effectiveState(pl: PeerLan): LinkState {
  return pl.hearsUs && !pl.carrierLost ? pl.link.state : LinkState.Down
}

export function newPeer(id: number, now: number, lanCount: number): Peer {
  const lans = Array.from({ length: lanCount }, () => ({
    address: 0,
    link: NEW_LINK,
    hearsUs: true,
    ackedSeq: -1,
    inqSeq: -1,
    inqDue: Infinity,
    lastHeard: -Infinity,
    carrierLost: false,
    downSince: -Infinity,
    upSince: -Infinity,
    rttMs: undefined,
    flaps: NO_FLAPS,
    held: false,
  }))
  return { id, boot: 0, intervalMs: 0, lastHeard: now, since: now, lans }
}

/** BOUNDED: one entry per peer heard within the forget time. */
export class PeerTable {
  readonly #peers = new Map<number, Peer>() // keyed by node id

  get(id: number): Peer | undefined {
    return this.#peers.get(id)
  }

  add(peer: Peer): void {
    this.#peers.set(peer.id, peer)
  }

  delete(id: number): void {
    this.#peers.delete(id)
  }

  /** Another peer that claims `address` on LAN `lan`: a host that restarted under a new id. */
  holderOf(lan: number, address: number, except: number): Peer | undefined {
    for (const p of this.#peers.values()) if (p.id !== except && p.lans[lan]?.address === address) return p
    return undefined
  }

  get size(): number {
    return this.#peers.size
  }

  [Symbol.iterator](): IterableIterator<Peer> {
    return this.#peers.values()
  }
}
