// A datagram that repeats its sender's last one on a LAN but for the sequence number: decoded and paired once.
//
// A peer's INQs differ from one interval to the next only in their sequence number until something
// changes (a path, an answer list, an address), and at 1000 peers that is 20,000 datagrams a second
// decoded and paired again into the same message. So the last unsigned v2 datagram from each
// sender and LAN is kept with its message, and one that matches it byte for byte outside the
// sequence number gets that message with the new number. Signed datagrams always go the long way
// (their HMAC differs every time and must be checked), and so does anything after this host's own
// LANs changed, since pairing reads them.
import type { Message } from '../wire/codec.js'
import { FLAG_SIGNED, HEADER_SIZE_2, VERSION_2 } from '../wire/constants.js'
import type { Packet } from '../wire/packet.js'
import type { OwnLan } from './pairing.js'

/** Senders and LANs kept; beyond it the record starts over. */
const MAX_SENDERS = 8192
/** Where a v2 header holds the sequence number: bytes [SEQ, SEQ + 4). */
const SEQ = 12
const FLAGS = 23

interface Last {
  readonly data: Uint8Array
  /** The decoded packet: its fields outside the sequence number are the datagram's. */
  readonly packet: Packet
  readonly msg: Message
}

export class Repeats {
  /** By sender and LAN. BOUNDED: MAX_SENDERS. */
  readonly #last = new Map<number, Last>()
  /** This host's LANs the kept messages were paired with. */
  #own: readonly OwnLan[] = []

  /** The packet and message of `data` if it repeats the last one kept from `src` on `lan`. */
  get(
    lan: number,
    src: number,
    data: Uint8Array,
    own: readonly OwnLan[],
  ): { packet: Packet; msg: Message } | undefined {
    if (!sameLans(own, this.#own)) {
      this.#last.clear()
      this.#own = [...own]
      return undefined
    }
    const last = this.#last.get(key(lan, src))
    if (!last || !repeats(data, last.data)) return undefined
    const seq = ((data[SEQ]! << 24) | (data[SEQ + 1]! << 16) | (data[SEQ + 2]! << 8) | data[SEQ + 3]!) >>> 0
    return { packet: last.packet, msg: { ...last.msg, seq } }
  }

  /** Keep what `data`, an accepted datagram, decoded and paired to (only an unsigned v2 one is kept). */
  set(lan: number, src: number, data: Uint8Array, packet: Packet, msg: Message): void {
    if (data.length < HEADER_SIZE_2 || data[2] !== VERSION_2 || (data[FLAGS]! & FLAG_SIGNED) !== 0) return
    const k = key(lan, src)
    if (!this.#last.has(k) && this.#last.size >= MAX_SENDERS) this.#last.clear()
    this.#last.set(k, { data, packet, msg })
  }

  clear(): void {
    this.#last.clear()
  }
}

/** A LAN index is below 16 and an address below 2^32: the key stays an exact integer. */
const key = (lan: number, src: number): number => src * 16 + lan

/** Same length and bytes, the sequence number aside. */
function repeats(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && (i < SEQ || i >= SEQ + 4)) return false
  return true
}

function sameLans(a: readonly OwnLan[], b: readonly OwnLan[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
