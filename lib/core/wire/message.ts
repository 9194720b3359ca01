// What a faild message says in either wire version: INQ and ACK, the key that signs them, why a datagram was refused.
//
// The engine reads and writes these; the codecs (codec.ts for format 1, v2.ts for format 2) turn them into bytes.

/** 16 bytes, network order (core/util/ipv6.ts). */
type IPv6 = Uint8Array

/** A shared secret and the one-byte id that tells receivers which key signed a packet. */
export interface WireKey {
  readonly id: number
  readonly secret: Buffer
}

/** A service address a peer holds (wire format 2's SERVICE), on this host's LAN `lan` that its LAN pairs with. */
export interface HeldAddress {
  readonly address: number
  readonly len: number
  readonly lan: number
}

interface Common {
  /** Non-zero node id of the sender. */
  readonly from: number
  /** Random per daemon start, so peers can tell a restart from a replay. */
  readonly boot: number
  /** Index of the LAN this packet was sent on (0 = A). */
  readonly lan: number
  readonly seq: number
  /** The sender's INQ interval in ms, or 0 if it is a responder only. */
  readonly intervalMs: number
  /** The sender's address on every LAN, by LAN index; 0 where it has none. */
  readonly addresses: readonly number[]
  /** Peers the sender does not hear on this LAN: tells them their packets are lost. */
  readonly down: readonly number[]
  /** Bit i: the sender's LAN i is out of service (no carrier, or taken offline), for LANs 0-7. */
  readonly outOfService: number
  /** The sender's cluster tag (clusterTag in codec.ts); 0: none. */
  readonly cluster: number
  /**
   * The wire version it came in or goes out in (engine/pairing.ts): an ACK answers in its INQ's.
   * undefined: the daemon's own (2). v1's encode and decode ignore it.
   */
  readonly version?: 1 | 2
  /** The datagram's size, set where it was received: an answer to an unconfirmed sender is no larger. */
  readonly bytes?: number
  /**
   * Wire format 2's OVERLOAD: how far behind the sender says it is, in ms (its INQs and ACKs may
   * come that much late); undefined: it keeps up.
   */
  readonly overloadMs?: number
  /**
   * Wire format 2's DOWN-TOTAL: how many peers the sender does not hear on this LAN, when `down`
   * names fewer (a window of them, moving on each packet); undefined: `down` is whole.
   */
  readonly downTotal?: number
  /**
   * Wire format 2: the sender's down lists on its other LANs, by this host's LAN index (what a
   * packet on one LAN says of the others: the cluster's matrix). undefined where not said.
   */
  readonly downOn?: ReadonlyArray<readonly number[] | undefined>
  /**
   * Wire format 2: the IPv4 service addresses the sender holds, each at this host's LAN index
   * (the sender's own when sent). undefined: none said; in a v2 INQ or notice that means none
   * held, in an ACK nothing (see core/engine/peer-word.ts).
   */
  readonly services?: readonly HeldAddress[]
  /**
   * Wire format 2: the sender's global or ULA IPv6 address on each LAN, by this host's LAN index
   * (undefined where it has none). undefined: it said none at all (an IPv4-only host, or v1).
   */
  readonly addresses6?: ReadonlyArray<IPv6 | undefined>
  /**
   * The sender's link-local address on each of this host's IPv6-only LANs (core/link-handles.ts),
   * by LAN index: where it is reached there. undefined: this host has no such LAN, or it said none.
   */
  readonly linkLocals?: ReadonlyArray<IPv6 | undefined>
}

export interface Inq extends Common {
  readonly kind: 'inq'
  /**
   * The node ids asked to ACK it (wire format 2's ANSWER); undefined: every receiver answers, as
   * every v1 INQ asks.
   */
  readonly answer?: readonly number[]
}

export interface Ack extends Common {
  readonly kind: 'ack'
  /** The requestor whose INQ (same seq) this answers. */
  readonly to: number
}

export type Message = Inq | Ack

export type DecodeError =
  | 'ERR_TOO_SHORT'
  | 'ERR_BAD_MAGIC'
  | 'ERR_BAD_VERSION'
  | 'ERR_BAD_TYPE'
  | 'ERR_BAD_FLAGS'
  | 'ERR_BAD_LAN'
  | 'ERR_BAD_NODE'
  | 'ERR_BAD_COUNT'
  | 'ERR_BAD_LENGTH'
  | 'ERR_NO_AUTH'
  | 'ERR_UNEXPECTED_AUTH'
  | 'ERR_UNKNOWN_KEY'
  | 'ERR_BAD_AUTH'

export type DecodeResult = { ok: true; msg: Message } | { ok: false; code: DecodeError }
