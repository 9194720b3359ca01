// Operator commands on a running daemon: taking a LAN offline and back is logged as what it is.
import t from 'tap'
import { DEFAULTS } from '../../lib/config/defaults.js'
import type { Options } from '../../lib/config/types.js'
import type { Engine } from '../../lib/core/engine/engine.js'
import { type EngineView, offlineView, type PathView } from '../../lib/core/engine/view.js'
import type { Lan } from '../../lib/core/lans.js'
import { LinkState } from '../../lib/core/path/link-fsm.js'
import type { Route } from '../../lib/core/routes/route.js'
import type { Route6 } from '../../lib/core/routes/route6.js'
import { parseIPv4 } from '../../lib/core/util/ipv4.js'
import { parseIPv6 } from '../../lib/core/util/ipv6.js'
import { Operator, type OperatorDeps } from '../../lib/daemon/operator.js'
import { wanted } from '../../lib/daemon/wanted.js'
import { oneHost, turns } from './one-host.js'

t.test("faildctl offline and online are logged at info: an operator's drain is not a fault", async (t) => {
  const { daemon, lines } = await oneHost(['-r', '-t', '0.1'])
  t.teardown(() => daemon.stop())
  t.match(daemon.setOffline('B', true), { ok: true, message: /LAN B \(ethb\) taken offline/ })
  t.match(daemon.setOffline('ethb', false), { ok: true, message: /LAN B \(ethb\) back online/ })
  await turns(5)
  t.match(
    lines.filter((l) => /offline|online/.test(l)),
    [/^info: LAN B \(ethb\) taken offline/, /^info: LAN B \(ethb\) back online/],
  )
  t.match(daemon.setOffline('C', true), { ok: false, message: "no LAN 'C': LANs are A (etha), B (ethb)" })
})

t.test('a LAN taken offline stays offline across a restart of faild, until faildctl online', async (t) => {
  let kept: string[] = []
  const offline = { read: () => kept, write: (ifaces: readonly string[]) => void (kept = [...ifaces]) }
  const first = await oneHost(['-r', '-t', '0.1'], {}, { offline })
  first.daemon.setOffline('B', true)
  t.same(kept, ['ethb'], 'written down when taken offline')
  await first.daemon.stop()
  t.match(first.daemon.setOffline('A', true), { ok: false, message: 'faild is stopping: LAN A not taken offline' })
  t.same(kept, ['ethb'], 'nothing taken offline during the stop')
  const second = await oneHost(['-r', '-t', '0.1'], {}, { offline })
  t.teardown(() => second.daemon.stop())
  t.same(
    second.daemon.status().lans.map((l) => l.state === 'offline'),
    [false, true],
    'LAN B starts offline',
  )
  t.match(second.lines.join('\n'), /warn: LAN B \(ethb\) stays offline, as faildctl left it before this start/)
  second.daemon.setOffline('B', false)
  t.same(kept, [], 'online: forgotten')
})

t.test(
  'a LAN kept offline that is no LAN now, or a list that cannot be kept, is said and changes nothing else',
  async (t) => {
    let kept = ['eth9', 'etha']
    const offline = {
      read: () => kept,
      write: (ifaces: readonly string[]) => {
        if (ifaces.includes('ethb')) throw new Error('EROFS: read-only file system')
        kept = [...ifaces]
      },
    }
    const { daemon, lines } = await oneHost(['-r', '-t', '0.1'], {}, { offline })
    t.teardown(() => daemon.stop())
    t.match(lines.join('\n'), /warn: LAN eth9 was offline before this start and is no LAN now: forgotten/)
    t.same(kept, ['etha'], 'the list keeps the LANs there are')
    t.match(daemon.setOffline('B', true), {
      ok: true,
      message:
        /taken offline.*; not kept for a restart \(EROFS: read-only file system\): a restart puts every LAN online$/,
    })
    t.same(
      daemon.status().lans.map((l) => l.state === 'offline'),
      [true, true],
      'offline all the same',
    )
  },
)

