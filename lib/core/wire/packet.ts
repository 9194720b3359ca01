// The version-neutral packet: what a decoded v1 or v2 datagram says, in the form the engine will consume.

import type { Family } from './address.js'
import type { DecodeError } from './message.js'

export type PacketKind = 'inq' | 'ack' | 'notice'

/** One of the sender's addresses on a LAN, with the prefix length of its subnet. */
export interface LanAddress {
  readonly family: Family
  /** 0-32 for IPv4, 0-128 for IPv6; 32 for what came from v1, which does not send it. */
  readonly prefix: number
  /** Canonical text: '198.18.0.1', '2001:db8::1' (RFC 5952). */
  readonly address: string
  /**
   * An IPv4 address as the decoder read it, a u32: pairing reads it for every packet (tens of
   * thousands a second), which parsing the text each time made a tenth of the packet path.
   * Absent on IPv6 addresses and on those this program builds.
   */
  readonly u32?: number
}

/** One of the sender's LANs, as it describes it. */
export interface PacketLan {
  /** The sender's own index of this LAN (0-15): the header's slot names the one a packet left on. */
  readonly slot: number
  /** No carrier, or taken offline (faildctl offline). */
  readonly outOfService: boolean
  /** The sender prefers this LAN as a detour. */
  readonly preferred: boolean
  /** lanTag() of the configured LAN name; 0: none. */
  readonly nameTag: number
  /** 1 to 4 addresses. */
  readonly addresses: readonly LanAddress[]
}

/** A service address the sender holds (NetMon's moving address), on its LAN `slot`. */
export interface PacketService {
  readonly slot: number
  readonly address: LanAddress
}

export interface Packet {
  /** The wire version it was decoded from (encodeV2 writes version 2 whatever this says). */
  readonly version: 1 | 2
  /** A notice is an INQ that is never answered: it tells peers at once what changed. */
  readonly kind: PacketKind
  /** Non-zero node id of the sender. */
  readonly from: number
  /** Per daemon start, so peers can tell a restart from a replay. */
  readonly boot: number
  /** INQs and notices count from one per-run counter; an ACK echoes its INQ's. */
  readonly seq: number
  /** ACK: the requestor answered (non-zero); INQ and notice: 0. */
  readonly to: number
  /** The sender's INQ interval in ms; 0: a responder only (v1 notices carry 0 too). */
  readonly intervalMs: number
  /** The sender's slot of the LAN this packet was sent on; one of `lans`. */
  readonly slot: number
  /** INQ only: every receiver answers it. Otherwise only the nodes in `answer` do. */
  readonly answerAll: boolean
  /** INQ only: the node ids asked to answer. */
  readonly answer: readonly number[]
  /** Every LAN of the sender, in the order it sent them. */
  readonly lans: readonly PacketLan[]
  /** Node ids the sender does not hear on this packet's LAN. */
  readonly down: readonly number[]
  /** The sender's cluster tag (clusterTag in codec.ts); 0: none. */
  readonly cluster: number
  /** How many peers the sender hears on this LAN, when it says. */
  readonly heard?: number
  /** How many ms the sender is behind, when it says: peers widen their deadline for it. */
  readonly overloadMs?: number
  /** How many peers the sender does not hear on this LAN, when `down` names fewer (DOWN-TOTAL). */
  readonly downTotal?: number
  /** The sender's down lists on its other LANs (DOWN-ON), by its slot; INQs and notices only. */
  readonly downOn?: ReadonlyArray<{ readonly slot: number; readonly ids: readonly number[] }>
  /** The service addresses the sender holds now (see service-tlv.ts for what saying none means). */
  readonly services?: readonly PacketService[]
}

/** Every reason decode drops a datagram: v1's, and v2's TLV and address checks. */
export type PacketDecodeError =
  | DecodeError
  | 'ERR_BAD_TLV'
  | 'ERR_UNKNOWN_CRITICAL'
  | 'ERR_DUPLICATE_TLV'
  | 'ERR_BAD_ADDRESS'

export type PacketResult = { ok: true; packet: Packet } | { ok: false; code: PacketDecodeError }
