// The pure route planners of lib/core/routes/plan.ts and plan-gateways.ts: which host and gateway routes faild wants.
import t from 'tap'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { planRoutes, planRoutes6 } from '../../../lib/core/routes/plan.js'
import { type PlanGateway6, planGateways, planGateways6 } from '../../../lib/core/routes/plan-gateways.js'
import type { PlanLan, PlanPath, PlanPeer } from '../../../lib/core/routes/plan-input.js'
import { describeRoute } from '../../../lib/core/routes/route.js'
import { describeRoute6 } from '../../../lib/core/routes/route6.js'
import { parseIPv4 } from '../../../lib/core/util/ipv4.js'
import { parseIPv6 } from '../../../lib/core/util/ipv6.js'

const ip = (s: string): number => parseIPv4(s)!
const { Up, Down, Unknown } = LinkState
const lans2 = [
  { iface: 'etha', address: ip('198.18.1.1'), prefixLen: 24, preference: 0 },
  { iface: 'ethb', address: ip('198.18.2.1'), prefixLen: 24, preference: 1 },
]
const lans3 = [...lans2, { iface: 'ethc', address: ip('198.18.3.1'), prefixLen: 24, preference: 2 }]
/** LAN C preferred over LAN B to carry LAN A's traffic. */
const lans3cFirst = [
  lans2[0]!,
  { ...lans2[1]!, preference: 5 },
  { iface: 'ethc', address: ip('198.18.3.1'), prefixLen: 24, preference: 1 },
]
/** Planning at t=1000 with -s 3. */
const CTX = { table: 4207, now: 1000, upAfter: 3 }
/** A peer whose up paths came up at t=0 and were heard at t=1000, and whose down paths went down at t=1000. */
const peer = (...states: LinkState[]): PlanPeer => ({
  intervalMs: 100,
  lans: states.map((state, i) => ({
    address: ip(`198.18.${i + 1}.2`),
    state,
    lastHeard: state === Up ? 1000 : 0,
    downSince: state === Down ? 1000 : -Infinity,
    upSince: state === Up ? 0 : -Infinity,
  })),
})
/** The peer holds service address `address` on LAN `lan`. */
const serving = (p: PlanPeer, address: string, lan: number): PlanPeer => ({
  ...p,
  services: [{ address: ip(address), len: 24, lan }],
})
/** Set fields of one path of a peer. */
const withPath = (p: PlanPeer, lan: number, over: Partial<PlanPath>): PlanPeer => ({
  ...p,
  lans: p.lans.map((x, i) => (i === lan ? { ...x, ...over } : x)),
})

