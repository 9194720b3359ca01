// The one route comparison of lib/core/routes/diff.ts: added, changed and removed slots.
import t from 'tap'
import { changeSet, isEmptyChangeSet } from '../../../lib/core/routes/diff.js'
import { describeRoute, type Route } from '../../../lib/core/routes/route.js'
import { parseIPv4 } from '../../../lib/core/util/ipv4.js'

const ip = (s: string): number => parseIPv4(s)!
/** A host route in table 4207, or (with len) a gateway route in table 4208. */
const r = (dst: string, via: string, dev = 'ethb', len = 32): Route => ({
  table: len === 32 ? 4207 : 4208,
  len,
  dst: ip(dst),
  via: ip(via),
  dev,
  src: ip('198.18.1.1'),
})
const a2 = r('198.18.1.2', '198.18.2.2')
const a3 = r('198.18.1.3', '198.18.2.3')
const a3c = r('198.18.1.3', '198.18.3.3', 'ethc')
const a4 = r('198.18.1.4', '198.18.2.4')
const a5 = r('198.18.1.5', '198.18.2.5')
const gw = r('198.18.1.2', '198.18.2.254', 'ethb', 24)

const cases: Array<{
  name: string
  input: { before: Route[]; after: Route[] }
  expected: { add: Route[]; change: Route[]; remove: Route[] }
}> = [
  { name: 'nothing to nothing', input: { before: [], after: [] }, expected: { add: [], change: [], remove: [] } },
  {
    name: 'the same list: no change (a second pass)',
    input: { before: [a2, a3], after: [a3, a2] },
    expected: { add: [], change: [], remove: [] },
  },
  {
    name: 'a new route is added',
    input: { before: [a2], after: [a2, a5] },
    expected: { add: [a5], change: [], remove: [] },
  },
  {
    name: 'a route no longer wanted is removed',
    input: { before: [a2, a4], after: [a2] },
    expected: { add: [], change: [], remove: [a4] },
  },
  {
    name: 'a route via another LAN is a change, in its new form',
    input: { before: [a3], after: [a3c] },
    expected: { add: [], change: [a3c], remove: [] },
  },
  {
    name: 'all three at once',
    input: { before: [a2, a3, a4], after: [a2, a3c, a5] },
    expected: { add: [a5], change: [a3c], remove: [a4] },
  },
  {
    name: 'a host route and a gateway route for the same address are different slots',
    input: { before: [a2], after: [a2, gw] },
    expected: { add: [gw], change: [], remove: [] },
  },
  {
    name: 'everything withdrawn',
    input: { before: [a2, gw], after: [] },
    expected: { add: [], change: [], remove: [a2, gw] },
  },
]

for (const c of cases) {
  t.test(c.name, async (t) => {
    const got = changeSet(c.input.before, c.input.after)
    const show = (x: { add: readonly Route[]; change: readonly Route[]; remove: readonly Route[] }) => ({
      add: x.add.map(describeRoute),
      change: x.change.map(describeRoute),
      remove: x.remove.map(describeRoute),
    })
    t.same(show(got), show(c.expected))
    t.same(got, c.expected)
    const empty = c.expected.add.length + c.expected.change.length + c.expected.remove.length === 0
    t.equal(isEmptyChangeSet(got), empty)
  })
}
