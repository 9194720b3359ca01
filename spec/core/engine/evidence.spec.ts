// Every valid packet is evidence, and nothing faild could not observe is judged: lib/core/engine/engine.ts with blindness.ts.
import t from 'tap'
import { type Effect, Engine } from '../../../lib/core/engine/engine.js'
import { DEAF_EXCUSE_PACKETS, deafExcuse, OVERLOAD_SILENCE } from '../../../lib/core/engine/timing.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { ackFrom, inqFrom } from '../../support/messages.js'
import { TWO_LANS as base, ME, PEER, PEER_ADDR } from '../../support/two-lans.js'

const PEER_SENDER = { from: PEER, addresses: PEER_ADDR }
/** A requestor's ACK carries its interval, as its INQs do. */
const ack = (lan: number, seq: number, outOfService = 0): Message =>
  ackFrom(PEER_SENDER, ME, { lan, seq, intervalMs: 100, outOfService })
const inq = (lan: number, seq: number, outOfService = 0): Message => inqFrom(PEER_SENDER, { lan, seq, outOfService })
const links = (fx: Effect[]) => fx.filter((e) => e.kind === 'link').map((e) => `${e.lan}:${e.from}->${e.to}`)
const seqOf = (fx: Effect[]) => fx.flatMap((e) => (e.kind === 'send' ? [e.msg.seq] : []))[0]!

/**
 * Both hosts requestors at 100 ms, the peer's INQs half an interval after ours: each interval, our
 * INQ (ACKed on `ackOn`) at `now`, the peer's INQ on `inqOn` at now + 50, judged as time passes.
 */
function both(e: Engine, now: number, ackOn: number[], inqOn: number[], blind = () => false, mask = 0): Effect[] {
  const out = e.tick(now)
  const seq = seqOf(out)
  for (const lan of ackOn) out.push(...e.receive(now + 1, lan, PEER_ADDR[lan]!, ack(lan, seq, mask)))
  out.push(...e.expire(now + 49, blind))
  for (const lan of inqOn) out.push(...e.receive(now + 50, lan, PEER_ADDR[lan]!, inq(lan, now / 100, mask)))
  out.push(...e.expire(now + 99, blind))
  return out
}

/** Run intervals from `from` until `to` (exclusive) and list what changed, with the time of each interval. */
function run(
  e: Engine,
  from: number,
  to: number,
  ackOn: number[],
  inqOn: number[],
  blind = () => false,
  mask = 0,
): string[] {
  const out: string[] = []
  for (let now = from; now < to; now += 100)
    for (const l of links(both(e, now, ackOn, inqOn, blind, mask))) out.push(`${now}:${l}`)
  return out
}

t.test(
  'a requestor counts the peer INQs as well as the ACKs: a dead path is found in half the intervals',
  async (t) => {
    const e = new Engine(base)
    t.same(run(e, 0, 500, [0, 1], [0, 1]), ['0:0:unknown->up', '0:1:unknown->up'], 'two streams, all good')
    // LAN A dies at 500: the ACK deadline at 549 and the INQ deadline at ~620 each count a miss.
    const down = run(e, 500, 1200, [1], [1])
    t.same(down, ['600:0:up->down'], 'three misses in the second interval, not the third')
  },
)

t.test('the peer INQs alone keep a path up when our INQs are not answered (a responder-only view)', async (t) => {
  const e = new Engine({ ...base, failAfter: 3 })
  run(e, 0, 300, [0, 1], [0, 1])
  // ACKs on A stop but the peer's INQs still arrive: every miss is followed by a good packet.
  t.same(run(e, 300, 1500, [1], [0, 1]), [], 'alternating miss and good never reaches three misses')
})

t.test('blind: no miss is counted for a window that saw faild blind', async (t) => {
  const e = new Engine(base)
  run(e, 0, 300, [0, 1], [0, 1])
  let asked = 0
  const blind = () => {
    asked++
    return true
  }
  // Nothing read at all for 5 intervals while faild was blind: no verdict.
  t.same(run(e, 300, 800, [], [], blind), [], 'nothing judged while blind')
  t.ok(asked > 0, 'blindness asked when a miss was to be counted')
  // Caught up: packets flow again, nothing went down.
  t.same(run(e, 800, 1200, [0, 1], [0, 1]), [], 'every path still up')
})

