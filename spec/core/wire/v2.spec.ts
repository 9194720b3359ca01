// Wire format 2 (lib/core/wire/v2.ts): golden vectors both ways, round trips, and what encode refuses.
import t from 'tap'
import { decode } from '../../../lib/core/wire/codec.js'
import { MAX_PACKET_SIZE } from '../../../lib/core/wire/constants.js'
import type { Packet, PacketLan } from '../../../lib/core/wire/packet.js'
import { decodeV2, encodeV2 } from '../../../lib/core/wire/v2.js'
import {
  ACK,
  ack,
  bytes,
  DUAL_STACK,
  dualStack,
  KEY,
  MIN_INQ,
  minInq,
  NOTICE,
  notice,
  OTHER_KEY,
  SERVICE_NOTICE,
  SIGNED,
  serviceNotice,
  WINDOW_INQ,
  windowInq,
} from './v2-vectors.js'

const golden = [
  { name: 'the smallest INQ: one LAN, answered by all', packet: minInq, hex: MIN_INQ },
  { name: 'an ACK on slot 1 with a down list and a heard count', packet: ack, hex: ACK },
  { name: 'a notice: one LAN out of service, one preferred, a cluster tag', packet: notice, hex: NOTICE },
  {
    name: 'an INQ on two named LANs, one dual-stack, asking two nodes, overloaded',
    packet: dualStack,
    hex: DUAL_STACK,
  },
  { name: 'the smallest INQ, signed', packet: minInq, hex: SIGNED, signed: true },
  { name: 'a notice saying where a service address is held', packet: serviceNotice, hex: SERVICE_NOTICE },
  { name: 'an INQ whose down list is a window of a longer one (DOWN-TOTAL)', packet: windowInq, hex: WINDOW_INQ },
]

for (const { name, packet, hex, signed } of golden) {
  t.test(name, async (t) => {
    t.equal(encodeV2(packet, signed ? KEY : undefined).toString('hex'), hex)
    t.same(decodeV2(Buffer.from(hex, 'hex'), signed ? [OTHER_KEY, KEY] : []), { ok: true, packet })
  })
}

t.test('a v1 decoder drops every v2 packet as a version it does not know', async (t) => {
  for (const { hex } of golden) t.same(decode(Buffer.from(hex, 'hex')), { ok: false, code: 'ERR_BAD_VERSION' })
})

const lanWith = (slot: number, addresses: PacketLan['addresses'], over: Partial<PacketLan> = {}): PacketLan => ({
  slot,
  outOfService: false,
  preferred: false,
  nameTag: 0,
  addresses,
  ...over,
})
const v6 = (address: string, prefix = 64) => ({ family: 6 as const, prefix, address })
const v4 = (address: string, prefix = 24) => ({ family: 4 as const, prefix, address })
const sixteen = Array.from({ length: 16 }, (_, i) => lanWith(i, [v4(`198.18.${i}.1`)]))

const roundTrips: Array<{ name: string; packet: Packet }> = [
  { name: 'LANs in any slot order, with a gap', packet: { ...minInq, slot: 5, lans: [sixteen[5]!, sixteen[0]!] } },
  { name: 'an IPv6-only LAN', packet: { ...minInq, lans: [lanWith(0, [v6('fd00::2:1', 128)])] } },
  {
    name: 'four addresses on one LAN, every state bit',
    packet: {
      ...notice,
      lans: [
        lanWith(0, [v4('198.18.0.1', 0), v4('198.19.255.254', 32), v6('2001:db8::'), v6('::ffff:198.18.0.9', 128)], {
          outOfService: true,
          preferred: true,
          nameTag: 0xffffffff,
        }),
      ],
      slot: 0,
    },
  },
  { name: 'sixteen LANs', packet: { ...minInq, slot: 15, lans: sixteen } },
  { name: 'every number at its largest', packet: { ...ack, boot: 2 ** 32 - 1, seq: 2 ** 32 - 1, intervalMs: 65535 } },
  { name: 'heard and overload of 0', packet: { ...minInq, heard: 0, overloadMs: 0 } },
  {
    name: "down lists of the sender's other LANs (DOWN-ON), one empty",
    packet: {
      ...minInq,
      slot: 0,
      lans: sixteen.slice(0, 3),
      downOn: [
        { slot: 1, ids: [7, 8] },
        { slot: 2, ids: [] },
      ],
    },
  },
  {
    name: 'sixteen service addresses, IPv4 and IPv6, on two LANs',
    packet: {
      ...minInq,
      lans: sixteen.slice(0, 2),
      services: Array.from({ length: 16 }, (_, i) => ({
        slot: i % 2,
        address: i % 2 ? v6(`2001:db8::${i}`, 128) : v4(`198.18.9.${i}`, 32),
      })),
    },
  },
]

t.test('DOWN-ON is refused where it means nothing: an ACK, its own LAN, one not listed', async (t) => {
  t.throws(() => encodeV2({ ...ack, downOn: [{ slot: 0, ids: [] }] }), RangeError)
  t.throws(() => encodeV2({ ...minInq, downOn: [{ slot: minInq.slot, ids: [] }] }), RangeError)
  t.throws(() => encodeV2({ ...minInq, downOn: [{ slot: 9, ids: [] }] }), RangeError)
})

