// Fuzz of wire format 2's decoder: random and mutated datagrams never make it throw, and what it accepts re-encodes.
import { createHmac } from 'node:crypto'
import t from 'tap'
import { TLV_HEADER_SIZE } from '../../../lib/core/wire/constants.js'
import type { WireKey } from '../../../lib/core/wire/message.js'
import { readTlvs, type Tlv } from '../../../lib/core/wire/tlv.js'
import { decodePacket } from '../../../lib/core/wire/v1-bridge.js'
import { decodeV2, encodeV2 } from '../../../lib/core/wire/v2.js'
import { ACK, bytes, DUAL_STACK, KEY, MIN_INQ, NOTICE, SIGNED } from './v2-vectors.js'

const CASES = 100_000
/** mulberry32, seeded: the same cases every run (a plain LCG in doubles loses its low bits past 2^53). */
let seed = 20261124
function rand(): number {
  seed = (seed + 0x6d2b79f5) >>> 0
  let x = Math.imul(seed ^ (seed >>> 15), seed | 1)
  x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
  return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32
}
const int = (n: number): number => Math.floor(rand() * n)
const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)))
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!

/** The golden packets the mutations start from; the signed one is read with KEY. */
const BASES = [MIN_INQ, ACK, NOTICE, DUAL_STACK, SIGNED].map((h) => ({ base: bytes(h), signed: h === SIGNED }))
const TRAILER = 33

/** The TLVs of a valid unsigned body, each as its own bytes. */
const tlvsOf = (b: Buffer, end: number): Buffer[] =>
  (readTlvs(b, 24, end) as Tlv[]).map((x) => b.subarray(x.at - TLV_HEADER_SIZE, x.at + x.length))

/** A TLV of a type, flags and length that may or may not make sense. */
function randomTlv(): Buffer {
  const value = randomBytes(int(24))
  const flags = pick([0, 0, 0x80, int(256)])
  const head = Buffer.from([pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 127, 200, 255]), flags, 0, 0])
  head.writeUInt16BE(rand() < 0.9 ? value.length : int(64), 2)
  return Buffer.concat([head, value])
}

/** Rearrange a valid packet's TLVs: insert a random one, repeat, drop or swap one, or bend a length. */
function mutateTlvs(base: Buffer, end: number): Buffer {
  const tlvs = tlvsOf(base, end)
  const at = int(tlvs.length + 1)
  switch (int(5)) {
    case 0:
      tlvs.splice(at, 0, randomTlv())
      break
    case 1:
      tlvs.splice(at, 0, pick(tlvs))
      break
    case 2:
      tlvs.splice(int(tlvs.length), 1)
      break
    case 3: {
      const j = int(tlvs.length)
      ;[tlvs[0], tlvs[j]] = [tlvs[j]!, tlvs[0]!]
      break
    }
    default: {
      const x = Buffer.from(pick(tlvs))
      x.writeUInt16BE(Math.max(0, x.readUInt16BE(2) + int(9) - 4), 2)
      tlvs[int(tlvs.length)] = x
    }
  }
  return Buffer.concat([base.subarray(0, 24), ...tlvs])
}

function sign(b: Buffer, key: WireKey): Buffer {
  const body = Buffer.concat([b, Buffer.from([key.id])])
  return Buffer.concat([body, createHmac('sha256', key.secret).update(body).digest()])
}

/** One fuzz case: the datagram, and the keys the receiver holds. */
function fuzzCase(i: number): { b: Buffer; keys: WireKey[] } {
  const { base, signed } = BASES[i % BASES.length]!
  const keys = signed ? [KEY] : []
  const body = signed ? base.subarray(0, base.length - TRAILER) : base
  switch (Math.floor(i / BASES.length) % 5) {
    case 0: // random bytes: most fail the magic, so half keep a valid header
      return {
        b: rand() < 0.5 ? randomBytes(int(96)) : Buffer.concat([base.subarray(0, 24), randomBytes(int(64))]),
        keys,
      }
    case 1: {
      // a valid packet with a few bytes changed
      const b = Buffer.from(base)
      for (let k = 0; k <= int(3); k++) b[int(b.length)] = int(256)
      return { b, keys }
    }
    case 2: // truncated or extended
      return {
        b: rand() < 0.5 ? base.subarray(0, int(base.length)) : Buffer.concat([base, randomBytes(1 + int(8))]),
        keys,
      }
    case 3: {
      // header fields changed: type, to, slot, flags (signed again, so the MAC holds)
      const b = Buffer.from(body)
      b[3] = int(5)
      if (rand() < 0.3) b.writeUInt32BE(rand() < 0.5 ? 0 : 9, 16)
      b[22] = int(4)
      b[23] = signed ? 2 | int(2) : int(4)
      return { b: signed ? sign(b, KEY) : b, keys }
    }
    default: {
      // the TLVs rearranged (signed again, so the receiver reads the body)
      const b = mutateTlvs(body, body.length)
      return { b: signed ? sign(b, KEY) : b, keys }
    }
  }
}

/** True when b is what encodeV2 writes: LANs first, then known types once each in order, no critical bit, no empty list. */
function canonical(b: Buffer, signed: boolean): boolean {
  const tlvs = readTlvs(b, 24, b.length - (signed ? TRAILER : 0)) as Tlv[]
  const types = tlvs.map((x) => x.type)
  const lans = types.filter((x) => x === 1).length
  return (
    types.every((x, k) => (k < lans ? x === 1 : x > 1 && x <= 6 && x > types[k - 1]!)) &&
    tlvs.every((x) => !x.critical && (x.length > 0 || (x.type !== 2 && x.type !== 3)))
  )
}

t.test(`fuzz: ${CASES.toLocaleString('en')} random and mutated datagrams`, async (t) => {
  const counts = new Map<string, number>()
  const bad: string[] = []
  let canonicalAccepted = 0
  let otherAccepted = 0
  for (let i = 0; i < CASES; i++) {
    const { b, keys } = fuzzCase(i)
    const report = (why: string) => bad.length < 5 && bad.push(`${why}: ${b.toString('hex')}`)
    try {
      decodePacket(b, keys)
      const r = decodeV2(b, keys)
      counts.set(r.ok ? 'ok' : r.code, (counts.get(r.ok ? 'ok' : r.code) ?? 0) + 1)
      if (!r.ok) continue
      const again = encodeV2(r.packet, keys[0])
      const back = decodeV2(again, keys)
      if (!back.ok || JSON.stringify(back.packet) !== JSON.stringify(r.packet)) report('re-encodes to another packet')
      if (canonical(b, keys.length > 0)) {
        canonicalAccepted++
        if (!again.equals(b)) report('re-encodes to other bytes')
      } else otherAccepted++
    } catch (e) {
      report(`threw ${e}`)
    }
  }
  t.same(
    bad,
    [],
    'decode never throws; what it accepts re-encodes to the same packet, and to the same bytes when canonical',
  )
  t.ok(canonicalAccepted > 1000, `canonical packets accepted and re-encoded byte for byte (${canonicalAccepted})`)
  t.ok(otherAccepted > 100, `accepted with unknown TLVs, another order or critical bits (${otherAccepted})`)
  t.ok(counts.size >= 16, `${counts.size - 1} decode errors reached`)
  t.ok((counts.get('ERR_BAD_AUTH') ?? 0) > 1000, 'changed signed packets are caught by the MAC')
  t.comment([...counts].map(([k, v]) => `${k} ${v}`).join(', '))
})
