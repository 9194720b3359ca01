// Walks every (state, event) cell of the link FSM in lib/core/path/link-fsm.ts, its hysteresis and its loss gate.
import t from 'tap'
import {
  describeLink,
  type Link,
  LinkEvent,
  LinkState,
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
  { from: L(Down, 0, 1), on: Miss, to: L(Down, 1, 0, { lossy: true }) },
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
    [Up, Up, Down, Down, Down, Down, Down],
    'a miss in between: lossy',
  )
})

t.test('a link that went down lossy comes back only after a clean window', async (t) => {
  const th3 = { failAfter: 3, upAfter: 3 }
  let link = L(Up, 0, 3)
  const run = (pattern: string) => {
    for (const c of pattern) link = linkStep(link, c === 'g' ? Good : Miss, th3)
    return link.state
  }
  t.equal(run('gmgmmgmmm'), Down, 'half lost, then three in a row')
  t.ok(link.lossy, 'lossy: more missed than the final run')
  t.equal(run('ggg'), Down, 'three good in a row are not enough')
  t.equal(run('g'.repeat(RECOVERY_WINDOW - 5)), Down, '18 good: two of the last 20 were missed')
  t.equal(run('g'), Up, 'one of the last 20')
  t.notOk(link.lossy)
})

t.test('a clean outage comes back after s good packets; a miss while coming back makes it lossy', async (t) => {
  let link = L(Up, 0, 2)
  for (let i = 0; i < 12; i++) link = linkStep(link, Miss, th)
  t.same([link.state, link.lossy], [Down, false], 'a dead port: only the run itself was lost')
  t.equal(linkStep(linkStep(link, Good, th), Good, th).state, Up, 'healed: back after s = 2')
  link = linkStep(linkStep(link, Good, th), Miss, th)
  t.ok(link.lossy, 'good, then missed again while coming back')
  t.equal(linkStep(linkStep(link, Good, th), Good, th).state, Down, 'so s good in a row are not enough any more')
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
    'missed 0/3, good 2/2, lossy: 2 of the last 9 missed, back at 1 of 20',
  )
})

t.test('describeLink shows counters against thresholds', async (t) => {
  t.equal(describeLink(L(Down, 3, 0), th), 'missed 3/3, good 0/2')
})
