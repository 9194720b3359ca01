// faild's Prometheus registry (lib/daemon/metrics.ts) against a fake daemon: what a scrape shows, in valid text format.
import t from 'tap'
import type { LinkChange } from '../../lib/core/engine/effects.js'
import type { PathView } from '../../lib/core/engine/view.js'
import { LinkState } from '../../lib/core/path/link-fsm.js'
import { PathReason } from '../../lib/core/path/path-state.js'
import type { StatusReport } from '../../lib/core/report/status.js'
import type { Route } from '../../lib/core/routes/route.js'
import { parseIPv4 } from '../../lib/core/util/ipv4.js'
import { Metrics } from '../../lib/daemon/metrics.js'
import type { NotifyTally } from '../../lib/daemon/metrics-state.js'
import { parsePromText, sampleValue } from '../support/prom-text.js'

const ip = (s: string) => parseIPv4(s)!
const PEER_A = ip('198.18.1.2')
const PEER_B = ip('198.18.2.2')

function path(over: Partial<PathView> = {}): PathView {
  return {
    address: PEER_A,
    state: LinkState.Down,
    observed: LinkState.Down,
    missed: 3,
    good: 0,
    hearsUs: true,
    peerOutOfService: false,
    lastHeard: 0,
    downSince: 0,
    upSince: -Infinity,
    rttMs: undefined,
    why: [],
    reportedDown: [],
    reportedAt: -Infinity,
    ...over,
  }
}

const down = (lan: number, over: Partial<PathView> = {}): LinkChange => ({
  kind: 'link',
  peer: PEER_A,
  lan,
  from: LinkState.Up,
  to: LinkState.Down,
  path: path(over),
  addresses: [PEER_A, PEER_B],
})

const hostRoute = (dst: number, via: number): Route => ({
  table: 4207,
  dst,
  len: 32,
  via,
  dev: 'ethb',
  src: ip('198.18.1.1'),
})

function status(carrierB = true): StatusReport {
  const p = (lan: string, state: string, rttMs: number | null) => ({
    lan,
    address: lan === 'A' ? '198.18.1.2' : '198.18.2.2',
    state,
    observed: state,
    missed: state === 'up' ? 0 : 3,
    good: state === 'up' ? 5 : 0,
    hearsUs: true,
    peerOutOfService: false,
    lastHeardS: 0.25,
    rttMs,
  })
  const lan = (label: string, carrier: boolean) => ({
    label,
    iface: `eth${label.toLowerCase()}`,
    address: '198.18.1.1',
    carrier,
    offline: false,
    state: carrier ? 'up' : 'no carrier',
    srttMs: 0.5,
  })
  return {
    version: '1.2.3',
    pid: 1,
    node: '198.18.1.1',
    role: 'requestor',
    intervalS: 0.1,
    failAfter: 3,
    upAfter: 5,
    uptimeS: 12,
    dryRun: false,
    overload: null,
    lans: [lan('A', true), lan('B', carrierB)],
    peers: [{ id: '198.18.1.2', role: 'requestor', paths: [p('A', 'down', null), p('B', 'up', 0.75)] }],
    routes: [{ route: '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1', table: 4207, why: 'LAN A down' }],
    routes6: [{ route: 'fd00:1:a::2 via fd00:1:b::2 dev ethb src fd00:1:a::1', table: 4207, why: 'LAN A down' }],
    targets: [
      {
        address: '198.18.1.254',
        lan: 'A',
        method: 'icmp',
        state: 'down',
        missed: 3,
        good: 0,
        lastAnswerS: 0.4,
        rttMs: 0.1,
      },
    ],
    packets: { received: 1000, dropped: 7, drops: { ERR_BAD_MAGIC: 5, 'late-ack': 2, 'not a reason!': 9 } },
  }
}

function metrics(s: StatusReport | undefined) {
  let tally: NotifyTally = { runs: 4, failures: 1, dropped: 2 }
  const carrierLost = () => s?.lans.map((l) => !l.carrier) ?? []
  const m = new Metrics({ status: () => s, notify: () => tally, table: () => 4207, carrierLost }, false)
  const scrape = async () => parsePromText(await m.text())
  return { m, scrape, setTally: (n: NotifyTally) => (tally = n) }
}

