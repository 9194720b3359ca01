// Walks every (state, event) cell of the link FSM in lib/core/path/link-fsm.ts, its hysteresis and its loss gate.
import t from 'tap'
import {
  describeLink,
  type Link,
  LinkEvent,
  LinkState,
  LOSSY_EXTRA,
  linkStep,
  NEW_LINK,
  RECOVERY_WINDOW,
} from '../../../lib/core/path/link-fsm.js'

const th = { failAfter: 3, upAfter: 2 }
const { Unknown, Up, Down } = LinkState
const { Good, Miss, NoCarrier } = LinkEvent
const L = (state: LinkState, missed: number, good: number, more: Partial<Link> = {}): Link => ({
  state,
  missed,
  good,
  recent: 0,
  seen: 0,
  lossy: false,
  ...more,
})

const cells: Array<{ from: Link; on: LinkEvent; to: Link }> = [
  { from: L(Unknown, 0, 0), on: Good, to: L(Up, 0, 1) },
  { from: L(Unknown, 0, 0), on: Miss, to: L(Unknown, 1, 0) },
  { from: L(Unknown, 2, 0), on: Miss, to: L(Down, 3, 0) },
  { from: L(Unknown, 2, 0), on: Good, to: L(Up, 0, 1) },
  { from: L(Up, 0, 1), on: Good, to: L(Up, 0, 2) },
  { from: L(Up, 0, 2), on: Good, to: L(Up, 0, 2) },
  { from: L(Up, 2, 0), on: Good, to: L(Up, 0, 1) },
  { from: L(Up, 0, 2), on: Miss, to: L(Up, 1, 0) },
  { from: L(Up, 2, 0), on: Miss, to: L(Down, 3, 0) },
  { from: L(Down, 3, 0), on: Good, to: L(Down, 0, 1) },
  { from: L(Down, 0, 1), on: Good, to: L(Up, 0, 2) },
  { from: L(Down, 0, 1), on: Miss, to: L(Down, 1, 0) },
  { from: L(Down, 3, 0), on: Miss, to: L(Down, 3, 0) },
  { from: L(Unknown, 0, 0), on: NoCarrier, to: L(Down, 3, 0) },
  { from: L(Up, 1, 0), on: NoCarrier, to: L(Down, 3, 0) },
  { from: L(Down, 0, 1), on: NoCarrier, to: L(Down, 3, 0) },
]

for (const { from, on, to } of cells) {
  t.test(`${from.state} m${from.missed} g${from.good} --${on}--> ${to.state} m${to.missed} g${to.good}`, async (t) => {
    const { recent: _r, seen: _s, ...counters } = to
    t.has(linkStep(from, on, th), counters)
  })
}

t.test('an unchanged link is returned as the same object', async (t) => {
  const down = L(Down, 3, 0, { recent: (1 << RECOVERY_WINDOW) - 1, seen: RECOVERY_WINDOW })
  t.equal(linkStep(down, Miss, th), down)
})

t.test('a good packet on a healthy path returns it as it is; one step from healthy, it moves on', async (t) => {
  const healthy = L(Up, 0, th.upAfter, { seen: RECOVERY_WINDOW })
  t.equal(linkStep(healthy, Good, th), healthy)
  // Each of these differs from healthy in one field: the good packet changes that field.
  const near: Array<[Link, Partial<Link>]> = [
    [L(Up, 0, th.upAfter - 1, { seen: RECOVERY_WINDOW }), { good: th.upAfter }],
    [L(Up, 0, th.upAfter, { seen: RECOVERY_WINDOW, recent: 1 }), { recent: 2 }],
    [L(Up, 0, th.upAfter, { seen: RECOVERY_WINDOW - 1 }), { seen: RECOVERY_WINDOW }],
    [L(Up, 0, th.upAfter + 1, { seen: RECOVERY_WINDOW }), { good: th.upAfter }],
  ]
  for (const [from, changed] of near) t.same(linkStep(from, Good, th), { ...from, ...changed })
  t.equal(linkStep(healthy, Miss, th).missed, 1, 'a miss is not taken for a good packet')
})

