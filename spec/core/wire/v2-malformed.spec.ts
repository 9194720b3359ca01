// Wire format 2's malformed table: every decode error code, each reached by one specific byte string.
import { createHmac } from 'node:crypto'
import t from 'tap'
import type { WireKey } from '../../../lib/core/wire/message.js'
import type { PacketDecodeError } from '../../../lib/core/wire/packet.js'
import { decodeV2 } from '../../../lib/core/wire/v2.js'
import { bytes, hex, KEY, MIN_INQ, minInq, OTHER_KEY, SIGNED } from './v2-vectors.js'

/** A header: the smallest INQ's fields, with `o` on top (offsets as in v2.ts). */
function head(o: { version?: number; type?: number; from?: number; to?: number; slot?: number; flags?: number } = {}) {
  const b = Buffer.alloc(24)
  b.writeUInt16BE(0xfa1d, 0)
  b[2] = o.version ?? 2
  b[3] = o.type ?? 1
  b.writeUInt32BE(o.from ?? 0xc6120101, 4)
  b.writeUInt32BE(0x01020304, 8)
  b.writeUInt32BE(7, 12)
  b.writeUInt32BE(o.to ?? 0, 16)
  b.writeUInt16BE(100, 20)
  b[22] = o.slot ?? 0
  b[23] = o.flags ?? 0
  return b.toString('hex')
}
const ACK_HEAD = head({ type: 2, to: 0xc6120102 })
const NOTICE_HEAD = head({ type: 3 })

const byte = (n: number, width = 1): string => n.toString(16).padStart(2 * width, '0')
/** A TLV: type, flags, the value's length, the value. */
const tlv = (type: number, value: string, flags = 0): string =>
  byte(type) + byte(flags) + byte(hex(value).length / 2, 2) + hex(value)
/** A LAN TLV's value for `slot` with one IPv4 address. */
const lanValue = (slot: number, state = 0) =>
  `${byte(slot)} ${byte(state)} 01 00 | 00000000 | 04 18 c612${byte(slot + 1)}01`
const LAN0 = tlv(1, lanValue(0))
const pkt = (...parts: string[]): Buffer => bytes(parts.join(''))
/** Sign with `key`: key id and HMAC-SHA256 of every byte before the MAC (the flag must be set already). */
function sign(b: Buffer, key: WireKey): Buffer {
  const body = Buffer.concat([b, Buffer.from([key.id])])
  return Buffer.concat([body, createHmac('sha256', key.secret).update(body).digest()])
}
/** Patch bytes of a valid packet: [offset, byte] pairs. */
function patched(h: string, ...edits: Array<[number, number]>): Buffer {
  const b = bytes(h)
  for (const [off, v] of edits) b[off < 0 ? b.length + off : off] = v
  return b
}

