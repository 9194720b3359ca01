// TLVs of wire format 2: split a body into type-flags-length-value records, and write them.
//
// Each TLV: u8 type, u8 flags (bit 7 critical, the rest 0), u16 value length, then the value.
// Type 0 is reserved: zero padding after the last TLV is refused rather than read as a TLV.
import { TLV_CRITICAL, TLV_HEADER_SIZE } from './constants.js'

/** One TLV as found: its type, whether it is critical, and where its value lies in the buffer. */
export interface Tlv {
  readonly type: number
  readonly critical: boolean
  /** Offset of the value's first byte. */
  readonly at: number
  readonly length: number
}

export type TlvError = 'ERR_BAD_LENGTH' | 'ERR_BAD_FLAGS' | 'ERR_BAD_TLV'

/** Told of each TLV in turn: its type, whether it is critical, where its value lies; returns why to stop, if it must. */
export type TlvVisitor<E> = (type: number, critical: boolean, at: number, length: number) => E | undefined

/**
 * Visit the TLVs of b[start, end) in order, with no object per TLV (the decoder reads tens of
 * thousands of packets a second at scale); stops at what cannot be read: a header or a value that
 * overruns the end (ERR_BAD_LENGTH), reserved flag bits (ERR_BAD_FLAGS), type 0 (ERR_BAD_TLV), or
 * at what `visit` returns.
 */
export function scanTlvs<E>(b: Buffer, start: number, end: number, visit: TlvVisitor<E>): E | TlvError | undefined {
  let at = start
  while (at < end) {
    if (end - at < TLV_HEADER_SIZE) return 'ERR_BAD_LENGTH'
    const type = b[at]!
    const flags = b[at + 1]!
    const length = b.readUInt16BE(at + 2)
    if (end - at - TLV_HEADER_SIZE < length) return 'ERR_BAD_LENGTH'
    if ((flags & ~TLV_CRITICAL) !== 0) return 'ERR_BAD_FLAGS'
    if (type === 0) return 'ERR_BAD_TLV'
    const stop = visit(type, flags === TLV_CRITICAL, at + TLV_HEADER_SIZE, length)
    if (stop !== undefined) return stop
    at += TLV_HEADER_SIZE + length
  }
  return undefined
}

/** The TLVs of b[start, end), in order; or why they cannot be read (see scanTlvs). */
export function readTlvs(b: Buffer, start: number, end: number): Tlv[] | TlvError {
  const out: Tlv[] = []
  const error = scanTlvs<never>(
    b,
    start,
    end,
    (type, critical, at, length) => void out.push({ type, critical, at, length }),
  )
  return error ?? out
}

/**
 * Writes big-endian fields into a buffer sized beforehand. Node's writers throw RangeError on a
 * value out of range or a write past the end: what encode promises for a message built wrong.
 */
export class ByteWriter {
  readonly buf: Buffer
  #at = 0

  constructor(size: number) {
    this.buf = Buffer.alloc(size)
  }

  get offset(): number {
    return this.#at
  }

  u8(v: number): this {
    this.#at = this.buf.writeUInt8(v, this.#at)
    return this
  }

  u16(v: number): this {
    this.#at = this.buf.writeUInt16BE(v, this.#at)
    return this
  }

  u32(v: number): this {
    this.#at = this.buf.writeUInt32BE(v, this.#at)
    return this
  }

  bytes(v: Uint8Array): this {
    if (this.#at + v.length > this.buf.length) throw new RangeError('write past the end of the packet')
    this.buf.set(v, this.#at)
    this.#at += v.length
    return this
  }

  /** A TLV header; the caller writes exactly `length` bytes of value after it. */
  tlv(type: number, length: number, critical = false): this {
    return this.u8(type)
      .u8(critical ? TLV_CRITICAL : 0)
      .u16(length)
  }
}