const cases: Array<{ name: string; lans: typeof lans2; peers: PlanPeer[]; want: string[] }> = [
  { name: 'all up: nothing', lans: lans2, peers: [peer(Up, Up)], want: [] },
  { name: 'never heard: nothing', lans: lans2, peers: [peer(Unknown, Unknown)], want: [] },
  { name: 'A unknown, B up: nothing without evidence', lans: lans2, peers: [peer(Unknown, Up)], want: [] },
  {
    name: 'A down: A via B',
    lans: lans2,
    peers: [peer(Down, Up)],
    want: ['198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1'],
  },
  {
    name: 'B down: B via A',
    lans: lans2,
    peers: [peer(Up, Down)],
    want: ['198.18.2.2 via 198.18.1.2 dev etha src 198.18.2.1'],
  },
  { name: 'down everywhere: the peer is gone, not a path', lans: lans2, peers: [peer(Down, Down)], want: [] },
  { name: 'A down, B unknown: no proven alternative', lans: lans2, peers: [peer(Down, Unknown)], want: [] },
  {
    name: 'three LANs, A down: via B, the first up in LAN order',
    lans: lans3,
    peers: [peer(Down, Up, Up)],
    want: ['198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1'],
  },
  {
    name: 'three LANs, A and B down: both via C',
    lans: lans3,
    peers: [peer(Down, Down, Up)],
    want: ['198.18.1.2 via 198.18.3.2 dev ethc src 198.18.1.1', '198.18.2.2 via 198.18.3.2 dev ethc src 198.18.2.1'],
  },
  {
    name: 'a peer with no address on a LAN is not routed there',
    lans: lans2,
    peers: [withPath(peer(Down, Up), 1, { address: 0 })],
    want: [],
  },
  {
    name: 'B last heard well before A went down (the host died, B not yet judged): nothing',
    lans: lans2,
    peers: [withPath(peer(Down, Up), 1, { lastHeard: 850 })],
    want: [],
  },
  {
    name: 'B heard within an interval before A went down: A via B',
    lans: lans2,
    peers: [withPath(peer(Down, Up), 1, { lastHeard: 950 })],
    want: ['198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1'],
  },
  {
    name: 'three LANs, B stale, C fresh: A via C',
    lans: lans3,
    peers: [withPath(peer(Down, Up, Up), 1, { lastHeard: 100 })],
    want: ['198.18.1.2 via 198.18.3.2 dev ethc src 198.18.1.1'],
  },
  {
    name: 'preference: a more preferred LAN C carries before LAN B',
    lans: lans3cFirst,
    peers: [peer(Down, Up, Up)],
    want: ['198.18.1.2 via 198.18.3.2 dev ethc src 198.18.1.1'],
  },
  {
    name: 'two entries claiming one address: the first wins',
    lans: lans2,
    peers: [peer(Down, Up), peer(Down, Up)],
    want: ['198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1'],
  },
  {
    name: "a service address held on LAN A, A's subnet: the connected route carries it",
    lans: lans2,
    peers: [serving(peer(Up, Up), '198.18.1.100', 0)],
    want: [],
  },
  {
    name: 'a service address of subnet A moved to LAN B: on-link out of B',
    lans: lans2,
    peers: [serving(peer(Down, Up), '198.18.1.100', 1)],
    want: ['198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1', '198.18.1.100 dev ethb src 198.18.2.1'],
  },
  {
    name: 'a service address on a dead path takes its detour',
    lans: lans2,
    peers: [serving(peer(Down, Up), '198.18.1.100', 0)],
    want: ['198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1', '198.18.1.100 via 198.18.2.2 dev ethb src 198.18.1.1'],
  },
  {
    name: 'a service address held on a LAN whose path is not up: nothing to route it by',
    lans: lans2,
    peers: [serving(peer(Up, Unknown), '198.18.1.100', 1)],
    want: [],
  },
  {
    name: "a peer's address is not taken over by another's service address",
    lans: lans2,
    peers: [peer(Down, Up), serving(peer(Up, Up), '198.18.1.2', 1)],
    want: ['198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1'],
  },
]

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.same(planRoutes(c.lans, c.peers, CTX).routes.map(describeRoute), c.want)
  })
}

t.test('one address claimed by two peers: neither is believed, in either order', async (t) => {
  const claims = [serving(peer(Up, Up), '198.18.1.100', 1), serving(peer(Up, Up), '198.18.1.100', 0)]
  t.same(planRoutes(lans2, claims, CTX).routes, [])
  t.same(planRoutes(lans2, [...claims].reverse(), CTX).routes, [])
})

t.test("a claim of another peer's own address never takes its detour, whichever peer comes first", async (t) => {
  const victim: PlanPeer = {
    ...peer(Down, Up),
    lans: peer(Down, Up).lans.map((x) => ({ ...x, address: x.address + 1 })),
  }
  const claimant = serving(peer(Down, Up), '198.18.1.3', 1)
  const want = [
    '198.18.1.3 via 198.18.2.3 dev ethb src 198.18.1.1',
    '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1',
  ]
  t.same(planRoutes(lans2, [victim, claimant], CTX).routes.map(describeRoute), want)
  t.same(planRoutes(lans2, [claimant, victim], CTX).routes.map(describeRoute).sort(), [...want].sort())
})

t.test("this host's own service address is never routed after a peer's claim", async (t) => {
  const claims = [serving(peer(Up, Up), '198.18.1.100', 1), serving(peer(Down, Up), '198.18.1.101', 0)]
  const own = new Set([ip('198.18.1.100'), ip('198.18.1.101')])
  t.same(planRoutes(lans2, claims, { ...CTX, notServices: own }).routes.map(describeRoute), [
    '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1',
  ])
})

