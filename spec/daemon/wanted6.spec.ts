// The daemon's wanted() with IPv6 gateway routes: via faild peers (by the IPv6 address of their path) or targets, failback by the routes held.
import t from 'tap'
import { DEFAULTS } from '../../lib/config/defaults.js'
import type { Options } from '../../lib/config/types.js'
import type { EngineView, PathView } from '../../lib/core/engine/view.js'
import type { Lan } from '../../lib/core/lans.js'
import { LinkState } from '../../lib/core/path/link-fsm.js'
import type { Gateway6 } from '../../lib/core/routes/gateway.js'
import { describeRoute6, type Route6 } from '../../lib/core/routes/route6.js'
import type { TargetView } from '../../lib/core/targets/targets.js'
import { parseIPv4 } from '../../lib/core/util/ipv4.js'
import { parseIPv6 } from '../../lib/core/util/ipv6.js'
import { type WantedInput, wanted } from '../../lib/daemon/wanted.js'

const ip4 = (s: string) => parseIPv4(s)!
const ip6 = (s: string) => parseIPv6(s)!
const lan = (index: number, iface: string, address: string, ipv6: string): Lan => ({
  ...{ index, label: String.fromCharCode(65 + index), iface, address: ip4(address), prefixLen: 24 },
  ...{ broadcast: 0, preference: index, nameTag: 0, ipv6: { address: ip6(ipv6), prefixLen: 64 } },
})
const LANS = [lan(0, 'etha', '198.18.1.1', 'fd00:1:a::1'), lan(1, 'ethb', '198.18.2.1', 'fd00:1:b::1')]
const path = (address: string, ipv6: string, state: LinkState, downSince = -Infinity): PathView => ({
  ...{ address: ip4(address), ipv6: ip6(ipv6), state, observed: state, missed: 0, good: 5 },
  ...{ hearsUs: true, peerOutOfService: false, lastHeard: 9900, downSince, upSince: 0, rttMs: 0.3 },
  ...{ why: [], reportedDown: [], reportedAt: -Infinity },
})
/** Gateway A (a faild peer on LAN A only, as far as this matters) in `state`, down last at `downSince`. */
const view = (state: LinkState, downSince = -Infinity): EngineView => ({
  ...{ nodeId: ip4('198.18.1.1'), requestor: true, intervalMs: 100, thresholds: { failAfter: 3, upAfter: 5 } },
  lans: LANS.map(() => ({ carrier: true, offline: false, srttMs: 0.3 })),
  peers: [
    {
      ...{ id: ip4('198.18.1.254'), intervalMs: 100, lastHeard: 9900, services: [] },
      paths: [
        path('198.18.1.254', 'fd00:1:a::fe', state, downSince),
        path('198.18.2.254', 'fd00:1:b::fe', LinkState.Up),
      ],
    },
  ],
})
/** Router B: a target on LAN B. */
const routerB = (state: LinkState): TargetView => ({
  ...{ address: 0, ipv6: ip6('fd00:1:b::fd'), lan: 1, method: 'arp', state, missed: 0, good: 3 },
  ...{ lastAnswer: 9900, rttMs: undefined, since: 0, downSince: -Infinity },
})
const gateway = (failback: boolean): Gateway6 => ({
  dst: ip6('::'),
  len: 0,
  failback,
  via: [
    { lan: 0, address: ip6('fd00:1:a::fe') },
    { lan: 1, address: ip6('fd00:1:b::fd') },
  ],
})

function plan(over: Partial<WantedInput>): string[] {
  const input: WantedInput = {
    ...{ view: view(LinkState.Up), targets: [routerB(LinkState.Up)], lans: LANS, gateways: [] },
    ...{ gatewayTable: () => 4208, gateways6: [gateway(true)], gatewayTable6: (len: number) => 4208 + len },
    ...{ options: { ...DEFAULTS, failback: true } as unknown as Options, now: 10_000, routes: [] },
    ...over,
  }
  // Gateway routes only: gateway A down on LAN A also swaps its own address there (planRoutes6's concern).
  return wanted(input)
    .routes6.filter((r) => r.len < 128)
    .map((r) => `${describeRoute6(r)} table ${r.table}`)
}

const VIA_A = '::/0 via fd00:1:a::fe dev etha src fd00:1:a::1 table 4208'
const VIA_B = '::/0 via fd00:1:b::fd dev ethb src fd00:1:b::1 table 4208'

t.test('an IPv6 gateway route goes via the faild peer whose path has that IPv6 address, else the target', async (t) => {
  t.same(plan({}), [VIA_A])
  t.same(plan({ view: view(LinkState.Down) }), [VIA_B], "gateway A's path down: via router B, a target")
  t.same(plan({ view: view(LinkState.Down), targets: [routerB(LinkState.Down)] }), [], 'none up: withdrawn')
  t.same(plan({ gatewayTable6: undefined }), [], 'no IPv6 table running: no IPv6 gateway route')
  t.same(plan({ gatewayTable6: () => undefined }), [], "a length whose table is not made yet (a reload's) waits")
})

t.test('failback: false reads where the route goes now from the IPv6 routes held', async (t) => {
  const onB: Route6 = {
    table: 4208,
    dst: ip6('::'),
    len: 0,
    via: ip6('fd00:1:b::fd'),
    dev: 'ethb',
    src: ip6('fd00:1:b::1'),
  }
  const aBack = view(LinkState.Up, 5000)
  t.same(plan({ view: aBack, gateways6: [gateway(false)], routes6: [onB] }), [VIA_B], 'A up again: stays on B')
  t.same(plan({ view: aBack, gateways6: [gateway(true)], routes6: [onB] }), [VIA_A], 'with failback: back to A')
  t.same(
    plan({ gateways6: [gateway(false)], routes6: [onB] }),
    [VIA_A],
    'A never went down (B was judged first): to A, not a failback',
  )
  t.same(plan({ gateways6: [gateway(false)], routes6: [] }), [VIA_A], 'nothing held: the first up')
})

t.test(
  "an IPv4 gateway route whose table is not made yet (a reload's new length) waits for the next plan",
  async (t) => {
    const v4 = { dst: 0, len: 0, failback: true, via: [{ lan: 0, address: ip4('198.18.1.254') }] }
    const input = {
      ...{ view: view(LinkState.Up), targets: [], lans: LANS, gateways: [v4], now: 10_000, routes: [] },
      options: { ...DEFAULTS, failback: true } as unknown as Options,
    }
    t.same(
      wanted({ ...input, gatewayTable: () => 4208 }).routes.map((r) => r.table),
      [4208],
    )
    t.same(wanted({ ...input, gatewayTable: () => undefined }).routes, [])
  },
)
