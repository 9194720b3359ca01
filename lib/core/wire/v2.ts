// Wire format 2: encode a Packet into one datagram (24-byte header, TLVs, optional MAC) and back.
//
// Header (big-endian), specified in README "Wire format":
//   0  u16 magic 0xFA1D     2  u8 version (2)     3  u8 type (1 INQ, 2 ACK, 3 NOTICE)
//   4  u32 sender node id   8  u32 sender boot id 12  u32 sequence
//  16  u32 to (ACK: the requestor answered; else 0)  20  u16 sender's INQ interval in ms
//  22  u8  slot the packet was sent on              23  u8 flags (bit 0 ANSWER-ALL, bit 1 SIGNED)
// then TLVs (tlv.ts; read by v2-body.ts) to the trailer; if SIGNED: u8 key id and HMAC-SHA256 of every byte before it.
// The encoder writes the TLVs in type order (LANs in the packet's order); the decoder takes any order.
import { createHmac, timingSafeEqual } from 'node:crypto'
import {
  FLAG_ANSWER_ALL,
  FLAG_SIGNED,
  HEADER_SIZE_2,
  KNOWN_FLAGS_2,
  MAGIC,
  MAX_LANS,
  MAX_PACKET_SIZE,
  MAX_SERVICES,
  PacketType,
  TLV_HEADER_SIZE,
  TlvType,
  TRAILER_SIZE,
  VERSION_2,
} from './constants.js'
import { lanValueSize, writeLan } from './lan-tlv.js'
import type { WireKey } from './message.js'
import type { Packet, PacketDecodeError, PacketKind, PacketResult } from './packet.js'
import { serviceValueSize, writeService } from './service-tlv.js'
import { ByteWriter } from './tlv.js'
import { DOWN_ON_FIXED, hasSlot, readBody } from './v2-body.js'

const TYPE_OF: Record<PacketKind, PacketType> = { inq: PacketType.Inq, ack: PacketType.Ack, notice: PacketType.Notice }
const KIND_OF: Record<number, PacketKind | undefined> = { 1: 'inq', 2: 'ack', 3: 'notice' }

const mac = (key: WireKey, data: Uint8Array): Buffer => createHmac('sha256', key.secret).update(data).digest()
const fail = (code: PacketDecodeError): PacketResult => ({ ok: false, code })

/** The TLVs a packet carries besides its LANs, in the order they are written: [type, u32 words or u16 value]. */
function extras(p: Packet): Array<[TlvType, readonly number[], 2 | 4]> {
  const out: Array<[TlvType, readonly number[], 2 | 4]> = []
  if (p.down.length > 0) out.push([TlvType.Down, p.down, 4])
  if (p.answer.length > 0) out.push([TlvType.Answer, p.answer, 4])
  if (p.cluster !== 0) out.push([TlvType.Cluster, [p.cluster], 4])
  if (p.heard !== undefined) out.push([TlvType.Heard, [p.heard], 2])
  if (p.overloadMs !== undefined) out.push([TlvType.Overload, [p.overloadMs], 2])
  if (p.downTotal !== undefined) out.push([TlvType.DownTotal, [p.downTotal], 2])
  return out
}

/** Throws RangeError where decode would refuse the packet (the sizes and numbers are left to the writer). */
function check(p: Packet): void {
  const bad = (why: string): never => {
    throw new RangeError(why)
  }
  if (p.from === 0) bad('sender id 0')
  if ((p.kind === 'ack') !== (p.to !== 0)) bad(`a ${p.kind} to ${p.to}`)
  if (p.kind !== 'inq' && (p.answerAll || p.answer.length > 0)) bad(`a ${p.kind} asks for answers`)
  if (p.lans.length < 1 || p.lans.length > MAX_LANS) bad(`${p.lans.length} LANs`)
  const slots = new Set(p.lans.map((l) => l.slot))
  if (slots.size !== p.lans.length || !slots.has(p.slot)) bad(`slot ${p.slot} among LAN slots ${[...slots]}`)
  if (p.down.includes(0) || p.answer.includes(0)) bad('node id 0 in a list')
  const on = p.downOn ?? []
  if (on.length > 0 && p.kind === 'ack') bad('down lists of other LANs in an ACK')
  if (new Set(on.map((d) => d.slot)).size !== on.length) bad('a LAN down list twice')
  for (const d of on) {
    if (d.slot === p.slot || !slots.has(d.slot)) bad(`a down list for slot ${d.slot}`)
    if (d.ids.includes(0)) bad('node id 0 in a list')
  }
  const services = p.services ?? []
  if (services.length > MAX_SERVICES) bad(`${services.length} service addresses`)
  for (const s of services) if (!slots.has(s.slot)) bad(`a service address on slot ${s.slot}`)
}

