// Wire format 2's body: the TLVs between the header and the trailer, read into a packet's fields.
import { HEADER_SIZE_2, MAX_LANS, TlvType } from './constants.js'
import { readLan } from './lan-tlv.js'
import type { Packet, PacketDecodeError, PacketKind, PacketLan, PacketService } from './packet.js'
import { readService } from './service-tlv.js'
import { scanTlvs } from './tlv.js'

/** DOWN-ON: u8 slot and 3 reserved bytes before the ids. */
export const DOWN_ON_FIXED = 4

export function hasSlot(lans: readonly PacketLan[], slot: number): boolean {
  for (const l of lans) if (l.slot === slot) return true
  return false
}

/** What the TLVs say; DOWN-ON and SERVICE only when the packet has them (few do). */
export type Body = Pick<Packet, 'lans' | 'down' | 'answer' | 'cluster' | 'heard' | 'overloadMs' | 'downTotal'> & {
  readonly downOn?: Array<{ slot: number; ids: readonly number[] }>
  readonly services?: PacketService[]
}
/** An empty down or answer list: most packets have one, and share it. */
const NO_IDS: readonly number[] = Object.freeze([])

type Into = { -readonly [K in keyof Body]: Body[K] } & { lans: PacketLan[] }

/** Reads one known TLV's value b[at, at + length) into the body; returns why not, if it cannot. */
type Reader = (b: Buffer, at: number, length: number, into: Into, kind: PacketKind) => PacketDecodeError | undefined

/** Store a value read, or pass on why it could not be. */
function put<T extends number | readonly number[]>(
  v: T | PacketDecodeError,
  store: (v: T) => void,
): PacketDecodeError | undefined {
  if (typeof v === 'string') return v
  store(v)
  return undefined
}

const u16 = (b: Buffer, at: number, length: number): number | PacketDecodeError =>
  length === 2 ? b.readUInt16BE(at) : 'ERR_BAD_LENGTH'

/** One more LAN: at most 16, each slot once. */
function addLan(b: Buffer, at: number, length: number, into: Into): PacketDecodeError | undefined {
  const lan = readLan(b, at, length)
  if (typeof lan === 'string') return lan
  if (into.lans.length === MAX_LANS || hasSlot(into.lans, lan.slot)) return 'ERR_BAD_LAN'
  into.lans.push(lan)
  return undefined
}

/** One more DOWN-ON: in an INQ or notice, each slot once. */
function addDownOn(b: Buffer, at: number, length: number, into: Into, kind: PacketKind): PacketDecodeError | undefined {
  if (kind === 'ack') return 'ERR_BAD_TLV'
  if (length < DOWN_ON_FIXED) return 'ERR_BAD_LENGTH'
  const slot = b[at]!
  if (b[at + 1] !== 0 || b[at + 2] !== 0 || b[at + 3] !== 0) return 'ERR_BAD_TLV'
  const downOn = (into.downOn ??= [])
  if (downOn.length === MAX_LANS || downOn.some((d) => d.slot === slot)) return 'ERR_BAD_TLV'
  const ids = readIds(b, at + DOWN_ON_FIXED, length - DOWN_ON_FIXED)
  if (typeof ids === 'string') return ids
  downOn.push({ slot, ids })
  return undefined
}

const READERS: Readonly<Record<number, Reader | undefined>> = {
  [TlvType.Lan]: addLan,
  [TlvType.Down]: (b, at, length, into) => put(readIds(b, at, length), (ids) => (into.down = ids)),
  [TlvType.Answer]: (b, at, length, into, kind) =>
    kind === 'inq' ? put(readIds(b, at, length), (ids) => (into.answer = ids)) : 'ERR_BAD_TLV',
  [TlvType.Cluster]: (b, at, length, into) =>
    length !== 4 ? 'ERR_BAD_LENGTH' : (into.cluster = b.readUInt32BE(at)) === 0 ? 'ERR_BAD_TLV' : undefined,
  [TlvType.Heard]: (b, at, length, into) => put(u16(b, at, length), (n) => (into.heard = n)),
  [TlvType.Overload]: (b, at, length, into) => put(u16(b, at, length), (n) => (into.overloadMs = n)),
  [TlvType.DownOn]: addDownOn,
  [TlvType.Service]: (b, at, length, into) => readService(b, at, length, (into.services ??= [])),
  [TlvType.DownTotal]: (b, at, length, into) => put(u16(b, at, length), (n) => (into.downTotal = n)),
}

/** TLV types a packet may carry more than once: one per LAN or per address. */
const REPEATS: ReadonlySet<number> = new Set([TlvType.Lan, TlvType.DownOn, TlvType.Service])

/** The TLVs between the header and `end`, read into the packet's fields. */
export function readBody(b: Buffer, end: number, kind: PacketKind): Body | PacketDecodeError {
  const into: Into = { lans: [], down: NO_IDS, answer: NO_IDS, cluster: 0 }
  let seen = 0 // bit t: a TLV of known type t (other than those that repeat) was read
  const error = scanTlvs<PacketDecodeError>(b, HEADER_SIZE_2, end, (type, critical, at, length) => {
    const reader = READERS[type]
    if (!reader) return critical ? 'ERR_UNKNOWN_CRITICAL' : undefined
    if (!REPEATS.has(type)) {
      if (seen & (1 << type)) return 'ERR_DUPLICATE_TLV'
      seen |= 1 << type
    }
    return reader(b, at, length, into, kind)
  })
  return error ?? into
}

/** A list of non-zero u32 node ids filling b[at, at + length). */
function readIds(b: Buffer, at: number, length: number): number[] | PacketDecodeError {
  if (length % 4 !== 0) return 'ERR_BAD_LENGTH'
  const out: number[] = []
  for (let p = at; p < at + length; p += 4) {
    const id = b.readUInt32BE(p)
    if (id === 0) return 'ERR_BAD_NODE'
    out.push(id)
  }
  return out
}
