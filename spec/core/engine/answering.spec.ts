// Who an INQ asks to answer (lib/core/engine/answering.ts), and that only those asked are judged by their ACKs.
import t from 'tap'
import { ANSWER_ALL_PEERS, RTT_EVERY, RTT_SAMPLES, rttEvery } from '../../../lib/core/engine/answering.js'
import { type Effect, Engine } from '../../../lib/core/engine/engine.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { ackFrom, inqFrom } from '../../support/messages.js'
import { TWO_LANS as base } from '../../support/two-lans.js'

const peer = (i: number) => ({ from: 0xc6120110 + i, addresses: [0xc6120110 + i, 0xc6120210 + i] })
const inqs = (fx: Effect[]): Message[] => fx.flatMap((e) => (e.kind === 'send' && e.msg.kind === 'inq' ? [e.msg] : []))
const answerOf = (m: Message) => (m.kind === 'inq' ? m.answer : undefined)

/** An engine that has heard `n` requestor peers on both LANs (confirmed), up everywhere. */
function cluster(n: number): Engine {
  const e = new Engine(base)
  for (let i = 0; i < n; i++)
    for (const lan of [0, 1]) e.receive(1, lan, peer(i).addresses[lan]!, inqFrom(peer(i), { lan, seq: 1 }))
  return e
}

t.test(`up to ${ANSWER_ALL_PEERS} peers every INQ asks everyone (ACKs are cheap and halve detection)`, async (t) => {
  const e = cluster(ANSWER_ALL_PEERS)
  t.same(inqs(e.tick(10)).map(answerOf), [undefined, undefined])
})

t.test('beyond that, only the peers whose ACK adds something, and each once in a while for its RTT', async (t) => {
  const n = ANSWER_ALL_PEERS + 8
  const e = cluster(n)
  const asked = new Set<number>()
  for (let round = 0; round < RTT_EVERY; round++) {
    const sent = inqs(e.tick(10 + round * 100))
    const [a] = sent.map(answerOf)
    t.ok(a !== undefined && a.length <= n / 8, `round ${round}: ${a?.length} of ${n} asked`)
    for (const id of a ?? []) asked.add(id)
    for (const lan of [0, 1])
      for (let i = 0; i < n; i++) {
        const p = peer(i)
        const at = p.addresses[lan]!
        const ask = sent[lan]!
        if (answerOf(ask)?.includes(p.from))
          e.receive(12 + round * 100, lan, at, ackFrom(p, base.nodeId, { lan, seq: ask.seq, intervalMs: 100 }))
        e.receive(60 + round * 100, lan, at, inqFrom(p, { lan, seq: 2 + round }))
      }
    e.expire(99 + round * 100)
  }
  t.equal(asked.size, n, `every peer asked once in ${RTT_EVERY} rounds`)
  const paths = e.view().peers.flatMap((p) => p.paths.map((x) => x.state))
  t.ok(
    paths.every((s) => s === 'up'),
    'no miss counted for the ACKs not asked for',
  )
})

t.test('in a large cluster about RTT_SAMPLES peers a round are asked for a sample, whatever its size', async (t) => {
  t.equal(rttEvery(ANSWER_ALL_PEERS + 8), RTT_EVERY, 'among 40 peers, each once in 16 rounds')
  t.equal(rttEvery(RTT_EVERY * RTT_SAMPLES), RTT_EVERY, 'among 256, still once in 16')
  t.equal(rttEvery(1000), 63, 'among 1000, once in 63: about 16 a round')
  // Two /16 LANs, as the wide lab has them: room for a thousand peers.
  const wide = { ...base, nodeId: 0xc6120001, addresses: [0xc6120001, 0xc6130001], prefixLens: [16, 16] }
  const member = (i: number) => ({ from: 0xc6120100 + i, addresses: [0xc6120100 + i, 0xc6130100 + i] })
  for (const n of [600, 1000]) {
    const e = new Engine(wide)
    for (let i = 0; i < n; i++)
      for (const lan of [0, 1]) e.receive(1, lan, member(i).addresses[lan]!, inqFrom(member(i), { lan, seq: 1 }))
    t.equal(e.view().peers.length, n, `${n} peers known`)
    const [a] = inqs(e.tick(10)).map(answerOf)
    const size = a?.length ?? n
    t.ok(Math.abs(size - n / rttEvery(n)) <= 1, `${size} of ${n} asked, not ${n / RTT_EVERY}`)
  }
})

t.test('a path in doubt is asked every round', async (t) => {
  const n = ANSWER_ALL_PEERS + 8
  const e = cluster(n)
  const doubtful = peer(3)
  // Its INQ on LAN A is overdue: one miss counted.
  for (let i = 0; i < n; i++)
    if (i !== 3) e.receive(120, 0, peer(i).addresses[0]!, inqFrom(peer(i), { lan: 0, seq: 2 }))
  e.expire(200)
  const [a] = inqs(e.tick(210)).map(answerOf)
  t.ok(a?.includes(doubtful.from), 'asked on LAN A')
})

t.test('a peer that says it does not hear us, and is believed, is not asked there', async (t) => {
  const n = ANSWER_ALL_PEERS + 8
  const e = cluster(n)
  const deaf = peer(5)
  e.receive(50, 0, deaf.addresses[0]!, { ...inqFrom(deaf, { lan: 0, seq: 2 }), down: [base.nodeId] })
  const [a] = inqs(e.tick(60)).map(answerOf)
  t.ok(a !== undefined, 'the INQ on LAN A names whom it asks')
  t.notOk(a?.includes(deaf.from), 'not the deaf peer: it cannot hear the INQ')
})

t.test('a receiver answers only an INQ that asks it', async (t) => {
  const e = new Engine({ ...base, requestor: false, upAfter: 5 })
  const p = peer(0)
  const acks = (fx: Effect[]) => fx.filter((x) => x.kind === 'send' && x.msg.kind === 'ack').length
  t.equal(acks(e.receive(0, 0, p.addresses[0]!, inqFrom(p, { seq: 1 }))), 1, 'every receiver (v1, ANSWER-ALL)')
  const asking = (seq: number, answer: number[]): Message => ({ ...inqFrom(p, { seq }), kind: 'inq', answer })
  t.equal(acks(e.receive(100, 0, p.addresses[0]!, asking(2, []))), 0, 'asked no one')
  const me = asking(3, [7, base.nodeId])
  t.equal(acks(e.receive(200, 0, p.addresses[0]!, me)), 1, 'asked us')
  t.equal(e.view().peers[0]!.paths[0]!.good, 3, 'every INQ counts as good, answered or not')
})