t.test('f misses take a link down, s good in a row bring it back, a miss in between restarts the count', async (t) => {
  let link = linkStep(NEW_LINK, Good, th)
  const run = (events: LinkEvent[]) => events.map((e) => (link = linkStep(link, e, th)).state)
  t.same(run([Miss, Miss, Good, Miss, Miss]), [Up, Up, Up, Up, Up], 'a good packet restarts the count')
  t.same(run([Miss]), [Down])
  link = L(Up, 0, 2)
  t.same(run([Miss, Miss, Miss]), [Up, Up, Down])
  t.same(run([Good, Good]), [Down, Up], 'a clean outage: back after s')
  t.same(
    run([Miss, Miss, Miss, Good, Miss, Good, Good]),
    [Up, Up, Down, Down, Down, Down, Up],
    'a miss while coming back restarts the count, no more: a healed LAN with 2% loss is not held down',
  )
})

t.test('a link that went down lossy comes back only once its loss is down to 10%', async (t) => {
  const th3 = { failAfter: 3, upAfter: 3 }
  let link = L(Up, 0, 3)
  const run = (pattern: string) => {
    for (const c of pattern) link = linkStep(link, c === 'g' ? Good : Miss, th3)
    return link.state
  }
  t.equal(run('mgmgmmgmgmmm'), Down, 'half lost, then three in a row')
  t.ok(link.lossy, `lossy: more than ${LOSSY_EXTRA} missed besides the final run`)
  t.equal(run('ggg'), Down, 'three good in a row are not enough')
  let goods = 3
  while (link.state === Down && goods < 40) {
    run('g')
    goods++
  }
  t.equal(link.state, Up, `back after ${goods} good packets`)
  t.ok(goods > 3 && goods <= RECOVERY_WINDOW, 'more than s, at most a window')
  t.notOk(link.lossy)
  link = L(Up, 0, 3)
  run('mgmgmmgmgmmm')
  // 50% random loss (a fixed seed): runs of three good packets come, the path stays down.
  let seed = 12345
  let runs = 0
  let ups = 0
  let streak = 0
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const good = seed % 100 < 50
    streak = good ? streak + 1 : 0
    if (streak === 3) runs++
    const was = link.state
    run(good ? 'g' : 'm')
    if (was === Down && link.state === Up) ups++
  }
  t.ok(runs > 100, `${runs} runs of three good packets in 2000`)
  t.ok(ups <= 1, `back at most once in 2000 packets (100 s at -t 0.1): ${ups}`)
})

t.test('a clean outage comes back after s good packets, a miss on the way back or not', async (t) => {
  let link = L(Up, 0, 2)
  for (let i = 0; i < 12; i++) link = linkStep(link, Miss, th)
  t.same([link.state, link.lossy], [Down, false], 'a dead port: only the run itself was lost')
  t.equal(linkStep(linkStep(link, Good, th), Good, th).state, Up, 'healed: back after s = 2')
  link = linkStep(linkStep(link, Good, th), Miss, th)
  t.notOk(link.lossy, 'good, then missed again while coming back: still a clean outage')
  t.equal(linkStep(linkStep(link, Good, th), Good, th).state, Up, 's good in a row bring it back')
})

t.test('2% loss before an outage does not make it lossy', async (t) => {
  let link = L(Up, 0, 2)
  // 17 packets with one miss among them, then a dead port.
  for (const c of 'ggggggggmgggggggg') link = linkStep(link, c === 'g' ? Good : Miss, th)
  for (let i = 0; i < 3; i++) link = linkStep(link, Miss, th)
  t.same([link.state, link.lossy], [Down, false])
})

t.test('a pulled cable is a clean outage, whatever came before', async (t) => {
  let link = L(Up, 0, 2)
  for (const e of [Miss, Good, Miss, Good, Miss, Miss, Good]) link = linkStep(link, e, th)
  link = linkStep(link, NoCarrier, th)
  t.same([link.state, link.lossy, link.seen], [Down, false, 0])
  t.equal(linkStep(linkStep(link, Good, th), Good, th).state, Up)
})

t.test('describeLink says why a lossy link stays down', async (t) => {
  t.equal(
    describeLink(L(Down, 0, 2, { lossy: true, recent: 0b101, seen: 9 }), th),
    'missed 0/3, good 2/2, lossy: 2 of the last 9 missed, back at 2 of 20',
  )
})

t.test('describeLink shows counters against thresholds', async (t) => {
  t.equal(describeLink(L(Down, 3, 0), th), 'missed 3/3, good 0/2')
})