const malformed: Array<{ name: string; bytes: Buffer; code: PacketDecodeError; keys?: WireKey[] }> = [
  // The header
  { name: 'empty', bytes: Buffer.alloc(0), code: 'ERR_TOO_SHORT' },
  { name: 'truncated header', bytes: bytes(MIN_INQ).subarray(0, 23), code: 'ERR_TOO_SHORT' },
  { name: 'bad magic', bytes: patched(MIN_INQ, [1, 0x1e]), code: 'ERR_BAD_MAGIC' },
  { name: 'version 3', bytes: pkt(head({ version: 3 }), LAN0), code: 'ERR_BAD_VERSION' },
  { name: 'version 1', bytes: pkt(head({ version: 1 }), LAN0), code: 'ERR_BAD_VERSION' },
  { name: 'type 0', bytes: pkt(head({ type: 0 }), LAN0), code: 'ERR_BAD_TYPE' },
  { name: 'type 4', bytes: pkt(head({ type: 4 }), LAN0), code: 'ERR_BAD_TYPE' },
  { name: 'reserved flag bit 2', bytes: pkt(head({ flags: 0x04 }), LAN0), code: 'ERR_BAD_FLAGS' },
  { name: 'reserved flag bit 7', bytes: pkt(head({ flags: 0x81 }), LAN0), code: 'ERR_BAD_FLAGS' },
  { name: 'ANSWER-ALL on an ACK', bytes: pkt(head({ type: 2, to: 9, flags: 1 }), LAN0), code: 'ERR_BAD_FLAGS' },
  { name: 'ANSWER-ALL on a notice', bytes: pkt(head({ type: 3, flags: 1 }), LAN0), code: 'ERR_BAD_FLAGS' },
  { name: 'from 0', bytes: pkt(head({ from: 0 }), LAN0), code: 'ERR_BAD_NODE' },
  { name: 'to set on an INQ', bytes: pkt(head({ to: 9 }), LAN0), code: 'ERR_BAD_NODE' },
  { name: 'to set on a notice', bytes: pkt(head({ type: 3, to: 9 }), LAN0), code: 'ERR_BAD_NODE' },
  { name: 'to unset on an ACK', bytes: pkt(head({ type: 2 }), LAN0), code: 'ERR_BAD_NODE' },
  // The TLVs
  { name: 'longer than 1400 bytes', bytes: pkt(head(), LAN0, tlv(99, '00'.repeat(1355))), code: 'ERR_BAD_LENGTH' },
  { name: 'one trailing byte', bytes: pkt(head(), LAN0, '01'), code: 'ERR_BAD_LENGTH' },
  { name: 'three trailing bytes', bytes: pkt(head(), LAN0, '010000'), code: 'ERR_BAD_LENGTH' },
  { name: 'four trailing zero bytes (type 0)', bytes: pkt(head(), LAN0, '00000000'), code: 'ERR_BAD_TLV' },
  { name: 'a TLV overrunning the packet', bytes: pkt(head(), LAN0, '02000008 c6120103'), code: 'ERR_BAD_LENGTH' },
  { name: 'a LAN overrunning the packet', bytes: bytes(MIN_INQ).subarray(0, 41), code: 'ERR_BAD_LENGTH' },
  { name: 'a reserved TLV flag bit', bytes: pkt(head(), LAN0, tlv(2, 'c6120103', 0x40)), code: 'ERR_BAD_FLAGS' },
  { name: 'an unknown critical TLV', bytes: pkt(head(), LAN0, tlv(200, 'ff', 0x80)), code: 'ERR_UNKNOWN_CRITICAL' },
  {
    name: 'an unknown critical TLV, empty, before the LANs',
    bytes: pkt(head(), tlv(17, '', 0x80), LAN0),
    code: 'ERR_UNKNOWN_CRITICAL',
  },
  { name: 'DOWN-ON shorter than its slot', bytes: pkt(head(), LAN0, tlv(7, '0100')), code: 'ERR_BAD_LENGTH' },
  { name: 'DOWN-ON with reserved bits set', bytes: pkt(head(), LAN0, tlv(7, '01000100')), code: 'ERR_BAD_TLV' },
  { name: "DOWN-ON for the packet's own LAN", bytes: pkt(head(), LAN0, tlv(7, '00000000')), code: 'ERR_BAD_LAN' },
  {
    name: 'DOWN-ON for a LAN the sender does not list',
    bytes: pkt(head(), LAN0, tlv(7, '05000000')),
    code: 'ERR_BAD_LAN',
  },
  {
    name: 'DOWN-ON for one LAN twice',
    bytes: pkt(head(), LAN0, tlv(7, '05000000'), tlv(7, '05000000')),
    code: 'ERR_BAD_TLV',
  },
  {
    name: 'SERVICE with its reserved byte set',
    bytes: pkt(head(), LAN0, tlv(8, '0001 04 18 c6120164')),
    code: 'ERR_BAD_TLV',
  },
  { name: 'SERVICE on slot 16', bytes: pkt(head(), LAN0, tlv(8, '1000 04 18 c6120164')), code: 'ERR_BAD_LAN' },
  {
    name: 'SERVICE on a LAN the sender does not list',
    bytes: pkt(head(), LAN0, tlv(8, '0300 04 18 c6120164')),
    code: 'ERR_BAD_LAN',
  },
  {
    name: 'SERVICE with a byte to spare',
    bytes: pkt(head(), LAN0, tlv(8, '0000 04 18 c6120164 00')),
    code: 'ERR_BAD_LENGTH',
  },
  {
    name: 'SERVICE of the unspecified address',
    bytes: pkt(head(), LAN0, tlv(8, '0000 04 18 00000000')),
    code: 'ERR_BAD_ADDRESS',
  },
  {
    name: 'one service address held on two LANs',
    bytes: pkt(head(), LAN0, tlv(1, lanValue(1)), tlv(8, '0000 04 18 c6120164'), tlv(8, '0100 04 18 c6120164')),
    code: 'ERR_BAD_TLV',
  },
  {
    name: 'seventeen SERVICE TLVs',
    bytes: pkt(head(), LAN0, ...Array.from({ length: 17 }, (_, i) => tlv(8, `0000 04 20 c61201${byte(i + 1)}`))),
    code: 'ERR_BAD_TLV',
  },
  { name: 'DOWN-ON naming node 0', bytes: pkt(head(), LAN0, tlv(7, '0500000000000000')), code: 'ERR_BAD_NODE' },
  {
    name: 'duplicate DOWN',
    bytes: pkt(head(), LAN0, tlv(2, '00000009'), tlv(2, '0000000a')),
    code: 'ERR_DUPLICATE_TLV',
  },
  {
    name: 'duplicate CLUSTER',
    bytes: pkt(head(), tlv(4, '10d4522a'), LAN0, tlv(4, '10d4522a')),
    code: 'ERR_DUPLICATE_TLV',
  },
  { name: 'duplicate HEARD', bytes: pkt(head(), LAN0, tlv(5, '0001'), tlv(5, '0001')), code: 'ERR_DUPLICATE_TLV' },
  { name: 'duplicate DOWN-TOTAL', bytes: pkt(head(), LAN0, tlv(9, '0100'), tlv(9, '0100')), code: 'ERR_DUPLICATE_TLV' },
  { name: 'DOWN-TOTAL not a u16', bytes: pkt(head(), LAN0, tlv(9, '000100')), code: 'ERR_BAD_LENGTH' },
  // LAN TLVs
  { name: 'no LAN', bytes: pkt(head()), code: 'ERR_BAD_LAN' },
  {
    name: '17 LANs',
    bytes: pkt(head(), ...Array.from({ length: 16 }, (_, i) => tlv(1, lanValue(i))), tlv(1, lanValue(3))),
    code: 'ERR_BAD_LAN',
  },
  { name: 'a slot twice', bytes: pkt(head(), LAN0, tlv(1, lanValue(1)), LAN0), code: 'ERR_BAD_LAN' },
  { name: 'slot 16', bytes: pkt(head(), LAN0, tlv(1, lanValue(16))), code: 'ERR_BAD_LAN' },
  { name: 'the header slot not among the LANs', bytes: pkt(head({ slot: 1 }), LAN0), code: 'ERR_BAD_LAN' },
  { name: 'a LAN with 0 addresses', bytes: pkt(head(), tlv(1, '00 00 00 00 | 00000000')), code: 'ERR_BAD_COUNT' },
  {
    name: 'a LAN with 5 addresses',
    bytes: pkt(head(), tlv(1, `00 00 05 00 | 00000000 | ${'04 18 c6120101'.repeat(5)}`)),
    code: 'ERR_BAD_COUNT',
  },
  { name: 'a reserved LAN state bit', bytes: pkt(head(), tlv(1, lanValue(0, 0x04))), code: 'ERR_BAD_FLAGS' },
  {
    name: 'the reserved LAN byte set',
    bytes: pkt(head(), tlv(1, '00 00 01 01 | 00000000 | 04 18 c6120101')),
    code: 'ERR_BAD_FLAGS',
  },
  {
    name: 'a LAN value shorter than 8 bytes',
    bytes: pkt(head(), tlv(1, '00 00 01 00 | 000000')),
    code: 'ERR_BAD_LENGTH',
  },
  { name: 'a LAN with a byte too many', bytes: pkt(head(), tlv(1, `${lanValue(0)} 00`)), code: 'ERR_BAD_LENGTH' },
  {
    name: 'a LAN with fewer entries than its count',
    bytes: pkt(head(), tlv(1, '00 00 02 00 | 00000000 | 04 18 c6120101')),
    code: 'ERR_BAD_LENGTH',
  },
  {
    name: 'a LAN entry cut after its family',
    bytes: pkt(head(), tlv(1, '00 00 02 00 | 00000000 | 04 18 c6120101 | 06')),
    code: 'ERR_BAD_LENGTH',
  },
  {
    name: 'an IPv6 entry with 4 bytes of address',
    bytes: pkt(head(), tlv(1, '00 00 01 00 | 00000000 | 06 40 20010db8')),
    code: 'ERR_BAD_LENGTH',
  },
  { name: 'family 5', bytes: pkt(head(), tlv(1, '00 00 01 00 | 00000000 | 05 18 c6120101')), code: 'ERR_BAD_ADDRESS' },
  {
    name: 'prefix 33 for IPv4',
    bytes: pkt(head(), tlv(1, '00000100 00000000 04 21 c6120101')),
    code: 'ERR_BAD_ADDRESS',
  },
  {
    name: 'prefix 129 for IPv6',
    bytes: pkt(head(), tlv(1, `00000100 00000000 06 81 20010db8${'0'.repeat(23)}1`)),
    code: 'ERR_BAD_ADDRESS',
  },
  { name: 'address 0.0.0.0', bytes: pkt(head(), tlv(1, '00000100 00000000 04 18 00000000')), code: 'ERR_BAD_ADDRESS' },
  {
    name: 'address ::',
    bytes: pkt(head(), tlv(1, `00000100 00000000 06 40 ${'0'.repeat(32)}`)),
    code: 'ERR_BAD_ADDRESS',
  },
  // DOWN, ANSWER, CLUSTER, HEARD, OVERLOAD
  { name: 'DOWN of 3 bytes', bytes: pkt(head(), LAN0, tlv(2, '000009')), code: 'ERR_BAD_LENGTH' },
  { name: 'node 0 in DOWN', bytes: pkt(head(), LAN0, tlv(2, '00000009 00000000')), code: 'ERR_BAD_NODE' },
  { name: 'ANSWER on an ACK', bytes: pkt(ACK_HEAD, LAN0, tlv(3, 'c6120102')), code: 'ERR_BAD_TLV' },
  { name: 'ANSWER on a notice', bytes: pkt(NOTICE_HEAD, LAN0, tlv(3, 'c6120102')), code: 'ERR_BAD_TLV' },
  { name: 'ANSWER of 6 bytes', bytes: pkt(head(), LAN0, tlv(3, 'c6120102 0000')), code: 'ERR_BAD_LENGTH' },
  { name: 'node 0 in ANSWER', bytes: pkt(head(), LAN0, tlv(3, '00000000')), code: 'ERR_BAD_NODE' },
  { name: 'CLUSTER 0', bytes: pkt(head(), LAN0, tlv(4, '00000000')), code: 'ERR_BAD_TLV' },
  { name: 'CLUSTER of 2 bytes', bytes: pkt(head(), LAN0, tlv(4, '10d4')), code: 'ERR_BAD_LENGTH' },
  { name: 'HEARD of 4 bytes', bytes: pkt(head(), LAN0, tlv(5, '00000002')), code: 'ERR_BAD_LENGTH' },
  { name: 'OVERLOAD of 1 byte', bytes: pkt(head(), LAN0, tlv(6, 'fa')), code: 'ERR_BAD_LENGTH' },
  // The trailer
  { name: 'signed when faild has no key', bytes: bytes(SIGNED), code: 'ERR_UNEXPECTED_AUTH' },
  { name: 'unsigned when faild has a key', bytes: bytes(MIN_INQ), code: 'ERR_NO_AUTH', keys: [KEY] },
  { name: 'signed with a key faild lacks', bytes: bytes(SIGNED), code: 'ERR_UNKNOWN_KEY', keys: [OTHER_KEY] },
  { name: 'a bad MAC', bytes: patched(SIGNED, [-1, 0x21]), code: 'ERR_BAD_AUTH', keys: [KEY] },
  { name: 'signed, the sequence changed', bytes: patched(SIGNED, [15, 8]), code: 'ERR_BAD_AUTH', keys: [KEY] },
  {
    name: 'signed, the key id of another key',
    bytes: patched(SIGNED, [42, 0x11]),
    code: 'ERR_BAD_AUTH',
    keys: [KEY, OTHER_KEY],
  },
  {
    name: 'signed, a byte after the MAC (the trailer is the last 33 bytes: its key id is now a MAC byte)',
    bytes: pkt(SIGNED, '00'),
    code: 'ERR_UNKNOWN_KEY',
    keys: [KEY],
  },
  {
    name: 'signed, too short for a trailer',
    bytes: bytes(SIGNED).subarray(0, 56),
    code: 'ERR_BAD_LENGTH',
    keys: [KEY],
  },
  { name: 'signed, a reserved flag bit', bytes: patched(SIGNED, [23, 0x07]), code: 'ERR_BAD_FLAGS', keys: [KEY] },
  {
    name: 'signed, the type forged: the MAC is checked before the type is read',
    bytes: patched(SIGNED, [3, 9]),
    code: 'ERR_BAD_AUTH',
    keys: [KEY],
  },
  {
    name: 'signed and genuine, the body bad: checked once the MAC holds',
    bytes: sign(pkt(head({ type: 2, to: 9, flags: 2 }), LAN0, tlv(3, 'c6120102')), KEY),
    code: 'ERR_BAD_TLV',
    keys: [KEY],
  },
]

