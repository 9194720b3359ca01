// Between wire format 1 and the version-neutral Packet: v1 messages in, v1 copies out, either version decoded.

import { formatIPv4 } from '../util/ipv4.js'
import { parseAddress } from './address.js'
import { decode } from './codec.js'
import { MAX_DOWN_IDS, VERSION } from './constants.js'
import { ipv4Entry } from './lan-tlv.js'
import type { Message, WireKey } from './message.js'
import type { Packet, PacketLan, PacketResult } from './packet.js'
import { decodeV2 } from './v2.js'

/** v1 sends no prefix lengths: a v1 address is taken as a /32, the host alone. */
export const V1_PREFIX = 32
/** v1's out-of-service mask has 8 bits: LANs 8-15 cannot say they are out of service. */
const V1_MASK_BITS = 8

/** How a LAN slot's address is described in a Packet: its prefix length and LAN name tag. */
export type DescribeLan = (slot: number) => { readonly prefix: number; readonly nameTag: number }

/**
 * The Packet a v1-shaped message says. Its LAN index becomes the slot; every non-zero address is
 * a LAN with that one address (a LAN without one is left out, its out-of-service bit with it); an
 * INQ with interval 0 is a notice; an INQ without an answer list is answered by every receiver.
 * `describe` gives each slot's prefix and name tag: the sender's own (engine/pairing.ts toPacket),
 * or, for what came in v1, which says neither, a /32 and no tag (fromV1).
 */
export function packetOf(msg: Message, describe: DescribeLan, version: 1 | 2): Packet {
  const lans: PacketLan[] = []
  msg.addresses.forEach((a, slot) => {
    if (a === 0) return
    const outOfService = slot < V1_MASK_BITS && ((msg.outOfService >>> slot) & 1) === 1
    const { prefix, nameTag } = describe(slot)
    lans.push({
      slot,
      outOfService,
      preferred: false,
      nameTag,
      addresses: [ipv4Entry(a, prefix)],
    })
  })
  const kind = msg.kind === 'ack' ? 'ack' : msg.intervalMs === 0 ? 'notice' : 'inq'
  const answer = msg.kind === 'inq' ? msg.answer : undefined
  const downOn =
    kind === 'ack'
      ? []
      : (msg.downOn ?? []).flatMap((ids, slot) =>
          ids && slot !== msg.lan && msg.addresses[slot] ? [{ slot, ids }] : [],
        )
  // Only on a LAN the packet lists (one without an address is left out, its services with it).
  const services = (msg.services ?? [])
    .filter((s) => msg.addresses[s.lan])
    .map((s) => ({ slot: s.lan, address: { family: 4 as const, prefix: s.len, address: formatIPv4(s.address) } }))
  return {
    version,
    kind,
    from: msg.from,
    boot: msg.boot,
    seq: msg.seq,
    to: msg.kind === 'ack' ? msg.to : 0,
    intervalMs: msg.intervalMs,
    slot: msg.lan,
    answerAll: kind === 'inq' && answer === undefined,
    answer: kind === 'inq' ? (answer ?? []) : [],
    lans,
    down: msg.down,
    cluster: msg.cluster,
    ...(downOn.length > 0 ? { downOn } : {}),
    ...(services.length > 0 ? { services } : {}),
    ...(msg.overloadMs ? { overloadMs: msg.overloadMs } : {}),
    ...(msg.downTotal !== undefined && kind !== 'ack' ? { downTotal: msg.downTotal } : {}),
  }
}

const V1_LAN = { prefix: V1_PREFIX, nameTag: 0 }

/** The Packet a decoded v1 message says: v1 sends no prefixes (a /32) and no LAN names. */
export const fromV1 = (msg: Message): Packet => packetOf(msg, () => V1_LAN, 1)

/**
 * The v1 copy of a packet, for v1 peers: each LAN's first IPv4 address at its slot's index (0
 * where a slot has none), the out-of-service bits of slots 0-7. A notice becomes an INQ with
 * interval 0, so its interval is lost; v1 has no room for the answer list (every v1 receiver
 * answers every v1 INQ), prefixes, name tags, the preferred bit, heard or overload. Throws
 * RangeError where v1 cannot say it: no IPv4 address on the sending LAN, an INQ with interval 0
 * (v1 would take it for a notice), or more than v1 fits.
 */
