// Routine INQs known by their bytes (lib/core/wire/routine-inq.ts): what may differ, what may not, and that whatever is taken for one decodes as one.
import t from 'tap'
import type { Packet } from '../../../lib/core/wire/packet.js'
import { routineSeq, shapeOf } from '../../../lib/core/wire/routine-inq.js'
import { decodeV2, encodeV2 } from '../../../lib/core/wire/v2.js'
import { random } from '../../support/random.js'
import { dualStack, KEY, OTHER_KEY } from './v2-vectors.js'

/** This host: not among those the INQs below ask. */
const ME = 0xc6120109
/** A peer's routine INQ: two LANs, a down list, a cluster tag, DOWN-ON, asking two other hosts. */
const inq: Packet = {
  ...dualStack,
  down: [0xc6120105],
  cluster: 0x10d4522a,
  downOn: [{ slot: 1, ids: [] }],
  overloadMs: undefined,
}
delete (inq as { overloadMs?: number }).overloadMs
const again = (over: Partial<Packet>, key?: typeof KEY) => encodeV2({ ...inq, seq: 1000, ...over }, key)

t.test('the same INQ with a newer sequence number and other hosts asked is routine', async (t) => {
  const s = shapeOf(encodeV2(inq))!
  t.ok(s, 'the encoder writes what a shape is taken of')
  t.equal(routineSeq(s, again({}), ME), 1000)
  t.equal(routineSeq(s, again({ answer: [0xc6120104] }), ME), 1000, 'asking one other host')
  t.equal(routineSeq(s, again({ answer: [] }), ME), 1000, 'asking nobody: no ANSWER TLV')
  const bare = shapeOf(encodeV2({ ...inq, answer: [] }))!
  t.equal(routineSeq(bare, again({ answer: [0xc6120102, 0xc6120104, 0xc6120106] }), ME), 1000, 'kept without one')
  t.equal(routineSeq(s, encodeV2(inq), ME), inq.seq, 'the INQ itself (its sequence number is for the engine to judge)')
})

t.test('an INQ that asks this host, or all, or says anything else is not routine', async (t) => {
  const s = shapeOf(encodeV2(inq))!
  const changes: Array<[string, Partial<Packet>]> = [
    ['asks this host', { answer: [0xc6120102, ME] }],
    ['asks every host', { answerAll: true, answer: [] }],
    ['another down list', { down: [] }],
    ['another interval', { intervalMs: 200 }],
    ['another boot', { boot: 5 }],
    ['another sender', { from: 0xc6120107 }],
    ['sent on another slot', { slot: 1, downOn: [{ slot: 0, ids: [] }] }],
    ['another cluster', { cluster: 1 }],
    ['says it is behind', { overloadMs: 100 }],
    ['a down list cut to a window', { down: [0xc6120105], downTotal: 300 }],
    ['a LAN out of service', { lans: inq.lans.map((l, i) => ({ ...l, outOfService: i === 1 })) }],
    ['another DOWN-ON', { downOn: [{ slot: 1, ids: [ME] }] }],
    ['a service address', { services: [{ slot: 0, address: { family: 4, prefix: 24, address: '198.18.1.100' } }] }],
  ]
  for (const [name, over] of changes) t.equal(routineSeq(s, again(over), ME), -1, name)
  t.equal(routineSeq(s, encodeV2({ ...inq, kind: 'notice', answer: [], seq: 1000 }), ME), -1, 'a notice')
  t.equal(routineSeq(s, Buffer.alloc(10), ME), -1, 'ten bytes')
})

t.test('an ANSWER TLV decode would refuse is not routine', async (t) => {
  const s = shapeOf(encodeV2(inq))!
  const good = again({})
  const at = s.answerAt
  t.equal(good[at], 3, 'the ANSWER TLV where the shape says')
  const with_ = (edit: (b: Buffer) => void) => {
    const b = Buffer.from(good)
    edit(b)
    return b
  }
  t.equal(
    routineSeq(
      s,
      with_((b) => b.writeUInt32BE(0, at + 4)),
      ME,
    ),
    -1,
    'node id 0',
  )
  t.equal(
    routineSeq(
      s,
      with_((b) => (b[at + 1] = 0x40)),
      ME,
    ),
    -1,
    'a reserved flag',
  )
  t.equal(
    routineSeq(
      s,
      with_((b) => b.writeUInt16BE(7, at + 2)),
      ME,
    ),
    -1,
    'a length not of whole ids',
  )
  t.equal(
    routineSeq(
      s,
      with_((b) => b.writeUInt16BE(400, at + 2)),
      ME,
    ),
    -1,
    'a length past the end',
  )
})

t.test('signed: the key id must be the same; the MAC is left to signedEnd', async (t) => {
  const s = shapeOf(encodeV2(inq, KEY))!
  t.equal(routineSeq(s, again({}, KEY), ME), 1000)
  t.equal(routineSeq(s, again({}, OTHER_KEY), ME), -1, 'signed with another key')
  t.equal(routineSeq(s, again({}), ME), -1, 'unsigned')
})

t.test('TLVs in an order this encoder does not write give no shape', async (t) => {
  const b = encodeV2(inq)
  const s = shapeOf(b)!
  // Move the ANSWER TLV after the cluster TLV that follows it.
  const answer = b.subarray(s.answerAt, s.answerEnd)
  const cluster = b.subarray(s.answerEnd, s.answerEnd + 8)
  const swapped = Buffer.concat([b.subarray(0, s.answerAt), cluster, answer, b.subarray(s.answerEnd + 8)])
  t.ok(decodeV2(swapped).ok, 'a decoder takes it')
  t.equal(shapeOf(swapped), undefined)
})

t.test(
  'whatever is taken for a routine INQ decodes as the one kept, but for its number and whom it asks',
  async (t) => {
    const rnd = random(12)
    const original = encodeV2(inq)
    const s = shapeOf(original)!
    const expected = decodeV2(original)
    let taken = 0
    const wrong: string[] = []
    for (let i = 0; i < 20_000; i++) {
      const b = again({ seq: Math.floor(rnd() * 2 ** 32), answer: rnd() < 0.5 ? [] : [0xc6120102] })
      for (let n = Math.floor(rnd() * 3); n > 0; n--) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256)
      const seq = routineSeq(s, b, ME)
      if (seq < 0) continue
      taken++
      const got = decodeV2(b)
      if (!got.ok || !expected.ok) {
        wrong.push(`taken but not decoded: ${b.toString('hex')}`)
        continue
      }
      const { seq: n, answer, ...rest } = got.packet
      const { seq: _e, answer: _a, ...want } = expected.packet
      if (n !== seq || answer.includes(ME) || JSON.stringify(rest) !== JSON.stringify(want))
        wrong.push(b.toString('hex'))
    }
    t.same(wrong, [], 'none taken that decodes otherwise')
    t.ok(taken > 1000, `${taken} taken`)
  },
)
