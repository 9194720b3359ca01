// core/targets/targets.ts: answers are good packets, each passed deadline a miss, a lost carrier down at once.
import t from 'tap'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { targetState, targetState6, targetText } from '../../../lib/core/targets/target-lookup.js'
import { Targets } from '../../../lib/core/targets/targets.js'
import { parseIPv6 } from '../../../lib/core/util/ipv6.js'

const ROUTER = 0xc61201fe
const CFG = { intervalMs: 100, failAfter: 3, upAfter: 2 }
const states = (tg: Targets) => tg.view().map((v) => v.state)

t.test(
  'answers bring a target up; a dead port is down failAfter probe periods (half intervals) after the last answer',
  async (t) => {
    const tg = new Targets([{ address: ROUTER, lan: 0, method: 'icmp' }], CFG)
    t.same(states(tg), [LinkState.Unknown], 'unknown before any answer')
    t.equal(tg.nextDeadline(), Infinity, 'nothing due before the first answer')
    t.same(
      tg.answer(0, 0, 0.05).map((c) => `${c.from}->${c.to}`),
      ['unknown->up'],
    )
    for (let n = 1; n <= 5; n++) tg.answer(n * 50, 0)
    t.same(tg.expire(309), [], 'not late yet: a probe period and a 10 ms grace after the answer')
    t.same(tg.expire(310), [], 'one miss')
    t.equal(tg.view()[0]!.missed, 1)
    t.same(tg.expire(360), [], 'two')
    t.equal(tg.view()[0]!.missed, 2)
    const down = tg.expire(410)
    t.same(
      down.map((c) => `${c.from}->${c.to} ${c.link.missed}`),
      ['up->down 3'],
      'the third: 160 ms after the last answer',
    )
    t.equal(tg.nextDeadline(), 460, 'misses go on being counted')
    tg.answer(450, 0)
    t.same(
      tg.answer(500, 0).map((c) => c.to),
      [LinkState.Up],
      'back after upAfter answers',
    )
  },
)

t.test("a lost carrier on the target's LAN takes it down at once; other LANs' targets are untouched", async (t) => {
  const tg = new Targets(
    [
      { address: ROUTER, lan: 0, method: 'icmp' },
      { address: ROUTER + 0x100, lan: 1, method: 'icmp' },
    ],
    CFG,
  )
  tg.answer(0, 0)
  tg.answer(0, 1)
  const lost = tg.carrier(50, 0, false)
  t.same(
    lost.map((c) => [c.address, c.to, c.carrier]),
    [[ROUTER, LinkState.Down, true]],
  )
  t.same(tg.carrier(60, 0, true), [], 'carrier back: it still needs answers')
  t.same(states(tg), [LinkState.Down, LinkState.Up])
  t.equal(targetState(tg.view(), 0, ROUTER), LinkState.Down)
  t.equal(targetState(tg.view(), 1, ROUTER), undefined, 'a target is one address on one LAN')
  t.same(
    tg.view().map((v) => v.downSince),
    [50, -Infinity],
    'when each went down: never for the one still up (failback: false takes a gateway that never failed)',
  )
})

t.test('a new interval applies from the next answer on', async (t) => {
  const tg = new Targets([{ address: ROUTER, lan: 0, method: 'icmp' }], CFG)
  tg.configure({ ...CFG, intervalMs: 1000 })
  tg.answer(0, 0)
  t.equal(tg.nextDeadline(), 550, 'half an interval and 10% of it later')
})

t.test('while faild is blind, a miss counts only for a target silent for OVERLOAD_SILENCE intervals', async (t) => {
  const tg = new Targets([{ address: ROUTER, lan: 0, method: 'icmp' }], CFG)
  for (let n = 0; n <= 5; n++) tg.answer(n * 100, 0)
  let asked = 0
  const blind = () => {
    asked++
    return true
  }
  t.same(tg.expire(900, blind), [], 'three deadlines passed, but faild was blind: held')
  t.equal(asked, 1, 'asked once')
  t.same(states(tg), [LinkState.Up])
  const late = tg.expire(1511, blind)
  t.same(
    late.map((c) => c.to),
    [LinkState.Down],
    'silent for ten intervals: down all the same',
  )
  t.equal(new Targets([], CFG).expire(0, blind).length, 0)
})

t.test('an IPv6 target: judged alike, found by its IPv6 address (never by its IPv4 0), named by it', async (t) => {
  const v6 = parseIPv6('fd00:1:a::fe')!
  const tg = new Targets([{ address: 0, ipv6: v6, lan: 0, method: 'arp' }], {
    intervalMs: 100,
    failAfter: 3,
    upAfter: 3,
  })
  const changes = [0, 50, 100].flatMap((now) => tg.answer(now, 0))
  t.same(
    changes.map((c) => [targetText(c), c.to]),
    [['fd00:1:a::fe', LinkState.Up]],
  )
  t.equal(targetState6(tg.view(), 0, parseIPv6('FD00:1:A::FE')!), LinkState.Up)
  t.equal(targetState6(tg.view(), 1, v6), undefined, 'one address on one LAN')
  t.equal(targetState(tg.view(), 0, 0), undefined, 'not an IPv4 target of address 0')
})
