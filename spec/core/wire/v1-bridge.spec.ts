// Between v1 messages and v2 packets (lib/core/wire/v1-bridge.ts): fromV1, toV1, and decoding either version.
import t from 'tap'
import { encode } from '../../../lib/core/wire/codec.js'
import type { Message } from '../../../lib/core/wire/message.js'
import type { Packet, PacketLan } from '../../../lib/core/wire/packet.js'
import { decodePacket, fromV1, packetOf, toV1 } from '../../../lib/core/wire/v1-bridge.js'
import { encodeV2 } from '../../../lib/core/wire/v2.js'
import { dualStack, KEY, minInq, notice } from './v2-vectors.js'

const v1Inq: Message = {
  kind: 'inq',
  from: 0xc6120101,
  boot: 0x01020304,
  lan: 0,
  seq: 7,
  intervalMs: 100,
  addresses: [0xc6120101, 0xc6120201],
  down: [0xc6120103],
  outOfService: 0,
  cluster: 0x10d4522a,
}
const v1Ack: Message = { ...v1Inq, kind: 'ack', from: 0xc6120102, to: 0xc6120101, intervalMs: 0, lan: 1, down: [] }
const v1Notice: Message = { ...v1Inq, seq: 8, intervalMs: 0, lan: 1, outOfService: 0b01 }

const host = (address: string) => [{ family: 4 as const, prefix: 32, address }]
const lan = (slot: number, address: string, outOfService = false): PacketLan => ({
  slot,
  outOfService,
  preferred: false,
  nameTag: 0,
  addresses: host(address),
})
const asPacket: Packet = {
  version: 1,
  kind: 'inq',
  from: 0xc6120101,
  boot: 0x01020304,
  seq: 7,
  to: 0,
  intervalMs: 100,
  slot: 0,
  answerAll: true,
  answer: [],
  lans: [lan(0, '198.18.1.1'), lan(1, '198.18.2.1')],
  down: [0xc6120103],
  cluster: 0x10d4522a,
}

const fromCases: Array<[string, Message, Packet]> = [
  ['an INQ, answered by all; addresses as /32', v1Inq, asPacket],
  [
    'an ACK',
    v1Ack,
    {
      ...asPacket,
      kind: 'ack',
      from: 0xc6120102,
      to: 0xc6120101,
      intervalMs: 0,
      slot: 1,
      answerAll: false,
      down: [],
    },
  ],
  [
    "an INQ with interval 0: v1's notice",
    v1Notice,
    {
      ...asPacket,
      kind: 'notice',
      seq: 8,
      intervalMs: 0,
      slot: 1,
      answerAll: false,
      lans: [lan(0, '198.18.1.1', true), lan(1, '198.18.2.1')],
    },
  ],
]

for (const [name, msg, packet] of fromCases) {
  t.test(`fromV1: ${name}, and back`, async (t) => {
    t.same(fromV1(msg), packet)
    t.same(toV1(fromV1(msg)), msg)
  })
}

t.test('fromV1 leaves out a LAN without an address, and its out-of-service bit with it', async (t) => {
  const p = fromV1({ ...v1Inq, addresses: [0xc6120101, 0, 0xc6120301], outOfService: 0b110 })
  t.same(p.lans, [lan(0, '198.18.1.1'), lan(2, '198.18.3.1', true)])
})

t.test('toV1: each slot first IPv4 address at its index, answers and v2 fields dropped', async (t) => {
  t.same(toV1(dualStack), {
    kind: 'inq',
    from: 0xc6120101,
    boot: 0x01020304,
    lan: 0,
    seq: 9,
    intervalMs: 100,
    addresses: [0xc6120101, 0xc6120201],
    down: [],
    outOfService: 0,
    cluster: 0,
  })
  const v6First = { family: 6 as const, prefix: 64, address: '2001:db8::1' }
  const gap = {
    ...minInq,
    lans: [
      { ...minInq.lans[0]!, addresses: [v6First, ...minInq.lans[0]!.addresses] },
      lan(2, '198.18.3.1', true),
      { ...lan(9, '198.18.10.1', true), addresses: [v6First] },
    ],
  }
  const m = toV1(gap)
  t.same(m.addresses, [0xc6120101, 0, 0xc6120301, 0, 0, 0, 0, 0, 0, 0], 'a gap, and an IPv6-only LAN, hold 0')
  t.equal(m.outOfService, 0b100, "v1's mask has no bit for slot 9")
})

t.test("toV1 of a notice is v1's notice: an INQ with interval 0", async (t) => {
  const m = toV1(notice)
  t.same([m.kind, m.intervalMs, m.lan, m.outOfService, m.cluster], ['inq', 0, 1, 0b01, notice.cluster])
})

t.test('toV1 copies encode as v1 and decode back to what v1 can say', async (t) => {
  const r = decodePacket(encode(toV1(dualStack)))
  const { overloadMs: _, ...common } = dualStack
  t.same(r.ok && r.packet, {
    ...common,
    version: 1,
    answerAll: true,
    answer: [],
    lans: [lan(0, '198.18.1.1'), lan(1, '198.18.2.1')],
  })
})

t.test('toV1 throws RangeError where v1 cannot say it', async (t) => {
  const v6 = [{ family: 6 as const, prefix: 64, address: '2001:db8::1' }]
  t.throws(() => toV1({ ...minInq, lans: [{ ...minInq.lans[0]!, addresses: v6 }] }), RangeError, 'no IPv4 to send from')
  t.throws(() => toV1({ ...minInq, intervalMs: 0 }), RangeError, 'an INQ v1 would take for a notice')
  t.throws(() => toV1({ ...minInq, down: new Array(328).fill(1) }), RangeError, 'a down list v1 cannot hold')
})

t.test('decodePacket reads either version, with or without keys', async (t) => {
  t.same(decodePacket(encode(v1Inq)), { ok: true, packet: asPacket })
  t.same(decodePacket(encodeV2(minInq)), { ok: true, packet: minInq })
  t.same(decodePacket(encode(v1Inq, KEY), [KEY]), { ok: true, packet: asPacket })
  t.same(decodePacket(encodeV2(minInq, KEY), [KEY]), { ok: true, packet: minInq })
  t.same(decodePacket(encode(v1Inq), [KEY]), { ok: false, code: 'ERR_NO_AUTH' })
  t.same(decodePacket(Buffer.from('fa1d01', 'hex')), { ok: false, code: 'ERR_TOO_SHORT' }, 'v1, short')
  t.same(decodePacket(Buffer.from('fa1d', 'hex')), { ok: false, code: 'ERR_TOO_SHORT' })
  const v3 = encodeV2(minInq)
  v3[2] = 3
  t.same(decodePacket(v3), { ok: false, code: 'ERR_BAD_VERSION' })
})

t.test(
  'a service address on a LAN without an address is left out, not made a packet that cannot be sent',
  async (t) => {
    const msg: Message = {
      kind: 'inq',
      from: 0xc6120101,
      boot: 1,
      lan: 0,
      seq: 1,
      intervalMs: 100,
      addresses: [0xc6120101, 0],
      down: [],
      outOfService: 0,
      cluster: 0,
      services: [
        { address: 0xc6120164, len: 24, lan: 1 },
        { address: 0xc6120165, len: 24, lan: 0 },
      ],
    }
    const p = packetOf(msg, () => ({ prefix: 24, nameTag: 0 }), 2)
    t.same(
      p.services?.map((s) => s.address.address),
      ['198.18.1.101'],
    )
    t.doesNotThrow(() => encodeV2(p))
  },
)