t.test('a path held back for lack of fresh evidence is reported as waiting', async (t) => {
  t.equal(planRoutes(lans2, [withPath(peer(Down, Up), 1, { lastHeard: 850 })], CTX).waiting, 1)
  t.equal(planRoutes(lans2, [peer(Down, Up)], CTX).waiting, 0, 'not when it is routed')
  t.equal(planRoutes(lans2, [peer(Down, Down)], CTX).waiting, 0, 'nor when there is no alternative at all')
})

t.test('on IPv6-only LANs too: an IPv6 swap held back is reported as waiting', async (t) => {
  const v6 = (s: string) => parseIPv6(s)!
  const lans = lans2.map((l, i) => ({ ...l, address: 0, ipv6: { address: v6(`fd00:${i + 1}::1`), prefixLen: 64 } }))
  // Known by handles (core/link-handles.ts), with IPv6 addresses: planRoutes has nothing to do with them.
  const only6 = (p: PlanPeer): PlanPeer => ({
    ...p,
    lans: p.lans.map((x, i) => ({ ...x, address: 0x100 + i, ipv6: v6(`fd00:${i + 1}::2`) })),
  })
  const stale = only6(withPath(peer(Down, Up), 1, { lastHeard: 850 }))
  t.equal(planRoutes(lans, [stale], CTX).waiting, 0, 'no IPv4 plan for a handle')
  t.same(planRoutes6(lans, [stale], CTX), { routes: [], waiting: 1 }, 'held back, and the caller plans again')
  const fresh = planRoutes6(lans, [only6(peer(Down, Up))], CTX)
  t.same([fresh.routes.map(describeRoute6), fresh.waiting], [['fd00:1::2 via fd00:2::2 dev ethb src fd00:1::1'], 0])
})

t.test('failback false: a prefix stays on the gateway it moved to while that is up', async (t) => {
  const gw = (a: LinkState, b: LinkState, current?: number, aFailed = true) => [
    {
      table: 4208,
      dst: 0,
      len: 0,
      failback: false,
      current,
      via: [
        { lan: 0, address: ip('198.18.1.254'), state: a, failed: aFailed },
        { lan: 1, address: ip('198.18.2.254'), state: b },
      ],
    },
  ]
  const via = (routes: ReturnType<typeof planGateways>) => routes.map((r) => describeRoute(r))
  t.same(via(planGateways(lans2, gw(Up, Up))), ['0.0.0.0/0 via 198.18.1.254 dev etha src 198.18.1.1'], 'at first')
  const onB = ip('198.18.2.254')
  t.same(
    via(planGateways(lans2, gw(Up, Up, onB))),
    ['0.0.0.0/0 via 198.18.2.254 dev ethb src 198.18.2.1'],
    'A is back: stays on B',
  )
  t.same(
    via(planGateways(lans2, gw(Up, Down, onB))),
    ['0.0.0.0/0 via 198.18.1.254 dev etha src 198.18.1.1'],
    'B fails: to A',
  )
  t.same(
    via(planGateways(lans2, gw(Up, Up, onB, false))),
    ['0.0.0.0/0 via 198.18.1.254 dev etha src 198.18.1.1'],
    'A never failed (B answered first at start): to A, the first placement finished',
  )
})

t.test('gateway routes: via the first gateway that is up, withdrawn when none is', async (t) => {
  const gw = (a: LinkState, b: LinkState) => [
    {
      table: 4208,
      dst: 0,
      len: 0,
      failback: true,
      via: [
        { lan: 0, address: ip('198.18.1.254'), state: a },
        { lan: 1, address: ip('198.18.2.254'), state: b },
      ],
    },
  ]
  t.same(planGateways(lans2, gw(Up, Up)).map(describeRoute), ['0.0.0.0/0 via 198.18.1.254 dev etha src 198.18.1.1'])
  t.same(planGateways(lans2, gw(Down, Up)).map(describeRoute), ['0.0.0.0/0 via 198.18.2.254 dev ethb src 198.18.2.1'])
  t.same(
    planGateways(lans2, gw(Unknown, Up)).map(describeRoute),
    ['0.0.0.0/0 via 198.18.2.254 dev ethb src 198.18.2.1'],
    'a gateway never heard is not up',
  )
  t.same(planGateways(lans2, gw(Down, Down)), [])
  t.same(planGateways(lans2, gw(Up, Up))[0], {
    table: 4208,
    dst: 0,
    len: 0,
    via: ip('198.18.1.254'),
    dev: 'etha',
    src: ip('198.18.1.1'),
  })
})

