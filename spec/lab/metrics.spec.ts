// Lab: faild with --metrics on two requestors; /metrics scraped from inside the host before, during and
// after a dead switch port: the path goes down, a failover is counted, the route-apply histogram fills.
import t from 'tap'
import { parsePromText, sampleValue } from '../support/prom-text.js'
import { addr, expectRoute, FAST, withLab } from './harness/lab-test.js'
import type { Host, Lab } from './harness/netlab.js'

const A = 0
const B = 1
const METRICS = '127.0.0.1:9420'

/** GET /metrics from inside host h (its own loopback), parsed strictly. */
async function scrape(lab: Lab, h: Host) {
  const js = `fetch('http://${METRICS}/metrics').then(async (r) => { process.stdout.write(r.headers.get('content-type') + '\\n' + (await r.text())) })`
  const r = await lab.exec(h, process.execPath, ['-e', js])
  if (r.code !== 0) throw new Error(`scrape failed: ${r.stderr}`)
  const [type, ...rest] = r.stdout.split('\n')
  return { type, f: parsePromText(rest.join('\n')) }
}

const sum = (f: ReturnType<typeof parsePromText>, name: string): number =>
  (f.get(name)?.samples ?? []).filter((s) => s.name === name).reduce((a, s) => a + s.value, 0)

t.test('metrics through a failover and back', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    await lab.faild(h1, [...FAST, '--metrics', METRICS])
    await lab.faild(h2, FAST)
    const peer = { peer: addr(A, 2), lan: 'A' }
    await expectRoute(lab, h1, h2, A)

    const before = await scrape(lab, h1)
    t.match(before.type, /^text\/plain; version=0\.0\.4/, 'the Prometheus text format')
    t.equal(sampleValue(before.f, 'faild_path_up', peer), 1, 'converged: the path to host 2 on LAN A is up')
    t.equal(sampleValue(before.f, 'faild_path_up', { ...peer, lan: 'B' }), 1, 'and on LAN B')
    t.equal(sum(before.f, 'faild_failovers_total'), 0, 'no failover yet')
    t.equal(sampleValue(before.f, 'faild_peers'), 1, 'one peer known')
    t.ok((sampleValue(before.f, 'faild_packets_received_total') ?? 0) > 0, 'packets received')
    t.ok((sampleValue(before.f, 'faild_path_rtt_seconds', peer) ?? -1) >= 0, 'an RTT, in seconds')
    t.ok(before.f.has('process_cpu_seconds_total'), 'process metrics')
    const applied = sampleValue(before.f, 'faild_route_apply_seconds_count') ?? 0

    await lab.fault(h2, A, 'both')
    await expectRoute(lab, h1, h2, A, B)
    const during = await scrape(lab, h1)
    t.equal(sampleValue(during.f, 'faild_path_up', peer), 0, 'the path to host 2 on LAN A is down')
    t.equal(sampleValue(during.f, 'faild_path_up', { ...peer, lan: 'B' }), 1, 'LAN B still up')
    t.ok((sampleValue(during.f, 'faild_failovers_total', { reason: 'missed' }) ?? 0) >= 1, 'a failover, for misses')
    t.ok(
      (sampleValue(during.f, 'faild_path_changes_total', { from: 'up', to: 'down' }) ?? 0) >= 1,
      'a path change up -> down',
    )
    t.ok((sampleValue(during.f, 'faild_route_changes_total', { action: 'add' }) ?? 0) >= 1, 'a route added')
    const count = sampleValue(during.f, 'faild_route_apply_seconds_count') ?? 0
    t.ok(count > applied, `the route-apply histogram filled (${applied} -> ${count} batches)`)
    t.ok((sampleValue(during.f, 'faild_route_apply_seconds_sum') ?? 0) > 0, 'with the time they took')
    t.equal(sampleValue(during.f, 'faild_routes_moved'), 1, 'one route held')

    await lab.heal(h2, A)
    await expectRoute(lab, h1, h2, A)
    const after = await scrape(lab, h1)
    t.equal(sampleValue(after.f, 'faild_path_up', peer), 1, 'healed: up again')
    t.ok((sampleValue(after.f, 'faild_failbacks_total') ?? 0) >= 1, 'a failback counted')
    t.equal(sampleValue(after.f, 'faild_routes_moved'), 0, 'none held')
    t.equal(sum(after.f, 'faild_failovers_total'), sum(during.f, 'faild_failovers_total'), 'the heal is no failover')
  }),
)

t.test('--metrics on a non-loopback address is refused without --metrics-public, served with it', (t) =>
  withLab(t, { hosts: 1 }, async (lab) => {
    const [h1] = lab.hosts as [Host]
    const refused = await lab.exec(h1, process.execPath, [
      (await import('./harness/netlab.js')).FAILD,
      ...lab.faildArgs(h1, [...FAST, '--metrics', `${addr(A, 1)}:9420`]),
    ])
    t.equal(refused.code, 1, 'exit 1')
    t.match(refused.stderr, /\/metrics: 198\.18\.1\.1 is not a loopback address/)
    await lab.faild(h1, [...FAST, '--metrics', `${addr(A, 1)}:9420`, '--metrics-public'])
    const js = `fetch('http://${addr(A, 1)}:9420/metrics').then(async (r) => process.stdout.write(String(r.status)))`
    t.equal((await lab.exec(h1, process.execPath, ['-e', js])).stdout, '200', 'served on the LAN address')
  }),
)
