// Pairing a sender's LANs with this host's (lib/core/engine/pairing.ts): by name tag where both have one, else by subnet.
import t from 'tap'
import { type OwnLan, toLocal, toPacket } from '../../../lib/core/engine/pairing.js'
import type { Message } from '../../../lib/core/wire/message.js'
import type { Packet, PacketLan } from '../../../lib/core/wire/packet.js'
import { decodeV2, encodeV2 } from '../../../lib/core/wire/v2.js'

/** This host: 198.18.1.1/24 (A) and 198.18.2.1/24 (B). */
const OWN: OwnLan[] = [
  { address: 0xc6120101, prefixLen: 24, nameTag: 0 },
  { address: 0xc6120201, prefixLen: 24, nameTag: 0 },
]
const lan = (slot: number, address: string, more: Partial<PacketLan> = {}): PacketLan => ({
  slot,
  outOfService: false,
  preferred: false,
  nameTag: 0,
  addresses: [{ family: 4, prefix: 24, address }],
  ...more,
})
const packet = (more: Partial<Packet>): Packet => ({
  version: 2,
  kind: 'inq',
  from: 0xc6120102,
  boot: 7,
  seq: 9,
  to: 0,
  intervalMs: 100,
  slot: 0,
  answerAll: true,
  answer: [],
  lans: [lan(0, '198.18.1.2'), lan(1, '198.18.2.2')],
  down: [],
  cluster: 0,
  ...more,
})

t.test('by subnet, whatever order the sender keeps its LANs in', async (t) => {
  const p = packet({ slot: 0, lans: [lan(0, '198.18.2.2', { outOfService: true }), lan(1, '198.18.1.2')] })
  const r = toLocal(p, OWN, 60)
  t.ok(r.ok)
  t.match(r.ok && r.msg, { lan: 1, addresses: [0xc6120102, 0xc6120202], outOfService: 0b10, version: 2, bytes: 60 })
  t.equal(r.ok && r.msg.kind === 'inq' && r.msg.answer, undefined, 'ANSWER-ALL: every receiver answers')
})

t.test('a host on one of our LANs only; a sending LAN in none of our subnets', async (t) => {
  const one = toLocal(packet({ slot: 0, lans: [lan(0, '198.18.2.7')] }), OWN)
  t.match(one.ok && one.msg, { lan: 1, addresses: [0, 0xc6120207] })
  t.same(toLocal(packet({ lans: [lan(0, '198.19.1.2'), lan(1, '198.18.2.2')] }), OWN), {
    ok: false,
    reason: 'unpaired-lan',
  })
})

t.test('by name tag where both have one: two LANs in one subnet told apart', async (t) => {
  const own: OwnLan[] = [
    { address: 0xc6120101, prefixLen: 16, nameTag: 0xaaaa },
    { address: 0xc6120201, prefixLen: 16, nameTag: 0xbbbb },
  ]
  // Both of the sender's addresses are in both of our /16s: only the tags say which is which.
  const p = packet({
    slot: 1,
    lans: [lan(0, '198.18.2.2', { nameTag: 0xbbbb }), lan(1, '198.18.1.2', { nameTag: 0xaaaa })],
  })
  const r = toLocal(p, own)
  t.match(r.ok && r.msg, { lan: 0, addresses: [0xc6120102, 0xc6120202] })
})

t.test(
  "a notice is the engine's INQ with interval 0; an ANSWER list is kept; an ACK names its requestor",
  async (t) => {
    const notice = toLocal(packet({ kind: 'notice', answerAll: false }), OWN)
    t.match(notice.ok && notice.msg, { kind: 'inq', intervalMs: 0 })
    const asking = toLocal(packet({ answerAll: false, answer: [5, 6] }), OWN)
    t.same(asking.ok && asking.msg.kind === 'inq' && asking.msg.answer, [5, 6])
    const ack = toLocal(packet({ kind: 'ack', to: 0xc6120101, answerAll: false }), OWN)
    t.match(ack.ok && ack.msg, { kind: 'ack', to: 0xc6120101 })
  },
)

/** A message of this host's (198.18.1.1 and 198.18.2.1): an INQ on LAN B unless `over` says otherwise. */
const ours = (over: Partial<Message>): Message =>
  ({
    kind: 'inq',
    from: 0xc6120101,
    boot: 3,
    lan: 1,
    seq: 42,
    intervalMs: 100,
    addresses: [0xc6120101, 0xc6120201],
    down: [],
    outOfService: 0,
    cluster: 0,
    ...over,
  }) as Message

t.test('toPacket: our LANs as slots, and back through toLocal on a peer', async (t) => {
  const msg = ours({ down: [0xc6120109], outOfService: 0b01, answer: [0xc6120102] })
  const p = toPacket(msg, OWN)
  t.match(p, { kind: 'inq', slot: 1, answerAll: false, answer: [0xc6120102], down: [0xc6120109] })
  t.same(
    p.lans.map((l) => [l.slot, l.outOfService, l.addresses[0]!.address]),
    [
      [0, true, '198.18.1.1'],
      [1, false, '198.18.2.1'],
    ],
  )
  const peer: OwnLan[] = [
    { address: 0xc6120202, prefixLen: 24, nameTag: 0 },
    { address: 0xc6120102, prefixLen: 24, nameTag: 0 },
  ]
  const back = toLocal(p, peer)
  t.match(back.ok && back.msg, { lan: 0, addresses: [0xc6120201, 0xc6120101], outOfService: 0b10, seq: 42 })
  t.equal(toPacket(ours({ intervalMs: 0 }), OWN).kind, 'notice')
})

t.test('OVERLOAD: how far behind the sender is goes out, through wire format 2, and comes back', async (t) => {
  const msg = ours({ kind: 'ack', to: 0xc6120102, lan: 0, overloadMs: 250 })
  const d = decodeV2(encodeV2(toPacket(msg, OWN)))
  const back = d.ok ? toLocal(d.packet, OWN) : undefined
  t.equal(back?.ok && back.msg.overloadMs, 250)
  const none = decodeV2(encodeV2(toPacket({ ...msg, overloadMs: undefined }, OWN)))
  t.equal(none.ok && none.packet.overloadMs, undefined, 'keeping up: no TLV')
})
