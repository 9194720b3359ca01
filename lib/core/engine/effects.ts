// What the engine returns: commands the shell must carry out, and events it reports.
import type { LinkState } from '../path/link-fsm.js'
import type { HeldAddress, Message } from '../wire/message.js'
import type { PathView } from './view.js'

export type DropReason =
  | 'id-clash'
  | 'wrong-lan'
  | 'spoofed-source'
  | 'not-for-us'
  | 'unsolicited-ack'
  | 'late-ack'
  | 'duplicate-ack'
  | 'duplicate-inq'
  | 'replayed'
  | 'wrong-cluster'
  | 'ignored'
  | 'peer-table-full'
  /** An advertised address no host on that LAN can have (trust.ts). */
  | 'implausible-address'
  /** Another id claims an address of a confirmed peer still heard. */
  | 'address-claimed'
  /** A known peer's id, from an address that is not the peer's on that LAN. */
  | 'not-the-peer'

/** Send `msg` on LAN `lan`, broadcast or to one address. */
export interface SendCommand {
  readonly kind: 'send'
  readonly lan: number
  readonly to: number | 'broadcast'
  readonly msg: Message
  /** Not sent if its datagram would be larger (an answer to a sender not confirmed yet: no reflection). */
  readonly maxBytes?: number
}

export type Command = SendCommand

/** A path's routing or observed state changed. */
export interface LinkChange {
  readonly kind: 'link'
  readonly peer: number
  readonly lan: number
  /** Routing states, before and after (see path-state.ts). */
  readonly from: LinkState
  readonly to: LinkState
  /** The path as it is now: counters, what the peer says, why it is down. */
  readonly path: PathView
  /** The peer's address on every LAN, by LAN index (0: none): the routes the change may move. */
  readonly addresses: readonly number[]
}

export interface PeerEvent {
  readonly kind: 'peer'
  readonly peer: number
  readonly event: 'discovered' | 'restarted' | 'forgotten'
}

export interface DropEvent {
  readonly kind: 'drop'
  readonly lan: number
  readonly reason: DropReason
  readonly from: number
}

/** Flap damping holds a path down: it went down `penalty` times lately (decaying). */
export interface DampedEvent {
  readonly kind: 'damped'
  readonly peer: number
  readonly lan: number
  readonly holdMs: number
  readonly penalty: number
}

/** A peer's service addresses are somewhere else now (or it holds others): their routes move. */
export interface ServicesEvent {
  readonly kind: 'services'
  readonly peer: number
  readonly services: readonly HeldAddress[]
}

/** A peer began to say it is behind (OVERLOAD), by `ms`, or stopped (0): its deadlines widen, or no longer. */
export interface BehindEvent {
  readonly kind: 'behind'
  readonly peer: number
  readonly ms: number
}

export type EngineEvent = LinkChange | PeerEvent | DropEvent | DampedEvent | ServicesEvent | BehindEvent

export type Effect = Command | EngineEvent