t.test('the rows start from valid packets', async (t) => {
  t.ok(decodeV2(pkt(head(), LAN0)).ok)
  t.ok(decodeV2(pkt(ACK_HEAD, LAN0)).ok)
  t.ok(decodeV2(pkt(NOTICE_HEAD, LAN0)).ok)
  t.ok(decodeV2(sign(pkt(head({ flags: 2 }), LAN0), KEY), [KEY]).ok)
})

for (const { name, bytes, code, keys } of malformed) {
  t.test(`rejects ${name}`, async (t) => {
    t.same(decodeV2(bytes, keys), { ok: false, code })
  })
}

t.test('every decode error code is reached by a row', async (t) => {
  const every: Record<PacketDecodeError, true> = {
    ERR_TOO_SHORT: true,
    ERR_BAD_MAGIC: true,
    ERR_BAD_VERSION: true,
    ERR_BAD_TYPE: true,
    ERR_BAD_FLAGS: true,
    ERR_BAD_LAN: true,
    ERR_BAD_NODE: true,
    ERR_BAD_COUNT: true,
    ERR_BAD_LENGTH: true,
    ERR_NO_AUTH: true,
    ERR_UNEXPECTED_AUTH: true,
    ERR_UNKNOWN_KEY: true,
    ERR_BAD_AUTH: true,
    ERR_BAD_TLV: true,
    ERR_UNKNOWN_CRITICAL: true,
    ERR_DUPLICATE_TLV: true,
    ERR_BAD_ADDRESS: true,
  }
  t.same(new Set(malformed.map((r) => r.code)), new Set(Object.keys(every)))
})

const plain = { ok: true, packet: minInq }
t.test('an unknown TLV without the critical bit is skipped, wherever it is', async (t) => {
  t.same(decodeV2(pkt(head({ flags: 1 }), LAN0, tlv(17, 'abcdef'))), plain, 'after the LANs')
  t.same(decodeV2(pkt(head({ flags: 1 }), tlv(255, ''), LAN0)), plain, 'empty, before them')
  t.same(
    decodeV2(pkt(head({ flags: 1 }), tlv(99, '01'), LAN0, tlv(99, '02'))),
    plain,
    'twice: only known types are once',
  )
})

t.test('1400 bytes are fine', async (t) => {
  t.same(decodeV2(pkt(head({ flags: 1 }), LAN0, tlv(99, '00'.repeat(1354)))), plain)
})

t.test('a known TLV is read in any order and with the critical bit', async (t) => {
  const r = decodeV2(pkt(head({ flags: 1 }), tlv(4, '10d4522a', 0x80), tlv(2, ''), LAN0))
  t.same(r, { ok: true, packet: { ...minInq, cluster: 0x10d4522a } }, 'CLUSTER first and critical, an empty DOWN')
})