// what-if, planned by the daemon's own wanted() from a view of one dual-stack peer, both paths up.
const ip4 = (s: string) => parseIPv4(s)!
const ip6 = (s: string) => parseIPv6(s)!
const dualLan = (index: number, iface: string, address: string, ipv6: string): Lan => ({
  ...{ index, label: String.fromCharCode(65 + index), iface, address: ip4(address), prefixLen: 24 },
  ...{ broadcast: 0, preference: index, nameTag: 0, ipv6: { address: ip6(ipv6), prefixLen: 64 } },
})
const upPath = (address: string, ipv6: string): PathView => ({
  ...{ address: ip4(address), ipv6: ip6(ipv6), state: LinkState.Up, observed: LinkState.Up, missed: 0, good: 5 },
  ...{ hearsUs: true, peerOutOfService: false, lastHeard: 9900, downSince: -Infinity, upSince: 0, rttMs: 0.3 },
  ...{ why: [], reportedDown: [], reportedAt: -Infinity },
})
const LANS = [dualLan(0, 'etha', '198.18.1.1', 'fd00:1:a::1'), dualLan(1, 'ethb', '198.18.2.1', 'fd00:1:b::1')]
const VIEW: EngineView = {
  ...{ nodeId: ip4('198.18.1.1'), requestor: true, intervalMs: 100, thresholds: { failAfter: 3, upAfter: 5 } },
  lans: LANS.map(() => ({ carrier: true, offline: false, srttMs: 0.3 })),
  peers: [
    {
      ...{ id: ip4('198.18.1.2'), intervalMs: 100, lastHeard: 9900, services: [] },
      paths: [upPath('198.18.1.2', 'fd00:1:a::2'), upPath('198.18.2.2', 'fd00:1:b::2')],
    },
  ],
}

/** An operator whose daemon holds `target` and `target6` now. */
function whatIfOperator(target: readonly Route[], target6: readonly Route6[]): Operator {
  const options = { ...DEFAULTS, failback: true } as unknown as Options
  const input = { view: VIEW, targets: [], lans: LANS, table: DEFAULTS.table, gateways: [], now: 10_000 }
  return new Operator({
    engine: { view: () => VIEW } as unknown as Engine,
    lans: LANS,
    plan: (view) => wanted({ ...input, view, gatewayTable: () => 0, options, routes: target }),
    target: () => target,
    statusInput: () => ({ ...input, routes: target, routes6: target6 }),
  } as Partial<OperatorDeps> as OperatorDeps)
}

const V4 = '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1'
const V6 = 'fd00:1:a::2 via fd00:1:b::2 dev ethb src fd00:1:a::1'
const WHY = /\(peer 198\.18\.1\.2 down on LAN A \(seen up, missed 0\/3, good 5\/5, LAN taken offline here\)\)$/

t.test('what-if offline lists the IPv6 swap beside the IPv4 one, with the same why', async (t) => {
  const r = whatIfOperator([], []).whatIfOffline('A')
  t.equal(r.ok, true)
  const lines = r.message.split('\n')
  t.equal(lines[0], 'taking LAN A (etha) offline now would tell 1 peers and make 2 route changes here:')
  t.match(lines[1], new RegExp(`^  add     ${V4}  `))
  t.match(lines[2], new RegExp(`^  add     ${V6}  `))
  t.match(lines[1], WHY)
  t.equal(lines[2]!.slice(lines[2]!.indexOf('  (')), lines[1]!.slice(lines[1]!.indexOf('  (')), "the IPv4 route's why")
  t.equal(lines.length, 3)
})

t.test('what-if compares with the IPv6 routes faild holds now: one already there is no change', async (t) => {
  const held = whatIfOperator([], []).whatIfOffline('B') // B offline: A carries; nothing held yet
  t.match(held.message, /make 2 route changes here/)
  const [route] = wanted({
    ...{ view: offlineView(VIEW, 0), targets: [], lans: LANS, gateways: [], gatewayTable: () => 0, now: 10_000 },
    ...{ options: { ...DEFAULTS, failback: true } as unknown as Options, routes: [] },
  }).routes6
  t.ok(route, 'the IPv6 swap A offline makes')
  const r = whatIfOperator([], [route!]).whatIfOffline('A')
  t.equal(r.message.split('\n').length, 2, 'only the IPv4 route is new')
  t.notMatch(r.message, /fd00:1:a::2 via/)
  const gone = whatIfOperator([], [{ ...route!, dst: ip6('fd00:1:a::9') }]).whatIfOffline('A')
  t.match(gone.message, /^ {2}remove {2}fd00:1:a::9 via fd00:1:b::2 dev ethb src fd00:1:a::1$/m, 'one no longer wanted')
})