t.test('blind: the question is not asked while nothing is missed (an idle daemon reads no counters)', async (t) => {
  const e = new Engine(base)
  let asked = 0
  const blind = () => {
    asked++
    return false
  }
  run(e, 0, 1000, [0, 1], [0, 1], blind)
  t.equal(asked, 0)
})

t.test(`blind: a path silent for ${OVERLOAD_SILENCE} intervals still goes down`, async (t) => {
  const e = new Engine(base)
  run(e, 0, 300, [0, 1], [0, 1])
  const blind = () => true
  const down = run(e, 300, 300 + 100 * (OVERLOAD_SILENCE + 4), [1], [1], blind)
  t.equal(down.length, 1, 'one change')
  const at = Number(down[0]!.split(':')[0])
  t.match(down[0], /:0:up->down$/, 'LAN A down')
  t.ok(at >= 300 + 100 * (OVERLOAD_SILENCE - 1), `not before ${OVERLOAD_SILENCE} silent intervals (at ${at})`)
})

t.test('blind once: windows that opened before it are held, the ones after it judged as usual', async (t) => {
  const e = new Engine(base)
  run(e, 0, 300, [0, 1], [0, 1])
  let blindOnce = true
  const blind = () => {
    const b = blindOnce
    blindOnce = false
    return b
  }
  // LAN A dies at 300 and faild is blind at its first judgement: that window is not judged; the
  // windows after are, so LAN A goes down one window later than it would have.
  const down = run(e, 300, 1200, [1], [1], blind)
  t.same(down, ['500:0:up->down'])
})

t.test('misses while the peer says its LAN is out of service are its outage, not loss', async (t) => {
  const e = new Engine(base) // no flap damping: the link's loss gate alone
  run(e, 0, 300, [0, 1], [0, 1])
  let now = 300
  const flaps = (mask: number) => {
    const ups: string[] = []
    for (let flap = 0; flap < 4; flap++, now += 700) {
      // Its cable on LAN A is out for 3 intervals (its packets on B say so with `mask`), then in for 4.
      run(e, now, now + 300, [1], [1], () => false, mask)
      ups.push(...run(e, now + 300, now + 700, [0, 1], [0, 1]).filter((l) => l.endsWith('0:down->up')))
    }
    return ups.length
  }
  t.equal(flaps(1), 4, 'the peer said so: back after every flap, each a clean outage')
  const unexplained = flaps(0)
  t.ok(
    unexplained <= 1,
    `the same misses unexplained are loss: the loss gate holds the path down (back ${unexplained} of 4 times)`,
  )
})

t.test(
  'a peer that begins to say it does not hear us while we are blind is believed only after 20 packets',
  async (t) => {
    const deaf = (e: Engine, now: number, blind: boolean) =>
      e.receive(now, 0, PEER_ADDR[0]!, { ...inq(0, now, 0), down: [ME] }, () => blind)
    const seen = new Engine(base)
    run(seen, 0, 300, [0, 1], [0, 1])
    t.same(links(deaf(seen, 300, false)), ['0:up->down'], 'not blind: believed at once (a one-way fault)')

    const e = new Engine(base)
    run(e, 0, 300, [0, 1], [0, 1])
    const changes: string[] = []
    for (let i = 0; i < 25; i++) changes.push(...links(deaf(e, 300 + i * 10, i === 0)).map((l) => `${i}:${l}`))
    t.same(changes, [`${DEAF_EXCUSE_PACKETS - 1}:0:up->down`], 'blind when it began: down at the 20th packet saying so')
  },
)

t.test('at -s 30 the excuse lasts as long as the peer needs to take our path up again: 64 packets', async (t) => {
  const deaf = (e: Engine, now: number, blind: boolean) =>
    e.receive(now, 0, PEER_ADDR[0]!, { ...inq(0, now, 0), down: [ME] }, () => blind)
  const e = new Engine({ ...base, upAfter: 30 })
  run(e, 0, 300, [0, 1], [0, 1])
  const changes: string[] = []
  for (let i = 0; i < 70; i++) changes.push(...links(deaf(e, 300 + i * 10, i === 0)).map((l) => `${i}:${l}`))
  t.same(changes, [`${deafExcuse(30) - 1}:0:up->down`])
  t.equal(deafExcuse(30), 64)
  t.equal(deafExcuse(3), DEAF_EXCUSE_PACKETS, 'at the usual -s, twenty')
})