t.test('SERVICE is refused where it means nothing: a LAN not listed, a seventeenth address', async (t) => {
  const service = (slot: number) => ({ slot, address: v4('198.18.1.100') })
  t.same(
    decodeV2(encodeV2({ ...ack, services: [service(1)] })),
    { ok: true, packet: { ...ack, services: [service(1)] } },
    'an ACK may say it too',
  )
  t.throws(() => encodeV2({ ...minInq, services: [service(3)] }), RangeError)
  const many = Array.from({ length: 17 }, (_, i) => ({ slot: 0, address: v4(`198.18.9.${i + 1}`) }))
  t.throws(() => encodeV2({ ...minInq, services: many }), RangeError)
})

for (const { name, packet } of roundTrips) {
  t.test(`round trip: ${name}`, async (t) => {
    for (const key of [undefined, KEY]) {
      const b = encodeV2(packet, key)
      t.ok(b.length <= MAX_PACKET_SIZE)
      t.same(decodeV2(b, key ? [key] : []), { ok: true, packet })
    }
  })
}

t.test('the longest down list fits in 1400 bytes, one id more does not', async (t) => {
  const ids = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1)
  const longest = { ...minInq, down: ids(338) }
  t.equal(encodeV2(longest).length, MAX_PACKET_SIZE - 2, '42 + 4 + 338 x 4')
  t.same(decodeV2(encodeV2(longest)), { ok: true, packet: longest })
  t.throws(() => encodeV2({ ...minInq, down: ids(339) }), RangeError)
  t.throws(() => encodeV2(longest, KEY), RangeError, 'nor with the 33 bytes of a MAC')
  t.equal(encodeV2({ ...minInq, down: ids(330) }, KEY).length, MAX_PACKET_SIZE - 1, 'signed: 330 ids, 8 fewer')
})

t.test('address text in any valid form is sent as its bytes and read back canonical', async (t) => {
  const p = { ...minInq, lans: [lanWith(0, [v6('2001:DB8:0:0:0:0:0:1'), v6('2001:db8:0:1:0:0:0:1')])] }
  const r = decodeV2(encodeV2(p))
  t.same(r.ok && r.packet.lans[0]!.addresses.map((a) => a.address), ['2001:db8::1', '2001:db8:0:1::1'])
})

t.test('encodeV2 writes version 2 whatever the packet says it was decoded from', async (t) => {
  t.equal(encodeV2({ ...minInq, version: 1 }).toString('hex'), MIN_INQ)
})

t.test('decodes from a view into a larger buffer', async (t) => {
  const big = Buffer.concat([Buffer.from('xx'), bytes(DUAL_STACK), Buffer.from('yy')])
  t.same(decodeV2(big.subarray(2, big.length - 2)), { ok: true, packet: dualStack })
})

const lan0 = minInq.lans[0]!
const refused: Array<[string, Packet]> = [
  ['sender 0', { ...minInq, from: 0 }],
  ['an INQ to someone', { ...minInq, to: 1 }],
  ['an ACK to no one', { ...ack, to: 0 }],
  ['a notice answered by all', { ...notice, answerAll: true }],
  ['an ACK asking for answers', { ...ack, answer: [1] }],
  ['no LAN', { ...minInq, lans: [] }],
  ['seventeen LANs', { ...minInq, lans: [...sixteen, lanWith(16, [v4('198.18.16.1')])] }],
  ['a slot beyond 15', { ...minInq, slot: 16, lans: [lanWith(16, [v4('198.18.16.1')])] }],
  ['a slot twice', { ...minInq, lans: [lan0, lan0] }],
  ['the sending slot not among the LANs', { ...minInq, slot: 1 }],
  ['a LAN without an address', { ...minInq, lans: [lanWith(0, [])] }],
  ['a LAN with five addresses', { ...minInq, lans: [lanWith(0, new Array(5).fill(v4('198.18.0.1')))] }],
  ['IPv6 text as IPv4', { ...minInq, lans: [lanWith(0, [{ family: 4, prefix: 24, address: '2001:db8::1' }])] }],
  ['not an address', { ...minInq, lans: [lanWith(0, [v4('198.18.0.256')])] }],
  ['a prefix of 33 for IPv4', { ...minInq, lans: [lanWith(0, [v4('198.18.0.1', 33)])] }],
  ['a prefix of 129 for IPv6', { ...minInq, lans: [lanWith(0, [v6('2001:db8::1', 129)])] }],
  ['a prefix of -1', { ...minInq, lans: [lanWith(0, [v4('198.18.0.1', -1)])] }],
  ['the unspecified address', { ...minInq, lans: [lanWith(0, [v6('::')])] }],
  ['node id 0 in the down list', { ...minInq, down: [0] }],
  ['node id 0 in the answer list', { ...minInq, answer: [0] }],
  ['a sequence beyond 32 bits', { ...minInq, seq: 2 ** 32 }],
  ['an interval beyond 16 bits', { ...minInq, intervalMs: 65536 }],
  ['a heard count beyond 16 bits', { ...minInq, heard: 65536 }],
  ['a name tag beyond 32 bits', { ...minInq, lans: [{ ...lan0, nameTag: 2 ** 32 }] }],
]

t.test('encode refuses a packet this program built wrong', async (t) => {
  for (const [name, p] of refused) t.throws(() => encodeV2(p), RangeError, name)
})
