// The daemon's wanted() with IPv4 gateway routes: failback: false remembers the gateways that failed, and a LAN taken offline carries none.
import t from 'tap'
import { DEFAULTS } from '../../lib/config/defaults.js'
import type { Options } from '../../lib/config/types.js'
import type { EngineView, PathView } from '../../lib/core/engine/view.js'
import type { Lan } from '../../lib/core/lans.js'
import { LinkState } from '../../lib/core/path/link-fsm.js'
import type { Gateway } from '../../lib/core/routes/gateway.js'
import { describeRoute, type Route } from '../../lib/core/routes/route.js'
import type { TargetView } from '../../lib/core/targets/targets.js'
import { parseIPv4 } from '../../lib/core/util/ipv4.js'
import { type WantedInput, wanted } from '../../lib/daemon/wanted.js'

const ip = (s: string) => parseIPv4(s)!
const lan = (index: number, iface: string, address: string): Lan => ({
  ...{ index, label: String.fromCharCode(65 + index), iface, address: ip(address), prefixLen: 24 },
  ...{ broadcast: 0, preference: index, nameTag: 0 },
})
const LANS = [lan(0, 'etha', '198.18.1.1'), lan(1, 'ethb', '198.18.2.1')]
const [GW_A, GW_B] = ['198.18.1.254', '198.18.2.254']
const path = (address: string, state: LinkState, downSince = -Infinity): PathView => ({
  ...{ address: ip(address), state, observed: state, missed: 0, good: 5 },
  ...{ hearsUs: true, peerOutOfService: false, lastHeard: 9900, downSince, upSince: 0, rttMs: 0.3 },
  ...{ why: [], reportedDown: [], reportedAt: -Infinity },
})
/** Gateway A: a faild peer on LAN A (absent: forgotten), its path in `state`, down last at `downSince`. */
const view = (state: LinkState | undefined, downSince = -Infinity, offline = [false, false]): EngineView => ({
  ...{ nodeId: ip('198.18.1.1'), requestor: true, intervalMs: 100, thresholds: { failAfter: 3, upAfter: 5 } },
  lans: LANS.map((_, i) => ({ carrier: true, offline: offline[i]!, srttMs: 0.3 })),
  peers:
    state === undefined
      ? []
      : [
          {
            ...{ id: ip(GW_A), intervalMs: 100, lastHeard: 9900, services: [] },
            paths: [path(GW_A, state, downSince), path('198.18.2.253', LinkState.Up)],
          },
        ],
})
/** Router B: a target on LAN B, always up. */
const routerB: TargetView = {
  ...{ address: ip(GW_B), lan: 1, method: 'arp', state: LinkState.Up, missed: 0, good: 3 },
  ...{ lastAnswer: 9900, rttMs: undefined, since: 0, downSince: -Infinity },
}
const gateway = (failback: boolean): Gateway => ({
  dst: 0,
  len: 0,
  failback,
  via: [
    { lan: 0, address: ip(GW_A) },
    { lan: 1, address: ip(GW_B) },
  ],
})
const ON_B: Route = { table: 4208, dst: 0, len: 0, via: ip(GW_B), dev: 'ethb', src: ip('198.18.2.1') }
const VIA_A = '0.0.0.0/0 via 198.18.1.254 dev etha src 198.18.1.1'
const VIA_B = '0.0.0.0/0 via 198.18.2.254 dev ethb src 198.18.2.1'

const input = (over: Partial<WantedInput>): WantedInput => ({
  ...{ view: view(LinkState.Up), targets: [routerB], lans: LANS, gateways: [gateway(false)] },
  ...{ gatewayTable: () => 4208, options: { ...DEFAULTS, failback: true } as unknown as Options },
  ...{ now: 10_000, routes: [ON_B] },
  ...over,
})
const plan = (over: Partial<WantedInput>): string[] =>
  wanted(input(over))
    .routes.filter((r) => r.table === 4208)
    .map(describeRoute)

t.test('failback: false: a gateway that failed is passed over, even once the engine forgot it', async (t) => {
  const failed = new Set<string>()
  t.same(plan({ view: view(LinkState.Down, 5000), failedGateways: failed, routes: [] }), [VIA_B], 'A down: via B')
  t.same([...failed], ['0 198.18.1.254'], 'remembered')
  t.same(plan({ view: view(undefined), failedGateways: failed }), [VIA_B], 'A silent so long the engine forgot it')
  t.same(
    plan({ view: view(LinkState.Up), failedGateways: failed }),
    [VIA_B],
    'A found again with no past in the engine: still no failback',
  )
  t.same(plan({ view: view(LinkState.Up) }), [VIA_A], 'without that memory it would have been taken back')
  t.same(plan({ view: view(LinkState.Up, 5000) }), [VIA_B], "the engine's own record of A's fall counts too")
})

t.test('failback: false: a gateway that never failed takes the route from a later one', async (t) => {
  const failed = new Set<string>()
  t.same(plan({ view: view(LinkState.Unknown), failedGateways: failed, routes: [] }), [VIA_B], 'A not judged yet')
  t.same(plan({ view: view(LinkState.Up), failedGateways: failed }), [VIA_A], 'A up: the first placement finished')
  t.same([...failed], [])
})

t.test('a gateway on a LAN taken offline carries no route, and counts as failed', async (t) => {
  const failed = new Set<string>()
  const offlineA = view(LinkState.Up, -Infinity, [true, false])
  const over = { view: offlineA, failedGateways: failed, gateways: [gateway(true)], routes: [] }
  t.same(plan(over), [VIA_B], 'faildctl offline A: the route leaves router A')
  t.match(wanted(input(over)).why(ON_B), /preferred gateway 198\.18\.1\.254 on LAN A offline/, 'the why says so')
  t.same([...failed], ['0 198.18.1.254'])
  t.same(plan({ failedGateways: failed }), [VIA_B], 'back online, failback: false: stays on B')
})

t.test('the memory keeps to the gateways of the config', async (t) => {
  const failed = new Set(['0 198.18.1.254', '0 198.18.1.99'])
  plan({ failedGateways: failed })
  t.same([...failed], ['0 198.18.1.254'], 'a gateway a reload removed is forgotten')
})