t.test(
  'a word on the LANs out of service older than the one taken changes nothing (packets read out of order)',
  async (t) => {
    const e = new Engine(base)
    run(e, 0, 500, [0, 1], [0, 1])
    // The peer's cable on LAN A is pulled: its notice (seq 100) on LAN B marks LAN A out of service.
    const ourSeq = seqOf(e.tick(500))
    const notice = { ...inq(1, 100, 0b01), intervalMs: 0 }
    t.same(links(e.receive(510, 1, PEER_ADDR[1]!, notice)), ['0:up->down'], 'the notice takes LAN A down at once')
    // Read after it, from other sockets: the peer's INQ sent before the pull, and its ACK to our INQ
    // sent before the notice was read, both saying every LAN is in service.
    t.same(links(e.receive(511, 0, PEER_ADDR[0]!, inq(0, 99))), [], 'an older INQ: LAN A stays down')
    t.same(links(e.receive(512, 0, PEER_ADDR[0]!, ack(0, ourSeq))), [], 'an ACK to an earlier INQ of ours: the same')
    t.equal(e.view().peers[0]!.paths[0]!.peerOutOfService, true, 'the mark holds')
    // Newer word: its next INQ (after the cable is back) clears the mark.
    e.receive(560, 1, PEER_ADDR[1]!, inq(1, 101))
    t.equal(e.view().peers[0]!.paths[0]!.peerOutOfService, false, 'a newer INQ clears it')
  },
)

t.test(
  'without a key an old sequence number is refused for one interval only: a forged one cannot lock the word out',
  async (t) => {
    const e = new Engine(base)
    run(e, 0, 500, [0, 1], [0, 1])
    e.receive(510, 1, PEER_ADDR[1]!, { ...inq(1, 0x7ffffff0, 0b01), intervalMs: 0 })
    e.receive(540, 1, PEER_ADDR[1]!, inq(1, 6))
    t.equal(e.view().peers[0]!.paths[0]!.peerOutOfService, true, 'within the interval: held')
    e.receive(640, 1, PEER_ADDR[1]!, inq(1, 7))
    t.equal(e.view().peers[0]!.paths[0]!.peerOutOfService, false, 'an interval later: taken')
  },
)

/** Packets from the peer on LAN A saying it does not hear us, one every 10 ms from `from`; when each changed a path. */
function deafFrom(e: Engine, from: number, count: number): string[] {
  const changes: string[] = []
  for (let i = 0; i < count; i++) {
    const now = from + i * 10
    const fx = e.receive(now, 0, PEER_ADDR[0]!, { ...inq(0, now, 0), down: [ME] }, () => false)
    changes.push(...links(fx).map((l) => `${i}:${l}`))
  }
  return changes
}

t.test(
  'a peer that begins to say it does not hear us while our own INQs are overdue is believed only after 20 packets',
  async (t) => {
    // The kernel dropped nothing (blind() says no), but our loop stalled: no INQ since 200, and a
    // peer waits 120 ms for the next. Its deafness is our lateness, not the LAN.
    const e = new Engine(base)
    run(e, 0, 300, [0, 1], [0, 1])
    t.same(
      deafFrom(e, 450, 25),
      [`${DEAF_EXCUSE_PACKETS - 1}:0:up->down`],
      'no INQ for 250 ms: down at the 20th packet',
    )
  },
)

