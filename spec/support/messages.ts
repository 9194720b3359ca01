// The INQs and ACKs a spec's peer sends: every field set to a plain default, the case overrides the rest.
import type { Message } from '../../lib/core/wire/message.js'

/** A peer as the spec plays it: its node id, boot id and its address on every LAN. */
export interface Sender {
  readonly from: number
  readonly addresses: readonly number[]
  readonly boot?: number
}

/** An INQ from `s` on LAN 0 (a requestor's, every 100 ms), with `over` on top. */
export function inqFrom(s: Sender, over: Partial<Message> = {}): Message {
  const msg = {
    kind: 'inq',
    from: s.from,
    boot: s.boot ?? 9,
    lan: 0,
    seq: 1,
    intervalMs: 100,
    addresses: s.addresses,
    down: [],
    outOfService: 0,
    cluster: 0,
  }
  return { ...msg, ...over } as Message
}

/** A responder's ACK from `s` to node `to`, with `over` on top (seq and lan say which INQ it answers). */
export function ackFrom(s: Sender, to: number, over: Partial<Message> = {}): Message {
  return inqFrom(s, { kind: 'ack', to, intervalMs: 0, ...over } as Partial<Message>)
}