t.test(
  'a peer back from down everywhere: the first LAN back carries the others only once they had time to come back',
  async (t) => {
    // Down everywhere since t=500 (paused, rebooting); LAN B back at t=950, LAN A not yet.
    const back = withPath(withPath(peer(Down, Up), 0, { downSince: 500 }), 1, { upSince: 950, lastHeard: 1000 })
    const early = planRoutes(lans2, [back], CTX)
    t.same(early.routes, [], 'not while LAN A may still be coming back')
    t.equal(early.waiting, 1, 'and the caller is told to plan again')
    const later = planRoutes(lans2, [back], { ...CTX, now: 950 + 4 * 100 })
    t.same(
      later.routes.map(describeRoute),
      ['198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1'],
      'after upAfter + 1 intervals LAN A is really down: routed',
    )
    const genuine = withPath(peer(Down, Up), 1, { upSince: 950 })
    t.equal(
      planRoutes(lans2, [genuine], CTX).routes.length,
      1,
      'a path that went down while LAN B was up is routed at once',
    )
  },
)

t.test('a more preferred LAN just back takes over from a less preferred one once trusted', async (t) => {
  // LAN A dead since 500 and carried by C; LAN B back at 950.
  const p = withPath(withPath(peer(Down, Up, Up), 0, { downSince: 500 }), 1, { upSince: 950 })
  const early = planRoutes(lans3, [p], CTX)
  t.same(early.routes.map(describeRoute), ['198.18.1.2 via 198.18.3.2 dev ethc src 198.18.1.1'])
  t.equal(early.waiting, 1, 'and the caller plans again, to move it to B when B is trusted')
  t.same(planRoutes(lans3, [p], { ...CTX, now: 1400 }).routes.map(describeRoute), [
    '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1',
  ])
})

t.test(
  'IPv6 gateway routes: the first gateway up, out of its LAN with our IPv6 address there; failback as IPv4',
  async (t) => {
    const v6 = (s: string) => parseIPv6(s)!
    const lans: PlanLan[] = [
      { ...lans2[0]!, ipv6: { address: v6('fd00:1:a::1'), prefixLen: 64 } },
      { ...lans2[1]!, ipv6: { address: v6('fd00:1:b::1'), prefixLen: 64 } },
    ]
    const gw = (a: LinkState, b: LinkState, failback = true, current?: string, aFailed = true): PlanGateway6[] => [
      {
        table: 4208,
        dst: v6('2001:db8::'),
        len: 48,
        failback,
        current: current === undefined ? undefined : v6(current),
        via: [
          { lan: 0, address: v6('fd00:1:a::fe'), state: a, failed: aFailed },
          { lan: 1, address: v6('fd00:1:b::fe'), state: b },
        ],
      },
    ]
    const show = (g: PlanGateway6[], l = lans) => planGateways6(l, g).map(describeRoute6)
    const viaA = '2001:db8::/48 via fd00:1:a::fe dev etha src fd00:1:a::1'
    const viaB = '2001:db8::/48 via fd00:1:b::fe dev ethb src fd00:1:b::1'
    t.same(show(gw(Up, Up)), [viaA])
    t.same(planGateways6(lans, gw(Up, Up))[0]?.table, 4208)
    t.same(show(gw(Down, Up)), [viaB], 'router A down: via router B')
    t.same(show(gw(Unknown, Up)), [viaB], 'a gateway never heard is not up')
    t.same(show(gw(Down, Down)), [], 'none up: withdrawn')
    t.same(show(gw(Up, Up, true, 'fd00:1:b::fe')), [viaA], 'failback: back to A once it is up')
    t.same(show(gw(Up, Up, false, 'fd00:1:b::fe')), [viaB], 'no failback: stays on B while B is up')
    t.same(show(gw(Up, Down, false, 'fd00:1:b::fe')), [viaA], 'no failback, B fails: to A')
    t.same(show(gw(Up, Up, false, 'fd00:1:b::fe', false)), [viaA], 'no failback, but A never failed: to A')
    t.same(show(gw(Up, Up), [lans2[0]!, lans[1]!]), [viaB], 'a LAN without IPv6 carries no IPv6 gateway route')
  },
)
