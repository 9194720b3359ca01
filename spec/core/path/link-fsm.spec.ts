// Walks every (state, event) cell of the link FSM in lib/link-health.ts, and its hysteresis.
import t from 'tap'
import { describeLink, type Link, LinkEvent, LinkState, linkStep, NEW_LINK } from '../../../lib/core/path/link-fsm.js'

const th = { failAfter: 3, upAfter: 2 }
const { Unknown, Up, Down } = LinkState
const { Good, Miss, NoCarrier } = LinkEvent
const L = (state: LinkState, missed: number, good: number): Link => ({ state, missed, good })

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
    t.same(linkStep(from, on, th), to)
  })
}

t.test('an unchanged link is returned as the same object', async (t) => {
  const down = L(Down, 3, 0)
  t.equal(linkStep(down, Miss, th), down)
})

t.test('f misses take a link down, s good in a row bring it back, a miss in between restarts the count', async (t) => {
  let link = linkStep(NEW_LINK, Good, th)
  const run = (events: LinkEvent[]) => events.map((e) => (link = linkStep(link, e, th)).state)
  t.same(run([Miss, Miss, Miss]), [Up, Up, Down])
  t.same(run([Good, Miss, Good, Good]), [Down, Down, Down, Up])
})

t.test('describeLink shows counters against thresholds', async (t) => {
  t.equal(describeLink(L(Down, 3, 0), th), 'missed 3/3, good 0/2')
})