/** Encode a packet as v2, signed with `key` if given; throws RangeError only on a packet this program built wrong. */
export function encodeV2(p: Packet, key?: WireKey): Buffer {
  check(p)
  const more = extras(p)
  const downOn = p.downOn ?? []
  const services = p.services ?? []
  const size =
    HEADER_SIZE_2 +
    p.lans.reduce((n, l) => n + TLV_HEADER_SIZE + lanValueSize(l), 0) +
    more.reduce((n, [, values, width]) => n + TLV_HEADER_SIZE + width * values.length, 0) +
    downOn.reduce((n, d) => n + TLV_HEADER_SIZE + DOWN_ON_FIXED + 4 * d.ids.length, 0) +
    services.reduce((n, s) => n + TLV_HEADER_SIZE + serviceValueSize(s), 0) +
    (key ? TRAILER_SIZE : 0)
  if (size > MAX_PACKET_SIZE) throw new RangeError(`${size} bytes, more than ${MAX_PACKET_SIZE}`)
  const w = new ByteWriter(size)
  w.u16(MAGIC).u8(VERSION_2).u8(TYPE_OF[p.kind]).u32(p.from).u32(p.boot).u32(p.seq).u32(p.to)
  w.u16(p.intervalMs)
    .u8(p.slot)
    .u8((p.answerAll ? FLAG_ANSWER_ALL : 0) | (key ? FLAG_SIGNED : 0))
  for (const lan of p.lans) writeLan(w, lan)
  for (const [type, values, width] of more) {
    w.tlv(type, width * values.length)
    for (const v of values) width === 4 ? w.u32(v) : w.u16(v)
  }
  for (const d of downOn) {
    w.tlv(TlvType.DownOn, DOWN_ON_FIXED + 4 * d.ids.length)
    w.u8(d.slot).u8(0).u8(0).u8(0)
    for (const id of d.ids) w.u32(id)
  }
  for (const s of services) writeService(w, s)
  if (key) {
    w.u8(key.id)
    mac(key, w.buf.subarray(0, w.offset)).copy(w.buf, w.offset)
  }
  return w.buf
}

/**
 * Where the TLVs end, once the envelope is sound: magic, version, size, flags, and the MAC checked
 * before any other field is read. With `keys` only signed packets pass; without, only unsigned.
 */
function bodyEnd(b: Buffer, keys: readonly WireKey[]): number | PacketDecodeError {
  if (b.length < HEADER_SIZE_2) return 'ERR_TOO_SHORT'
  if (b.readUInt16BE(0) !== MAGIC) return 'ERR_BAD_MAGIC'
  if (b[2] !== VERSION_2) return 'ERR_BAD_VERSION'
  if (b.length > MAX_PACKET_SIZE) return 'ERR_BAD_LENGTH'
  const flags = b[23]!
  if ((flags & ~KNOWN_FLAGS_2) !== 0) return 'ERR_BAD_FLAGS'
  const signed = (flags & FLAG_SIGNED) !== 0
  if (signed && b.length < HEADER_SIZE_2 + TRAILER_SIZE) return 'ERR_BAD_LENGTH'
  if (signed !== keys.length > 0) return signed ? 'ERR_UNEXPECTED_AUTH' : 'ERR_NO_AUTH'
  return signed ? signedEnd(b, keys) : b.length
}

/**
 * Where the TLVs of a signed datagram end, once its MAC is found good with the key its trailer
 * names: the check decode makes, also made alone on a routine INQ, known by its bytes (routine-inq.ts).
 */
export function signedEnd(b: Buffer, keys: readonly WireKey[]): number | PacketDecodeError {
  const at = b.length - TRAILER_SIZE
  const key = keys.find((k) => k.id === b[at])
  if (!key) return 'ERR_UNKNOWN_KEY'
  if (!timingSafeEqual(mac(key, b.subarray(0, at + 1)), b.subarray(at + 1))) return 'ERR_BAD_AUTH'
  return at
}

/**
 * Decode a v2 datagram. Never throws: every length is checked before it is read, the MAC before
 * any field past the envelope is trusted. A TLV of a type this decoder does not know is skipped,
 * unless it is marked critical (ERR_UNKNOWN_CRITICAL).
 */
export function decodeV2(buf: Uint8Array, keys: readonly WireKey[] = []): PacketResult {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length)
  const end = bodyEnd(b, keys)
  if (typeof end === 'string') return fail(end)
  const kind = KIND_OF[b[3]!]
  if (!kind) return fail('ERR_BAD_TYPE')
  const answerAll = (b[23]! & FLAG_ANSWER_ALL) !== 0
  if (answerAll && kind !== 'inq') return fail('ERR_BAD_FLAGS')
  const from = b.readUInt32BE(4)
  const to = b.readUInt32BE(16)
  if (from === 0 || (kind === 'ack') !== (to !== 0)) return fail('ERR_BAD_NODE')
  const body = readBody(b, end, kind)
  if (typeof body === 'string') return fail(body)
  const slot = b[22]!
  if (!hasSlot(body.lans, slot)) return fail('ERR_BAD_LAN')
  // A down list for another LAN must name one of the sender's LANs, not this packet's own.
  if (body.downOn?.some((d) => d.slot === slot || !hasSlot(body.lans, d.slot))) return fail('ERR_BAD_LAN')
  // A service address is held on one of the sender's LANs.
  if (body.services?.some((s) => !hasSlot(body.lans, s.slot))) return fail('ERR_BAD_LAN')
  const packet: { -readonly [K in keyof Packet]: Packet[K] } = {
    version: 2,
    kind,
    from,
    boot: b.readUInt32BE(8),
    seq: b.readUInt32BE(12),
    to,
    intervalMs: b.readUInt16BE(20),
    slot,
    answerAll,
    answer: body.answer,
    lans: body.lans,
    down: body.down,
    cluster: body.cluster,
  }
  // In this order whatever order the TLVs came in, so that equal packets print the same.
  if (body.heard !== undefined) packet.heard = body.heard
  if (body.overloadMs !== undefined) packet.overloadMs = body.overloadMs
  if (body.downTotal !== undefined) packet.downTotal = body.downTotal
  if (body.downOn) packet.downOn = body.downOn
  if (body.services) packet.services = body.services
  return { ok: true, packet }
}
