// Wire format 1's codec: INQ/ACK messages to bytes and back in its fixed layout (v2.ts is format 2's).
//
// Layout (big-endian), specified in README "Wire format":
//   0  u16 magic 0xFA1D        2  u8 version (1)        3  u8 type (1 INQ, 2 ACK)
//   4  u32 sender node id      8  u32 sender boot id
//  12  u8  LAN index          13  u8 flags (bit 0: sender is a requestor)
//  14  u16 requestor interval in ms (0 when the sender sends no INQs)
//  16  u32 sequence number (an ACK echoes the INQ's)
//  20  u32 target node id (ACK: the requestor answered; INQ: 0)
//  24  u8  address count N    25  u8 out-of-service mask  26  u16 down count M
//  28  N x u32 the sender's address on LAN 0..N-1 (0 = none)
//  28+4N  M x u32 node ids the sender currently does not hear on this LAN
//  then, if flag bit 1: u32 cluster tag; if flag bit 2: u8 key id and 32 bytes of HMAC-SHA256
//  over every byte before the tag (key id included).
// The out-of-service mask has bit i set while the sender's LAN i (i < 8) has no carrier or is offline.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { HEADER_SIZE, MAGIC, MAX_DOWN_IDS, MAX_LANS, VERSION } from './constants.js'
import type { DecodeError, DecodeResult, Message, WireKey } from './message.js'

export enum MessageType {
  Inq = 1,
  Ack = 2,
}

const FLAG_REQUESTOR = 0x01
const FLAG_CLUSTER = 0x02
const FLAG_AUTH = 0x04
const KNOWN_FLAGS = FLAG_REQUESTOR | FLAG_CLUSTER | FLAG_AUTH
export const MAC_SIZE = 32
const AUTH_SIZE = 1 + MAC_SIZE

const fail = (code: DecodeError): DecodeResult => ({ ok: false, code })

const mac = (key: WireKey, data: Uint8Array): Buffer => createHmac('sha256', key.secret).update(data).digest()

/** Encode a message, signed with `key` if given; throws only on a message this program built wrong. */
export function encode(msg: Message, key?: WireKey): Buffer {
  const n = msg.addresses.length
  const m = msg.down.length
  if (n < 1 || n > MAX_LANS || msg.lan >= n) throw new RangeError(`bad LAN count ${n} / index ${msg.lan}`)
  if (m > MAX_DOWN_IDS) throw new RangeError(`down list of ${m} exceeds ${MAX_DOWN_IDS}`)
  if (msg.outOfService >>> n !== 0 || msg.outOfService > 0xff)
    throw new RangeError(`out-of-service mask ${msg.outOfService} beyond ${n} LANs`)
  const body = HEADER_SIZE + 4 * (n + m)
  const tagged = msg.cluster !== 0
  const buf = Buffer.alloc(body + (tagged ? 4 : 0) + (key ? AUTH_SIZE : 0))
  buf.writeUInt16BE(MAGIC, 0)
  buf.writeUInt8(VERSION, 2)
  buf.writeUInt8(msg.kind === 'inq' ? MessageType.Inq : MessageType.Ack, 3)
  buf.writeUInt32BE(msg.from, 4)
  buf.writeUInt32BE(msg.boot, 8)
  buf.writeUInt8(msg.lan, 12)
  buf.writeUInt8((msg.intervalMs > 0 ? FLAG_REQUESTOR : 0) | (tagged ? FLAG_CLUSTER : 0) | (key ? FLAG_AUTH : 0), 13)
  buf.writeUInt16BE(msg.intervalMs, 14)
  buf.writeUInt32BE(msg.seq, 16)
  buf.writeUInt32BE(msg.kind === 'ack' ? msg.to : 0, 20)
  buf.writeUInt8(n, 24)
  buf.writeUInt8(msg.outOfService, 25)
  buf.writeUInt16BE(m, 26)
  msg.addresses.forEach((a, i) => buf.writeUInt32BE(a, HEADER_SIZE + 4 * i))
  msg.down.forEach((id, i) => buf.writeUInt32BE(id, HEADER_SIZE + 4 * (n + i)))
  if (tagged) buf.writeUInt32BE(msg.cluster, body)
  if (key) {
    const at = buf.length - AUTH_SIZE
    buf.writeUInt8(key.id, at)
    mac(key, buf.subarray(0, at + 1)).copy(buf, at + 1)
  }
  return buf
}

/**
 * Decode a datagram. With `keys`, only packets signed by one of them are accepted; without,
 * only unsigned ones. Never throws: every length is checked before it is read, and the tag
 * before any field is trusted.
 */
export function decode(buf: Uint8Array, keys: readonly WireKey[] = []): DecodeResult {
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
  const outOfService = b.readUInt8(25)
  if (n < 1 || n > MAX_LANS || m > MAX_DOWN_IDS || outOfService >>> n !== 0) return fail('ERR_BAD_COUNT')
  const body = HEADER_SIZE + 4 * (n + m)
  const tagged = (flags & FLAG_CLUSTER) !== 0
  const signed = (flags & FLAG_AUTH) !== 0
  if (b.length !== body + (tagged ? 4 : 0) + (signed ? AUTH_SIZE : 0)) return fail('ERR_BAD_LENGTH')
  if (signed !== keys.length > 0) return fail(signed ? 'ERR_UNEXPECTED_AUTH' : 'ERR_NO_AUTH')
  if (signed) {
    const at = b.length - AUTH_SIZE
    const key = keys.find((k) => k.id === b.readUInt8(at))
    if (!key) return fail('ERR_UNKNOWN_KEY')
    if (!timingSafeEqual(mac(key, b.subarray(0, at + 1)), b.subarray(at + 1))) return fail('ERR_BAD_AUTH')
  }
  const cluster = tagged ? b.readUInt32BE(body) : 0
  if (tagged && cluster === 0) return fail('ERR_BAD_FLAGS')
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
    outOfService,
    cluster,
  }
  return { ok: true, msg: type === MessageType.Inq ? { kind: 'inq', ...common } : { kind: 'ack', to, ...common } }
}

function readWords(b: Buffer, offset: number, count: number): number[] {
  const out: number[] = []
  for (let i = 0; i < count; i++) out.push(b.readUInt32BE(offset + 4 * i))
  return out
}

/** The 4-byte tag of a cluster name: two clusters on one LAN ignore each other. Never 0 (no tag). */
export function clusterTag(name: string): number {
  const h = createHmac('sha256', 'faild cluster').update(name, 'utf8').digest().readUInt32BE(0)
  return h === 0 ? 1 : h
}