export function toV1(p: Packet): Message {
  const width = Math.max(...p.lans.map((l) => l.slot + 1))
  const addresses = new Array<number>(width).fill(0)
  let outOfService = 0
  for (const lan of p.lans) {
    addresses[lan.slot] = firstIPv4(lan)
    if (lan.outOfService && lan.slot < V1_MASK_BITS) outOfService |= 1 << lan.slot
  }
  if (!(addresses[p.slot]! > 0)) throw new RangeError(`no IPv4 address on slot ${p.slot} for a v1 copy`)
  if (p.kind === 'inq' && p.intervalMs === 0) throw new RangeError('an INQ with interval 0 reads as a notice in v1')
  if (p.down.length > MAX_DOWN_IDS) throw new RangeError(`down list of ${p.down.length} exceeds v1's ${MAX_DOWN_IDS}`)
  return placed(p, p.slot, addresses, outOfService)
}

/** What a placed message carries beyond v1's fields; an undefined one is left out of the message. */
export type Extra = {
  readonly [K in
    | 'version'
    | 'bytes'
    | 'downOn'
    | 'services'
    | 'addresses6'
    | 'linkLocals'
    | 'overloadMs'
    | 'downTotal']?: Message[K] | undefined
} & { readonly answer?: readonly number[] | undefined }

const NO_EXTRA: Extra = {}

/**
 * The v1-shaped message a packet says, its LANs placed by the caller: by slot for a v1 copy, by
 * pairing for the engine (core/engine/pairing.ts), which adds what v1 cannot say in `extra`.
 * A notice becomes v1's INQ with interval 0. Built field by field, without spreads: the engine
 * gets one for every packet read (tens of thousands a second at scale).
 */
export function placed(
  p: Packet,
  lan: number,
  addresses: readonly number[],
  outOfService: number,
  extra: Extra = NO_EXTRA,
): Message {
  // Filled in below: the type holds once every field of Common is set.
  const m = (p.kind === 'ack' ? { kind: 'ack', to: p.to } : { kind: 'inq' }) as {
    -readonly [K in keyof Message]: Message[K]
  } & { answer?: readonly number[] }
  m.from = p.from
  m.boot = p.boot
  m.lan = lan
  m.seq = p.seq
  m.intervalMs = p.kind === 'notice' ? 0 : p.intervalMs
  m.addresses = addresses
  m.down = p.down
  m.outOfService = outOfService
  m.cluster = p.cluster
  if (extra.version !== undefined) m.version = extra.version
  if (extra.bytes !== undefined) m.bytes = extra.bytes
  if (extra.downOn !== undefined) m.downOn = extra.downOn
  if (extra.services !== undefined) m.services = extra.services
  if (extra.addresses6 !== undefined) m.addresses6 = extra.addresses6
  if (extra.linkLocals !== undefined) m.linkLocals = extra.linkLocals
  if (extra.answer !== undefined) m.answer = extra.answer
  if (extra.overloadMs !== undefined) m.overloadMs = extra.overloadMs
  if (extra.downTotal !== undefined) m.downTotal = extra.downTotal
  return m as Message
}

/** A LAN's first IPv4 address as a u32, or 0 when it has none. */
function firstIPv4(lan: PacketLan): number {
  const a = lan.addresses.find((x) => x.family === 4)
  const bytes = a && parseAddress(a.address)?.bytes
  return bytes ? ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 : 0
}

/** Decode a datagram of either version into a Packet (what a v2 host does with what it hears). */
export function decodePacket(buf: Uint8Array, keys: readonly WireKey[] = []): PacketResult {
  if (buf.length < 3 || buf[2] !== VERSION) return decodeV2(buf, keys)
  const r = decode(buf, keys)
  return r.ok ? { ok: true, packet: fromV1(r.msg) } : r
}
