// core/report/status-report.ts: faildctl status shows each LAN's and each path's IPv6 address, and the IPv6 routes with their IPv4 twin's why.
import t from 'tap'
import type { EngineView, PathView, PeerView } from '../../../lib/core/engine/view.js'
import type { Lan } from '../../../lib/core/lans.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { PathReason } from '../../../lib/core/path/path-state.js'
import { routeWhy, routeWhy6, type StatusInput, statusReport } from '../../../lib/core/report/status-report.js'
import type { Route } from '../../../lib/core/routes/route.js'
import type { Route6 } from '../../../lib/core/routes/route6.js'
import { parseIPv4 } from '../../../lib/core/util/ipv4.js'
import { parseIPv6 } from '../../../lib/core/util/ipv6.js'

const v4 = (s: string) => parseIPv4(s)!
const v6 = (s: string) => parseIPv6(s)!
const TABLE = 4207

const lan = (index: number, iface: string, address: string, ipv6?: string): Lan => ({
  index,
  label: String.fromCharCode(65 + index),
  iface,
  address: v4(address),
  prefixLen: 24,
  broadcast: 0,
  preference: index,
  nameTag: 0,
  ...(ipv6 ? { ipv6: { address: v6(ipv6), prefixLen: 64 } } : {}),
})

const path = (address: string, over: Partial<PathView> = {}): PathView => ({
  address: v4(address),
  state: LinkState.Up,
  observed: LinkState.Up,
  missed: 0,
  good: 3,
  hearsUs: true,
  peerOutOfService: false,
  lastHeard: 900,
  downSince: -Infinity,
  upSince: 0,
  rttMs: undefined,
  why: [],
  reportedDown: [],
  reportedAt: -Infinity,
  ...over,
})

const peer = (id: string, paths: PathView[]): PeerView => ({
  id: v4(id),
  intervalMs: 100,
  lastHeard: 900,
  paths,
  services: [],
})

// Peer 198.18.1.2 is dual-stack and down on LAN A (missed, then the operator took A offline);
// peer 198.18.1.3 has no IPv6 address known (no key, or an IPv4-only host).
const down = { state: LinkState.Down, observed: LinkState.Down, missed: 3, good: 0, why: [PathReason.OfflineHere] }
const view: EngineView = {
  nodeId: v4('198.18.1.1'),
  requestor: true,
  intervalMs: 100,
  thresholds: { failAfter: 3, upAfter: 3 },
  lans: [
    { carrier: true, offline: true, srttMs: undefined },
    { carrier: true, offline: false, srttMs: 0.42 },
  ],
  peers: [
    peer('198.18.1.2', [
      path('198.18.1.2', { ...down, ipv6: v6('fd00:1:a::2') }),
      path('198.18.2.2', { ipv6: v6('fd00:1:b::2') }),
    ]),
    peer('198.18.1.3', [path('198.18.1.3'), path('198.18.2.3')]),
  ],
}

const route: Route = {
  table: TABLE,
  dst: v4('198.18.1.2'),
  len: 32,
  via: v4('198.18.2.2'),
  dev: 'ethb',
  src: v4('198.18.1.1'),
}
const route6: Route6 = {
  table: TABLE,
  dst: v6('fd00:1:a::2'),
  len: 128,
  via: v6('fd00:1:b::2'),
  dev: 'ethb',
  src: v6('fd00:1:a::1'),
}

const input = (over: Partial<StatusInput> = {}): StatusInput => ({
  view,
  targets: [],
  lans: [lan(0, 'etha', '198.18.1.1', 'fd00:1:a::1'), lan(1, 'ethb', '198.18.2.1')],
  table: TABLE,
  gateways: [],
  routes: [route],
  routes6: [route6],
  now: 1000,
  ...over,
})

t.test("an IPv6 route says why as its peer path's IPv4 route does", async (t) => {
  const why = routeWhy(input(), route)
  t.equal(why, 'peer 198.18.1.2 down on LAN A (missed 3/3, good 0/3, LAN taken offline here)')
  t.equal(routeWhy6(input(), route6), why)
  const stranger = { ...route6, dst: v6('fd00:1:a::99') }
  t.equal(routeWhy6(input(), stranger), 'peer path down', 'an address no path has: no peer named')
})

t.test('the report: LAN and path IPv6 addresses (null where none), and the IPv6 routes', async (t) => {
  const r = statusReport(input())
  t.same(
    r.lans.map((l) => [l.label, l.address, l.ipv6]),
    [
      ['A', '198.18.1.1', 'fd00:1:a::1'],
      ['B', '198.18.2.1', null],
    ],
  )
  t.same(
    r.peers.map((p) => p.paths.map((x) => [x.lan, x.address, x.ipv6])),
    [
      [
        ['A', '198.18.1.2', 'fd00:1:a::2'],
        ['B', '198.18.2.2', 'fd00:1:b::2'],
      ],
      [
        ['A', '198.18.1.3', null],
        ['B', '198.18.2.3', null],
      ],
    ],
  )
  t.same(r.routes6, [
    {
      route: 'fd00:1:a::2 via fd00:1:b::2 dev ethb src fd00:1:a::1',
      table: TABLE,
      why: 'peer 198.18.1.2 down on LAN A (missed 3/3, good 0/3, LAN taken offline here)',
    },
  ])
  t.same(r.routes6?.[0]?.why, r.routes[0]?.why, 'the same why as the IPv4 route of the same path')
})

t.test(
  'no IPv6 routes given (the planner snapshot, an IPv4-only host): an empty list, the IPv4 report as it was',
  async (t) => {
    const { routes6: _, ...rest } = input()
    const r = statusReport(rest)
    t.same(r.routes6, [])
    t.equal(r.routes.length, 1)
  },
)

t.test('a peer that says it is behind has behindMs in the report; one that keeps up has none', async (t) => {
  const peers = [{ ...view.peers[0]!, behindMs: 250 }, view.peers[1]!]
  const r = statusReport(input({ view: { ...view, peers } }))
  t.same(
    r.peers.map((p) => p.behindMs),
    [250, undefined],
  )
})
