// One peer as the engine keeps it: its paths (one per local LAN), what it says, and when it is forgotten.
import { type FlapState, NO_FLAPS } from '../path/flap-damping.js'
import { type Link, NEW_LINK } from '../path/link-fsm.js'
import type { IPv6 } from '../util/ipv6.js'
import type { HeldAddress } from '../wire/message.js'
import { InqDues } from './inq-dues.js'
import { NO_SERVICES } from './services.js'
import { FORGET_INTERVALS, FORGET_MIN_MS } from './timing.js'

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
  /** Packets saying so before it is believed: 0, or deafExcuse (timing.ts) if it began while faild was blind. */
  deafExcuse: number
  /** Windows of the peer's cut down list in a row that did not name us (peer-word.ts unnamedWindow). */
  unnamedWindows: number
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

/** A PeerLan as the engine makes it: its INQ deadline in the table's InqDues while the peer is in the table. */
class Path implements PeerLan {
  address = 0
  ipv6: IPv6 | undefined = undefined
  link: Link = NEW_LINK
  hearsUs = true
  deafCount = 0
  deafExcuse = 0
  unnamedWindows = 0
  lastSeq = -1
  lastHeard = -Infinity
  outOfService = false
  downSince = -Infinity
  upSince = -Infinity
  rttMs: number | undefined = undefined
  flaps: FlapState = NO_FLAPS
  reportedDown: readonly number[] = NO_IDS
  reportedAt = -Infinity
  #dues: InqDues
  #index: number

  constructor(dues: InqDues) {
    this.#dues = dues
    this.#index = dues.alloc()
  }

  get inqDue(): number {
    return this.#dues.get(this.#index)
  }

  set inqDue(at: number) {
    this.#dues.set(this.#index, at)
  }

  /**
   * The peer is forgotten: its place in the table's array is free for another path, and its
   * deadline stays with it alone, since a Routine or a loop still holding the entry may write it.
   */
  freeDues(): void {
    const at = this.inqDue
    this.#dues.free(this.#index)
    this.#dues = new InqDues()
    this.#index = this.#dues.alloc()
    this.inqDue = at
  }
}

/** A forgotten peer's paths free their places in the table's array (see Path.freeDues). */
export function freeDues(peer: Peer): void {
  for (const pl of peer.lans) if (pl instanceof Path) pl.freeDues()
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
  /** The out-of-service mask that packet gave (bits by LAN): its paths' outOfService flags are set from it alone. */
  outOfService: number
  /** How far behind its latest packet said it is (OVERLOAD, capped: peer-word.ts); 0: it keeps up. */
  behindMs: number
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
export const noMask = (): MaskWord => ({ seq: -1, round: 0, at: -Infinity })

/** A new peer's entry: its paths' INQ deadlines kept in `dues`, the table's. */
export function newPeer(id: number, now: number, lanCount: number, dues: InqDues): Peer {
  const lans = Array.from({ length: lanCount }, () => new Path(dues))
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
    outOfService: 0,
    behindMs: 0,
  }
}

/**
 * The peer says it does not hear us on this path, and we believe it: not while its saying so is
 * excused (it began while faild was blind or stalled) and has not been said deafExcuse times.
 */
export const believedDeaf = (pl: PeerLan): boolean => !pl.hearsUs && pl.deafCount >= pl.deafExcuse

/** A peer silent this long on every LAN is forgotten: 60 of the longer interval, at least 30 s. */
export function forgetMs(peer: Peer, ownIntervalMs: number): number {
  return Math.max(FORGET_MIN_MS, FORGET_INTERVALS * Math.max(peer.intervalMs, ownIntervalMs))
}
