// OVERLOAD: a host whose INQs went out late, or that was blind, says how far behind it is; its peers wait for it that much longer.
import t from 'tap'
import { type Effect, Engine } from '../../../lib/core/engine/engine.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { ackFrom, inqFrom } from '../../support/messages.js'
import { TWO_LANS as base, ME, MY_ADDR, PEER, PEER_ADDR } from '../../support/two-lans.js'

const PEER_SENDER = { from: PEER, addresses: PEER_ADDR }
const inq = (lan: number, seq: number, over: Partial<Message> = {}): Message =>
  inqFrom(PEER_SENDER, { lan, seq, ...over })
const sent = (fx: Effect[]) => fx.flatMap((e) => (e.kind === 'send' ? [e.msg] : []))
const behind = (fx: Effect[]) => sent(fx).map((m) => m.overloadMs)
const missed = (e: Engine) => e.view().peers[0]!.paths.map((p) => p.missed)

t.test('INQs that went out late say by how much, and stop once faild kept time for 10 intervals', async (t) => {
  const e = new Engine(base)
  t.same(behind(e.tick(0)), [undefined, undefined])
  t.same(behind(e.tick(100)), [undefined, undefined], 'on time: nothing said')
  t.same(behind(e.tick(400)), [200, 200], '200 ms late beyond the interval')
  t.same(behind(e.receive(401, 0, PEER_ADDR[0]!, inq(0, 1))), [200], 'the ACK to a peer says it too')
  for (let now = 500; now < 1400; now += 100) e.tick(now)
  t.same(behind(e.tick(1400)), [200, 200], 'on time since, but within 10 intervals of the late INQ')
  t.same(behind(e.tick(1500)), [undefined, undefined], 'on time for longer: caught up')
})

t.test('a faild found blind says one interval at least', async (t) => {
  const e = new Engine(base)
  e.tick(0)
  e.receive(1, 0, PEER_ADDR[0]!, inq(0, 1))
  e.tick(100)
  e.expire(125, () => true) // the peer's INQ is overdue, and faild may not have read it
  t.same(behind(e.tick(200)), [100, 100])
})

t.test('a peer that says it is behind: its INQs are waited for that much longer, up to 10 intervals', async (t) => {
  const e = new Engine({ ...base, requestor: false })
  const both = (now: number, seq: number, over: Partial<Message> = {}) => {
    for (const lan of [0, 1]) e.receive(now, lan, PEER_ADDR[lan]!, inq(lan, seq, over))
  }
  both(0, 1, { overloadMs: 300 })
  t.equal(e.nextDeadline(), 120 + 300, 'the interval, the grace and what it said')
  both(100, 2, { overloadMs: 60_000 })
  t.equal(e.nextDeadline(), 100 + 120 + 1000, 'no more than 10 of its 100 ms intervals')
  both(200, 3)
  t.equal(e.nextDeadline(), 200 + 120, 'a packet that says nothing: it caught up')
})

t.test('a peer that says it is behind is judged by its INQs alone, not by the ACKs it owes', async (t) => {
  const e = new Engine(base)
  e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1, { overloadMs: 200 }))
  e.receive(0, 1, PEER_ADDR[1]!, inq(1, 1, { overloadMs: 200 }))
  e.receive(1, 0, PEER_ADDR[0]!, ackFrom(PEER_SENDER, ME, { lan: 0, seq: 0, overloadMs: 200 }))
  e.tick(100)
  e.receive(120, 0, PEER_ADDR[0]!, inq(0, 2, { overloadMs: 200 }))
  e.expire(160)
  t.same(missed(e), [0, 0], 'no ACK on either LAN: late, not lost')
  e.expire(330)
  t.same(missed(e), [0, 1], 'LAN B silent past its widened INQ deadline (0 + 120 + 200): a miss')
  e.receive(400, 0, PEER_ADDR[0]!, inq(0, 3))
  e.tick(400)
  e.receive(420, 0, PEER_ADDR[0]!, inq(0, 4))
  e.expire(460)
  t.same(missed(e)[0], 1, 'caught up: the ACK it owes counts again')
})

t.test('a peer that begins or stops saying it is behind is an event, once each', async (t) => {
  const e = new Engine({ ...base, requestor: false })
  const told = (fx: Effect[]) => fx.flatMap((x) => (x.kind === 'behind' ? [x.ms] : []))
  t.same(told(e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1))), [], 'keeping up: nothing to say')
  t.same(told(e.receive(100, 0, PEER_ADDR[0]!, inq(0, 2, { overloadMs: 150 }))), [150])
  t.equal(e.view().peers[0]!.behindMs, 150, 'and the view says so (faildctl status)')
  t.same(told(e.receive(200, 0, PEER_ADDR[0]!, inq(0, 3, { overloadMs: 180 }))), [], 'still behind')
  t.same(told(e.receive(250, 1, PEER_ADDR[1]!, inq(1, 4, { intervalMs: 0 }))), [], 'a notice says nothing of it')
  t.same(told(e.receive(300, 0, PEER_ADDR[0]!, inq(0, 5))), [0], 'caught up')
})

t.test('a round that only a peer saying it is behind still owes is settled: it wakes no one', async (t) => {
  const e = new Engine(base)
  const OTHER = { from: 0xc6120103, addresses: [0xc6120103, 0xc6120203] }
  for (const lan of [0, 1]) {
    e.receive(0, lan, PEER_ADDR[lan]!, inq(lan, 1, { overloadMs: 200 }))
    e.receive(0, lan, OTHER.addresses[lan]!, inqFrom(OTHER, { lan, seq: 1 }))
  }
  const rounds = sent(e.tick(10))
  const owed = e.nextDeadline()
  t.ok(owed < 120, 'the rounds are due before any INQ')
  for (const m of rounds) e.receive(12, m.lan, OTHER.addresses[m.lan]!, ackFrom(OTHER, ME, { lan: m.lan, seq: m.seq }))
  t.ok(e.nextDeadline() >= 120, 'the peer that keeps up answered: nothing is due before an INQ is')
})

