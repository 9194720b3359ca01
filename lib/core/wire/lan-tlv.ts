// The LAN TLV of wire format 2: one of the sender's LANs, its state, name tag and addresses.
//
// Value: u8 slot, u8 state (bit 0 out of service, bit 1 preferred detour), u8 address count K
// (1-4), u8 reserved 0, u32 name tag, then K x (u8 family 4|6, u8 prefix length, 4|16 bytes).
import { BoundedCache } from '../util/bounded-cache.js'
import { formatIPv4 } from '../util/ipv4.js'
import { mapKey } from '../util/map-key.js'
import { addressSize, type Family, formatAddress, maxPrefix, parseAddress } from './address.js'
import {
  KNOWN_LAN_STATE,
  LAN_FIXED_SIZE,
  LAN_OUT_OF_SERVICE,
  LAN_PREFERRED,
  MAX_ADDRESSES_PER_LAN,
  MAX_LANS,
  TlvType,
} from './constants.js'
import type { LanAddress, PacketDecodeError, PacketLan } from './packet.js'
import type { ByteWriter } from './tlv.js'

/** The value length of a LAN's TLV. */
export const lanValueSize = (lan: PacketLan): number =>
  LAN_FIXED_SIZE + lan.addresses.reduce((n, a) => n + 2 + addressSize(a.family), 0)

/** Write a LAN's TLV; throws RangeError on a LAN this program built wrong. */
export function writeLan(w: ByteWriter, lan: PacketLan): void {
  const k = lan.addresses.length
  if (lan.slot < 0 || lan.slot >= MAX_LANS) throw new RangeError(`LAN slot ${lan.slot} beyond ${MAX_LANS - 1}`)
  if (k < 1 || k > MAX_ADDRESSES_PER_LAN) throw new RangeError(`LAN slot ${lan.slot} has ${k} addresses`)
  const state = (lan.outOfService ? LAN_OUT_OF_SERVICE : 0) | (lan.preferred ? LAN_PREFERRED : 0)
  w.tlv(TlvType.Lan, lanValueSize(lan)).u8(lan.slot).u8(state).u8(k).u8(0).u32(lan.nameTag)
  for (const a of lan.addresses) writeAddress(w, a)
}

/** Write an address entry (u8 family, u8 prefix, its bytes); throws RangeError on one this program built wrong. */
export function writeAddress(w: ByteWriter, a: LanAddress): void {
  w.u8(a.family).u8(a.prefix).bytes(addressBytes(a))
}

function addressBytes(a: LanAddress): Uint8Array {
  if (!Number.isInteger(a.prefix) || a.prefix < 0 || a.prefix > maxPrefix(a.family))
    throw new RangeError(`prefix /${a.prefix} for ${a.address}`)
  // An entry made by ipv4Entry: its u32 is the address already, no text to parse (every ACK sent).
  if (a.u32 !== undefined && a.u32 !== 0) return u32Bytes(a.u32)
  const parsed = parseAddress(a.address)
  if (!parsed || parsed.family !== a.family) throw new RangeError(`not an IPv${a.family} address: ${a.address}`)
  if (parsed.bytes.every((x) => x === 0)) throw new RangeError(`unspecified address ${a.address}`)
  return parsed.bytes
}

const u32Bytes = (v: number): Uint8Array => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)

/**
 * Read a LAN TLV's value b[at, at + length). Refuses a slot beyond 15 (ERR_BAD_LAN), reserved
 * bits (ERR_BAD_FLAGS), a count outside 1-4 (ERR_BAD_COUNT), an unknown family, a prefix too long
 * or the unspecified address (ERR_BAD_ADDRESS), and a length other than the entries' (ERR_BAD_LENGTH).
 */
export function readLan(b: Buffer, at: number, length: number): PacketLan | PacketDecodeError {
  if (length < LAN_FIXED_SIZE) return 'ERR_BAD_LENGTH'
  const slot = b[at]!
  const state = b[at + 1]!
  const k = b[at + 2]!
  if (slot >= MAX_LANS) return 'ERR_BAD_LAN'
  if ((state & ~KNOWN_LAN_STATE) !== 0 || b[at + 3] !== 0) return 'ERR_BAD_FLAGS'
  if (k < 1 || k > MAX_ADDRESSES_PER_LAN) return 'ERR_BAD_COUNT'
  if (k === 1 && length === LAN_FIXED_SIZE + 6 && b[at + LAN_FIXED_SIZE] === 4) return oneIPv4(b, at, slot, state)
  const end = at + length
  const addresses: LanAddress[] = []
  let p = at + LAN_FIXED_SIZE
  for (let i = 0; i < k; i++) {
    const a = readAddress(b, p, end)
    if (typeof a === 'string') return a
    addresses.push(a)
    p += 2 + addressSize(a.family)
  }
  if (p !== end) return 'ERR_BAD_LENGTH'
  return packetLan(slot, state, b.readUInt32BE(at + 4), addresses)
}

