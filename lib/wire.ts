// The faild wire codec: the one place that turns INQ/ACK messages into bytes and back.
//
// Layout (big-endian), specified in README "Wire format":
//   0  u16 magic 0xFA1D        2  u8 version (1)        3  u8 type (1 INQ, 2 ACK)
//   4  u32 sender node id      8  u32 sender boot id
//  12  u8  LAN index          13  u8 flags (bit 0: sender is a requestor)
//  14  u16 requestor interval in ms (0 when the sender sends no INQs)
//  16  u32 sequence number (an ACK echoes the INQ's)
//  20  u32 target node id (ACK: the requestor answered; INQ: 0)
//  24  u8  address count N    25  u8 no-carrier mask     26  u16 down count M
//  28  N x u32 the sender's address on LAN 0..N-1 (0 = none)
//  28+4N  M x u32 node ids the sender currently does not hear on this LAN
// The no-carrier mask has bit i set while the sender's interface on LAN i (i < 8) has lost carrier.
import { HEADER_SIZE, MAGIC, MAX_DOWN_IDS, MAX_LANS, VERSION } from './constants.js'

export enum MessageType {
  Inq = 1,
  Ack = 2,
}

const FLAG_REQUESTOR = 0x01
const KNOWN_FLAGS = FLAG_REQUESTOR

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
  /** Bit i: the sender's interface on LAN i has no carrier (cable pulled), for LANs 0-7. */
  readonly noCarrier: number
}

export interface Inq extends Common {
  readonly kind: 'inq'
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

export type DecodeResult = { ok: true; msg: Message } | { ok: false; code: DecodeError }

const fail = (code: DecodeError): DecodeResult => ({ ok: false, code })

/** Encode a message; throws only on a message this program built wrong. */
export function encode(msg: Message): Buffer {
  const n = msg.addresses.length
  const m = msg.down.length
  if (n < 1 || n > MAX_LANS || msg.lan >= n) throw new RangeError(`bad LAN count ${n} / index ${msg.lan}`)
  if (m > MAX_DOWN_IDS) throw new RangeError(`down list of ${m} exceeds ${MAX_DOWN_IDS}`)
  if (msg.noCarrier >>> n !== 0 || msg.noCarrier > 0xff) throw new RangeError(`no-carrier mask ${msg.noCarrier} beyond ${n} LANs`)
  const buf = Buffer.alloc(HEADER_SIZE + 4 * (n + m))
  buf.writeUInt16BE(MAGIC, 0)
  buf.writeUInt8(VERSION, 2)
  buf.writeUInt8(msg.kind === 'inq' ? MessageType.Inq : MessageType.Ack, 3)
  buf.writeUInt32BE(msg.from, 4)
  buf.writeUInt32BE(msg.boot, 8)
  buf.writeUInt8(msg.lan, 12)
  buf.writeUInt8(msg.intervalMs > 0 ? FLAG_REQUESTOR : 0, 13)
  buf.writeUInt16BE(msg.intervalMs, 14)
  buf.writeUInt32BE(msg.seq, 16)
  buf.writeUInt32BE(msg.kind === 'ack' ? msg.to : 0, 20)
  buf.writeUInt8(n, 24)
  buf.writeUInt8(msg.noCarrier, 25)
  buf.writeUInt16BE(m, 26)
  msg.addresses.forEach((a, i) => buf.writeUInt32BE(a, HEADER_SIZE + 4 * i))
  msg.down.forEach((id, i) => buf.writeUInt32BE(id, HEADER_SIZE + 4 * (n + i)))
  return buf
}

/** Decode a datagram. Never throws: every length is checked before it is read. */
export function decode(buf: Uint8Array): DecodeResult {
  if (buf.length < HEADER_SIZE) return fail('ERR_TOO_SHORT')
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length)
  if (b.readUInt16BE(0) !== MAGIC) return fail('ERR_BAD_MAGIC')
  if (b.readUInt8(2) !== VERSION) return fail('ERR_BAD_VERSION')
  const type = b.readUInt8(3)
  if (type !== MessageType.Inq && type !== MessageType.Ack) return fail('ERR_BAD_TYPE')
  const flags = b.readUInt8(13)
  const intervalMs = b.readUInt16BE(14)
  if ((flags & ~KNOWN_FLAGS) !== 0 || (flags & FLAG_REQUESTOR) !== (intervalMs > 0 ? FLAG_REQUESTOR : 0)) {
    return fail('ERR_BAD_FLAGS')
  }
  const from = b.readUInt32BE(4)
  const to = b.readUInt32BE(20)
  if (from === 0 || (type === MessageType.Ack) !== (to !== 0)) return fail('ERR_BAD_NODE')
  const n = b.readUInt8(24)
  const m = b.readUInt16BE(26)
  const noCarrier = b.readUInt8(25)
  if (n < 1 || n > MAX_LANS || m > MAX_DOWN_IDS || noCarrier >>> n !== 0) return fail('ERR_BAD_COUNT')
  if (b.length !== HEADER_SIZE + 4 * (n + m)) return fail('ERR_BAD_LENGTH')
  const lan = b.readUInt8(12)
  const addresses = readWords(b, HEADER_SIZE, n)
  if (lan >= n || addresses[lan] === 0) return fail('ERR_BAD_LAN')
  const common = {
    from,
    boot: b.readUInt32BE(8),
    lan,
    seq: b.readUInt32BE(16),
    intervalMs,
    addresses,
    down: readWords(b, HEADER_SIZE + 4 * n, m),
    noCarrier,
  }
  return { ok: true, msg: type === MessageType.Inq ? { kind: 'inq', ...common } : { kind: 'ack', to, ...common } }
}

function readWords(b: Buffer, offset: number, count: number): number[] {
  const out: number[] = []
  for (let i = 0; i < count; i++) out.push(b.readUInt32BE(offset + 4 * i))
  return out
}