t.test('after a reload that shortens the interval, the INQ due at the old one is on time', async (t) => {
  const e = new Engine({ ...base, intervalMs: 1000 })
  e.tick(0)
  e.configure({ failAfter: 3, upAfter: 2, intervalMs: 100 })
  t.same(behind(e.tick(1000)), [undefined, undefined], 'scheduled before the reload: it keeps its time')
  t.same(behind(e.tick(1100)), [undefined, undefined], 'the next follows the new interval')
  t.same(behind(e.tick(1400)), [200, 200], 'and is late by it')
})

t.test('no address to send from: the first INQ once there is one again is not late', async (t) => {
  const e = new Engine(base)
  e.tick(0)
  for (const lan of [0, 1]) e.readdress(50, lan, 0, 24)
  for (let now = 100; now < 1000; now += 100) t.same(sent(e.tick(now)), [], `nothing to send at ${now}`)
  for (const lan of [0, 1]) e.readdress(950, lan, MY_ADDR[lan]!, 24)
  t.same(behind(e.tick(1000)), [undefined, undefined])
})

t.test('a packet that finds faild blind holds the next judgement too', async (t) => {
  const e = new Engine(base)
  const seq = sent(e.tick(0))[0]!.seq
  for (const lan of [0, 1]) {
    e.receive(1, lan, PEER_ADDR[lan]!, inq(lan, 1))
    e.receive(1, lan, PEER_ADDR[lan]!, ackFrom(PEER_SENDER, ME, { lan, seq }))
  }
  // The peer begins to say it does not hear us, and the socket dropped packets meanwhile.
  e.receive(50, 0, PEER_ADDR[0]!, inq(0, 2, { down: [ME] }), () => true)
  t.equal(e.lastBlind, 50)
  e.expire(125, () => false) // LAN B's INQ overdue: its window opened before faild was found blind
  t.same(missed(e), [0, 0], 'not judged: the INQ may have been among the drops')
  e.expire(225, () => false)
  t.same(missed(e), [1, 1], 'windows opened after: judged (LAN A silent since its INQ at 50)')
})

t.test(
  'back from a stall of many intervals: silence counts from the end of the stall, not from the last packet read',
  async (t) => {
    const e = new Engine({ ...base, requestor: false })
    const both = (now: number, seq: number) => {
      for (const lan of [0, 1]) e.receive(now, lan, PEER_ADDR[lan]!, inq(lan, seq))
    }
    for (let seq = 1; seq <= 5; seq++) both(seq * 100, seq)
    // The event loop stalls 1.5 s: the socket overflowed, and the drain reads LAN B's queued INQ, not LAN A's.
    e.stalled(2000)
    e.receive(2000, 1, PEER_ADDR[1]!, inq(1, 20))
    e.expire(2001, () => true)
    t.same(
      e.view().peers[0]!.paths.map((p) => p.state),
      ['up', 'up'],
      'LAN A silent 1.5 s, but faild read nothing for 1.5 s: held',
    )
    /** LAN B's INQs alone, every interval from `from` to `to`, each judged blind. */
    const onlyB = (from: number, to: number) => {
      for (let now = from; now <= to; now += 100) {
        e.receive(now, 1, PEER_ADDR[1]!, inq(1, now / 100))
        e.expire(now + 21, () => true)
      }
    }
    onlyB(2100, 3000)
    t.same(
      e.view().peers[0]!.paths.map((p) => p.state),
      ['up', 'up'],
      'within 10 intervals of the stall still held',
    )
    onlyB(3100, 3400)
    t.equal(
      e.view().peers[0]!.paths[0]!.state,
      'down',
      'silent while faild read for 10 intervals and more: a real fault',
    )
  },
)

t.test(
  'a down list cut to a window (DOWN-TOTAL) that does not name us says nothing of whether the peer hears us',
  async (t) => {
    const e = new Engine({ ...base, requestor: false })
    const hears = () => e.view().peers[0]!.paths.map((p) => p.hearsUs)
    for (const lan of [0, 1]) e.receive(0, lan, PEER_ADDR[lan]!, inq(lan, 1))
    e.receive(100, 0, PEER_ADDR[0]!, inq(0, 2, { down: [ME, 0x0a000001], downTotal: 300 }))
    t.same(hears(), [false, true], 'named: not heard')
    const window = (now: number, seq: number) =>
      e.receive(now, 0, PEER_ADDR[0]!, inq(0, seq, { down: [0x0a000002, 0x0a000003], downTotal: 300 }))
    window(200, 3)
    t.same(hears(), [false, true], 'a window without us: still not heard')
    for (let seq = 4; seq < 4 + 148; seq++) window(seq * 10, seq)
    t.same(hears(), [false, true], '149 windows of 2 without us: not yet a whole turn of 300')
    window(1600, 200)
    t.same(hears(), [true, true], 'the 150th: a whole turn without us, so it hears us again')
    e.receive(1700, 0, PEER_ADDR[0]!, inq(0, 201, { down: [ME] }))
    e.receive(1800, 0, PEER_ADDR[0]!, inq(0, 202, { down: [0x0a000002] }))
    t.same(hears(), [true, true], 'a whole list without us: heard at once')
  },
)