t.test('a scrape: paths, RTT, LANs, peers, packets and drops by reason, the hook', async (t) => {
  const { m, scrape } = metrics(status())
  t.match(m.contentType, /^text\/plain; version=0\.0\.4/)
  const f = await scrape()
  const v = (name: string, labels: Record<string, string> = {}) => sampleValue(f, name, labels)
  t.equal(v('faild_path_up', { peer: '198.18.1.2', lan: 'A' }), 0)
  t.equal(v('faild_path_up', { peer: '198.18.1.2', lan: 'B' }), 1)
  t.equal(v('faild_path_known', { lan: 'A' }), 1)
  t.equal(v('faild_path_rtt_seconds', { lan: 'B' }), 0.00075, 'seconds, the base unit')
  t.equal(v('faild_path_rtt_seconds', { lan: 'A' }), undefined, 'no RTT yet: no sample, not a 0')
  t.equal(v('faild_path_missed_in_row', { lan: 'A' }), 3)
  t.equal(v('faild_path_good_in_row', { lan: 'B' }), 5)
  t.equal(v('faild_path_last_heard_seconds', { lan: 'B' }), 0.25)
  t.equal(v('faild_lan_up', { lan: 'B' }), 1)
  t.equal(v('faild_target_up', { target: '198.18.1.254', lan: 'A' }), 0)
  t.equal(v('faild_target_rtt_seconds', { target: '198.18.1.254' }), 0.0001)
  t.equal(v('faild_target_last_answer_seconds', { target: '198.18.1.254' }), 0.4)
  t.equal(v('faild_lan_srtt_seconds', { lan: 'A' }), 0.0005)
  t.equal(v('faild_peers'), 1)
  t.equal(v('faild_peers_behind'), 0)
  t.equal(v('faild_routes_moved', { family: 'ipv4' }), 1)
  t.equal(v('faild_routes_moved', { family: 'ipv6' }), 1, 'IPv6 routes held, apart')
  t.equal(v('faild_overloaded'), 0)
  t.equal(v('faild_info', { version: '1.2.3', role: 'requestor' }), 1)
  t.equal(v('faild_packets_received_total'), 1000)
  t.equal(v('faild_packets_dropped_total', { reason: 'ERR_BAD_MAGIC' }), 5)
  t.equal(v('faild_packets_dropped_total', { reason: 'late-ack' }), 2)
  t.equal(v('faild_packets_dropped_total', { reason: 'not a reason!' }), undefined, 'only code words are labels')
  t.equal(v('faild_notify_runs_total'), 4)
  t.equal(v('faild_notify_failures_total'), 1)
  t.equal(v('faild_notify_dropped_total'), 2)
  t.equal(v('faild_failovers_total', { reason: 'missed' }), 0, 'every reason is there from the start, at 0')
  t.equal(v('faild_route_apply_seconds_count'), 0)
  const peers = new Set(f.get('faild_path_up')?.samples.map((s) => s.labels.peer))
  t.same([...peers], ['198.18.1.2'], 'a series per known peer, nothing else')
})

t.test('routes held by family: both series always there, so sum() is every route held', async (t) => {
  const { routes6: _, ...ipv4Only } = status()
  const f = await metrics({ ...ipv4Only, routes: [] }).scrape()
  t.same(
    f.get('faild_routes_moved')?.samples.map((s) => [s.labels, s.value]),
    [
      [{ family: 'ipv4' }, 0],
      [{ family: 'ipv6' }, 0],
    ],
    'no routes6 in the report (an IPv4-only host): 0, not absent',
  )
})

t.test('before the daemon runs: no path series, and still valid text', async (t) => {
  const f = await metrics(undefined).scrape()
  t.equal(f.get('faild_path_up')?.samples.length, 0)
  t.equal(sampleValue(f, 'faild_packets_received_total'), 0)
})

t.test('a failover, its route batch and a flap hold bump the counters; a failback too', async (t) => {
  const { m, scrape } = metrics(status())
  const moved = [hostRoute(PEER_A, PEER_B)]
  m.observer.planned?.([down(0)], [], moved)
  m.observer.applied?.(0.003, true)
  m.observer.damped?.({ kind: 'damped', peer: PEER_A, lan: 0, holdMs: 1000, penalty: 3 })
  let f = await scrape()
  t.equal(sampleValue(f, 'faild_failovers_total', { reason: 'missed' }), 1)
  t.equal(sampleValue(f, 'faild_path_changes_total', { from: 'up', to: 'down' }), 1)
  t.equal(sampleValue(f, 'faild_route_changes_total', { action: 'add' }), 1)
  t.equal(sampleValue(f, 'faild_route_apply_seconds_count'), 1)
  t.equal(sampleValue(f, 'faild_route_apply_seconds_bucket', { le: '0.005' }), 1)
  t.equal(sampleValue(f, 'faild_route_apply_seconds_bucket', { le: '0.0025' }), 0)
  t.equal(sampleValue(f, 'faild_flap_holds_total'), 1)
  m.observer.applied?.(0.2, false)
  m.observer.planned?.([{ ...down(0), from: LinkState.Down, to: LinkState.Up }], moved, [])
  f = await scrape()
  t.equal(sampleValue(f, 'faild_failbacks_total'), 1)
  t.equal(sampleValue(f, 'faild_route_changes_total', { action: 'remove' }), 1)
  t.equal(sampleValue(f, 'faild_route_apply_failures_total'), 1)
  t.equal(sampleValue(f, 'faild_path_changes_total', { from: 'down', to: 'up' }), 1)
})