t.test('so is one that begins soon after our INQ went out late, and not later', async (t) => {
  const e = new Engine(base)
  run(e, 0, 300, [0, 1], [0, 1])
  e.tick(450) // 250 ms after the one before: the peers counted it missed
  t.same(deafFrom(e, 460, 25), [`${DEAF_EXCUSE_PACKETS - 1}:0:up->down`], 'just after it: down at the 20th packet')
  const late = new Engine(base)
  run(late, 0, 300, [0, 1], [0, 1])
  late.tick(450)
  const end = 500 + 100 * OVERLOAD_SILENCE
  run(late, 500, end, [0, 1], [0, 1])
  t.same(
    deafFrom(late, end, 1),
    ['0:0:up->down'],
    `${OVERLOAD_SILENCE} intervals of INQs on time later: believed at once`,
  )
})

t.test(
  'an INQ late by less than a stall excuses nothing: a one-way fault just after it is believed at once',
  async (t) => {
    const e = new Engine(base)
    run(e, 0, 300, [0, 1], [0, 1])
    // The INQ due at 300 goes out at 340: beyond the peers' grace (they counted one miss), short
    // of half an interval (STALL_INTERVALS). With the grace as the bound, it excused a real one-way
    // fault for 20 packets.
    e.tick(340)
    t.same(deafFrom(e, 350, 1), ['0:0:up->down'], 'believed at the first packet')
    const stalled = new Engine(base)
    run(stalled, 0, 300, [0, 1], [0, 1])
    stalled.tick(350) // half an interval late: a stall
    t.same(deafFrom(stalled, 360, 25), [`${DEAF_EXCUSE_PACKETS - 1}:0:up->down`], 'half an interval late: excused')
  },
)

t.test('a peer owes its ACKs while its deafness is excused, and not once it is believed', async (t) => {
  /** Misses on LAN A judged at 600 of our unanswered INQs since 300 (the peer's at 460 and 510 keep its own deadline off). */
  const missedAfter = (ticks: number[]) => {
    const e = new Engine(base)
    run(e, 0, 300, [0, 1], [0, 1])
    for (const at of ticks) e.tick(at)
    deafFrom(e, 460, 1)
    e.tick(500)
    deafFrom(e, 510, 1)
    e.expire(600, () => false)
    return e.view().peers[0]!.paths[0]!.missed
  }
  t.equal(missedAfter([450]), 2, 'after a stall (excused): its unanswered rounds of 450 and 500 are misses')
  t.equal(missedAfter([300, 400]), 0, 'on time (believed): no miss, it cannot hear the INQs')
})

t.test('so is one that begins soon after a judgement found faild blind (it read the drop counter first)', async (t) => {
  const e = new Engine(base)
  run(e, 0, 300, [0, 1], [0, 1])
  let asked = 0
  // The ACKs of 300 are missed while faild is blind: that judgement reads (and resets) the kernel's
  // drop counter, so the peer's first deaf packet just after finds no new drops there.
  both(e, 300, [], [0, 1], () => ++asked > 0)
  t.ok(asked > 0, 'the judgement asked and found faild blind')
  t.same(deafFrom(e, 360, 25), [`${DEAF_EXCUSE_PACKETS - 1}:0:up->down`], 'down at the 20th packet, not the first')
})

t.test('a peer that says it does not hear us owes no ACK: its INQs alone judge whether we hear it', async (t) => {
  const e = new Engine(base)
  run(e, 0, 300, [0, 1], [0, 1])
  // From 300 the peer hears nothing of ours on LAN A, and says so in its INQs there, which still
  // reach us; one of them, at 650, is lost. Our INQs on A go unanswered all along.
  const seen: string[] = []
  for (let now = 300; now < 1500; now += 100) {
    const seq = seqOf(e.tick(now))
    e.receive(now + 1, 1, PEER_ADDR[1]!, ack(1, seq))
    e.expire(now + 49, () => false)
    if (now !== 600) e.receive(now + 50, 0, PEER_ADDR[0]!, { ...inq(0, now / 100), down: [ME] })
    e.receive(now + 50, 1, PEER_ADDR[1]!, inq(1, now / 100))
    e.expire(now + 99, () => false)
    seen.push(e.view().peers[0]!.paths[0]!.observed)
  }
  t.same(new Set(seen), new Set([LinkState.Up]), 'we hear it on LAN A all along: one lost INQ is one miss')
  t.equal(e.view().peers[0]!.paths[0]!.state, LinkState.Down, 'and the path is down: it does not hear us')
})