const packetLan = (slot: number, state: number, nameTag: number, addresses: readonly LanAddress[]): PacketLan => ({
  slot,
  outOfService: (state & LAN_OUT_OF_SERVICE) !== 0,
  preferred: (state & LAN_PREFERRED) !== 0,
  nameTag,
  addresses,
})

/** Bound of the two caches below. */
const MAX_READ = 8192

/**
 * LANs of one IPv4 address already read, by that address: nearly every LAN TLV is one, and a peer
 * says the same two every packet, so the same frozen LAN serves them all (no objects per packet).
 * BOUNDED: cleared at MAX_READ.
 */
const read1 = new BoundedCache<number, PacketLan>(MAX_READ)

/** A LAN TLV of one IPv4 address (readLan checked its header): as readLan reads it, from read1 where it can. */
function oneIPv4(b: Buffer, at: number, slot: number, state: number): PacketLan | PacketDecodeError {
  const prefix = b[at + LAN_FIXED_SIZE + 1]!
  const value = b.readUInt32BE(at + LAN_FIXED_SIZE + 2)
  if (prefix > 32 || value === 0) return 'ERR_BAD_ADDRESS'
  const nameTag = b.readUInt32BE(at + 4)
  const key = mapKey(value)
  const known = read1.get(key)
  if (known && same(known, slot, state, nameTag, prefix)) return known
  return read1.set(key, Object.freeze(packetLan(slot, state, nameTag, Object.freeze([ipv4Entry(value, prefix)]))))
}

function same(l: PacketLan, slot: number, state: number, nameTag: number, prefix: number): boolean {
  const flags = (l.outOfService ? LAN_OUT_OF_SERVICE : 0) | (l.preferred ? LAN_PREFERRED : 0)
  return l.slot === slot && flags === state && l.nameTag === nameTag && l.addresses[0]!.prefix === prefix
}

/**
 * IPv4 entries already made, by address: every packet of a peer names the same few, so the same
 * frozen entry (and its text, its hash computed once) serves them all and pairing looks it up
 * cheaply. BOUNDED: cleared at MAX_READ.
 */
const read4 = new BoundedCache<number, LanAddress>(MAX_READ)

/** The entry for IPv4 address `value` (a u32, not 0) with `prefix`: one object per address, its u32 kept. */
export function ipv4Entry(value: number, prefix: number): LanAddress {
  const key = mapKey(value)
  const known = read4.get(key)
  if (known?.prefix === prefix) return known
  // Its u32 is not enumerable: a cache of what the text says, not part of the packet as compared or printed.
  const entry: LanAddress = { family: 4 as const, prefix, address: formatIPv4(value) }
  return read4.set(key, Object.freeze(Object.defineProperty(entry, 'u32', { value })))
}

/**
 * Read an address entry at b[p] that must end by `end`: an unknown family, a prefix too long or
 * the unspecified address is ERR_BAD_ADDRESS, one cut short ERR_BAD_LENGTH.
 */
export function readAddress(b: Buffer, p: number, end: number): LanAddress | PacketDecodeError {
  if (end - p < 2) return 'ERR_BAD_LENGTH'
  const family = b[p]!
  const prefix = b[p + 1]!
  if (family !== 4 && family !== 6) return 'ERR_BAD_ADDRESS'
  if (prefix > maxPrefix(family)) return 'ERR_BAD_ADDRESS'
  const size = addressSize(family)
  if (end - p - 2 < size) return 'ERR_BAD_LENGTH'
  if (family === 4) {
    const value = b.readUInt32BE(p + 2)
    return value === 0 ? 'ERR_BAD_ADDRESS' : ipv4Entry(value, prefix)
  }
  const bytes = b.subarray(p + 2, p + 2 + size)
  if (bytes.every((x) => x === 0)) return 'ERR_BAD_ADDRESS'
  return { family: family as Family, prefix, address: formatAddress(family, bytes) }
}