t.test('ACK round trips fill a histogram per LAN; none before the daemon has LANs', async (t) => {
  const early = metrics(undefined)
  early.m.observer.rtt?.(0, 0.4)
  t.equal(sampleValue(await early.scrape(), 'faild_rtt_seconds_count', { lan: 'A' }), undefined)
  const { m, scrape } = metrics(status())
  m.observer.rtt?.(0, 0.4)
  m.observer.rtt?.(0, 3)
  m.observer.rtt?.(1, 0.08)
  const f = await scrape()
  t.equal(sampleValue(f, 'faild_rtt_seconds_count', { lan: 'A' }), 2)
  t.equal(
    sampleValue(f, 'faild_rtt_seconds_bucket', { lan: 'A', le: '0.0005' }),
    1,
    'seconds: 0.4 ms in the 0.5 ms bucket',
  )
  t.equal(sampleValue(f, 'faild_rtt_seconds_count', { lan: 'B' }), 1)
})

t.test('a plan being applied asks only for carrier, never for a whole status', async (t) => {
  let statuses = 0
  const m = new Metrics(
    {
      status: () => {
        statuses++
        return status(false)
      },
      notify: () => ({ runs: 0, failures: 0, dropped: 0 }),
      table: () => 4207,
      carrierLost: () => [false, true],
    },
    false,
  )
  m.observer.planned?.([down(1, { address: PEER_B })], [], [hostRoute(PEER_B, PEER_A)])
  t.equal(statuses, 0, 'no status built (routes x peers, before the batch went to the kernel)')
  t.equal(sampleValue(parsePromText(await m.text()), 'faild_failovers_total', { reason: 'carrier-lost' }), 1)
})

t.test('the reason of a failover: what holds the path down, else carrier, else misses', async (t) => {
  const carrierLost = metrics(status(false))
  carrierLost.m.observer.planned?.([down(1, { address: PEER_B })], [], [hostRoute(PEER_B, PEER_A)])
  t.equal(sampleValue(await carrierLost.scrape(), 'faild_failovers_total', { reason: 'carrier-lost' }), 1)
  const { m, scrape } = metrics(status())
  m.observer.planned?.([down(0, { why: [PathReason.NotHeardByPeer] })], [], [hostRoute(PEER_A, PEER_B)])
  m.observer.planned?.([], [], [hostRoute(PEER_B, PEER_A)])
  const f = await scrape()
  t.equal(sampleValue(f, 'faild_failovers_total', { reason: 'not-heard-by-peer' }), 1)
  t.equal(sampleValue(f, 'faild_failovers_total', { reason: 'other' }), 1, 'moved later than its path change')
})

t.test('totals kept elsewhere are mirrored, never summed twice', async (t) => {
  const { scrape, setTally } = metrics(status())
  await scrape()
  setTally({ runs: 9, failures: 1, dropped: 2 })
  t.equal(sampleValue(await scrape(), 'faild_notify_runs_total'), 9)
})

t.test('process metrics, under their standard names', async (t) => {
  const m = new Metrics({
    status: () => undefined,
    notify: () => ({ runs: 0, failures: 0, dropped: 0 }),
    table: () => 1,
    carrierLost: () => [],
  })
  const f = parsePromText(await m.text())
  t.ok(f.has('process_cpu_seconds_total'))
  t.ok(f.has('nodejs_eventloop_lag_seconds'))
  t.ok(f.has('faild_peers'))
})

t.test('faild_peers_behind: peers that say they are behind (OVERLOAD)', async (t) => {
  const s = status()
  const peers = [
    { ...s.peers[0]!, behindMs: 200 },
    { ...s.peers[0]!, id: '198.18.1.3' },
  ]
  const { scrape } = metrics({ ...s, peers })
  t.equal(sampleValue(await scrape(), 'faild_peers_behind', {}), 1)
})

t.test('the Grafana dashboard (examples/grafana/faild.json) asks only for metrics faild exports', async (t) => {
  const { readFileSync } = await import('node:fs')
  const dash = JSON.parse(readFileSync(new URL('../../examples/grafana/faild.json', import.meta.url), 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>
  }
  const m = new Metrics({
    status: () => status(),
    notify: () => ({ runs: 0, failures: 0, dropped: 0 }),
    table: () => 1,
    carrierLost: () => [],
  })
  const f = parsePromText(await m.text())
  const series = new Set([...f.values()].flatMap((x) => x.samples.map((s) => s.name)))
  const named = dash.panels.flatMap((p) =>
    p.targets.flatMap((x) => x.expr.match(/\b(faild|process|nodejs)_[a-z0-9_]+/g) ?? []),
  )
  t.ok(named.length > 10, `${named.length} metric names in ${dash.panels.length} panels`)
  t.same(
    named.filter((n) => !series.has(n)),
    [],
    'every one is exported',
  )
})
