// The route table of lib/host/route-table.ts against a fake ip batch (the real one: ip-batch-process.spec, the lab).
import t from 'tap'
import { createLogger, transports } from 'winston'
import type { Route } from '../../lib/core/routes/route.js'
import { parseIPv4 } from '../../lib/core/util/ipv4.js'
import type { BatchResult, IpBatch } from '../../lib/host/ip-batch.js'
import type { IpRunner } from '../../lib/host/ip-runner.js'
import { RouteTable } from '../../lib/host/route-table.js'
import { KERNEL_RULES } from '../support/kernel-rules.js'

const ip = (s: string): number => parseIPv4(s)!
const route = (n: number): Route => ({
  table: 4207,
  len: 32,
  dst: ip(`198.18.1.${n}`),
  via: ip(`198.18.2.${n}`),
  dev: 'ethb',
  src: ip('198.18.1.1'),
})

/** Records every batch as "line; line"; reads answer from `routes`/`rules`, a write fails while `fail` is set, a read while `readFail` is. */
class FakeBatch implements IpBatch {
  calls: string[] = []
  routes = '[]'
  rules = '[]'
  fail: string | undefined
  readFail: string | undefined
  started = 0
  stopped = 0
  async start(): Promise<void> {
    this.started++
  }
  async stop(): Promise<void> {
    this.stopped++
  }
  async run(lines: readonly string[]): Promise<BatchResult> {
    this.calls.push(lines.join('; '))
    const reads = lines.every((l) => l.includes(' show'))
    if (reads && this.readFail) return { ok: false, errors: [{ line: 0, message: this.readFail }], output: [] }
    if (reads)
      return { ok: true, errors: [], output: lines.map((l) => (l.startsWith('route') ? this.routes : this.rules)) }
    if (this.fail) return { ok: false, errors: [{ line: 0, message: this.fail }], output: [] }
    return { ok: true, errors: [], output: [] }
  }
}

/** route(n) as `ip -json route show` prints it. */
const kernel = (n: number) => ({
  dst: `198.18.1.${n}`,
  gateway: `198.18.2.${n}`,
  dev: 'ethb',
  prefsrc: '198.18.1.1',
  table: '4207',
})

const noIp: IpRunner = { run: async () => ({ code: 1, stdout: '', stderr: 'not used' }) }
const READ = 'route show table all proto 250; rule show'

function setup(dryRun = false, now = () => 0) {
  const fake = new FakeBatch()
  const lines: string[] = []
  const log = createLogger({ level: 'debug', transports: [new transports.Console({ silent: true })] })
  log.on('data', (info: { message: string }) => lines.push(info.message))
  const table = new RouteTable(
    { table: 4207, proto: 250, rulePriority: 32000, port: 4207, dryRun },
    { ip: noIp, log, batch: fake, now },
  )
  return { fake, table, lines }
}

const LEFTOVER_ROUTES = JSON.stringify([
  { dst: '198.18.1.2', gateway: '198.18.2.2', dev: 'ethb', prefsrc: '198.18.1.1', table: '4207' },
  { dst: 'default', gateway: '198.18.2.254', dev: 'ethb', prefsrc: '198.18.2.1', table: '4208' },
  { dst: '10.0.0.0/8', gateway: '198.18.2.254', dev: 'ethb', prefsrc: '198.18.2.1', table: '99' },
  { type: 'throw', dst: '10.0.0.0/8', table: '4207' },
])
const RULES = JSON.stringify(KERNEL_RULES)

t.test(
  "start starts ip, removes what an earlier run left in faild's tables and priorities, then adds the rule",
  async (t) => {
    const { fake, table } = setup()
    fake.routes = LEFTOVER_ROUTES
    fake.rules = RULES
    await table.start()
    t.equal(fake.started, 1)
    t.same(fake.calls, [
      READ,
      'route del 198.18.1.2/32 table 4207 proto 250; route del 0.0.0.0/0 table 4208 proto 250; ' +
        'rule del pref 32000 protocol 250; rule del pref 32001 protocol 250',
      'rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250',
    ])
  },
)

t.test('gateway routes: one table per prefix length, longest first', async (t) => {
  const { fake, table } = setup()
  await table.start([0, 16, 0])
  t.equal(fake.calls.at(-1)!.split('; ').length, 5, 'the host-route rule and two per length')
  t.equal(table.gatewayTable(16), 4208)
  t.equal(table.gatewayTable(0), 4209)
  t.throws(() => table.gatewayTable(8), RangeError)
  t.equal(table.gatewayTableOf(8), undefined, 'for a plan made while a reload renumbers: no table yet')
  const gw: Route = { table: 4209, dst: 0, len: 0, via: ip('198.18.2.254'), dev: 'ethb', src: ip('198.18.2.1') }
  t.ok(await table.apply([gw]))
  t.equal(fake.calls.at(-1), 'route replace 0.0.0.0/0 via 198.18.2.254 dev ethb src 198.18.2.1 table 4209 proto 250')
  t.notOk(await table.setGatewayLengths([16, 0]), 'the same lengths change nothing')
  t.ok(await table.setGatewayLengths([8]))
  t.equal(table.gatewayTable(8), 4208)
})

t.test(
  'a renumbering whose rules the kernel refuses is warned of, and the kernel check puts the rules back',
  async (t) => {
    const { fake, table, lines } = setup()
    await table.start([0])
    fake.fail = 'RTNETLINK answers: No buffer space available'
    t.ok(await table.setGatewayLengths([8]), 'renumbered: the reload goes on')
    t.equal(table.gatewayTable(8), 4208)
    t.match(lines.join('\n'), /cannot add ip rules .*No buffer space available.*; the kernel check retries/)
    fake.fail = undefined
    fake.rules = '[]'
    t.match(await table.reconcile(), [/ip rules at no priority instead of 32000, 32001, 32002/])
    t.match(fake.calls.at(-1), /^rule add .*table 4207.*; rule add .*table 4208/, 'the new rules go in')
  },
)

t.test(
  "reconcile: a route deleted by hand or added behind faild's back is reported and put right by the next apply",
  async (t) => {
    const { fake, table } = setup()
    t.ok(await table.apply([route(2), route(3)]))
    fake.routes = JSON.stringify([kernel(3), kernel(9)])
    fake.rules = RULES
    t.same(await table.reconcile(), [
      'route 198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1 missing',
      'stray route 198.18.1.9 via 198.18.2.9 dev ethb src 198.18.1.1',
      'ip rules at 32000, 32001 instead of 32000',
    ])
    t.match(
      fake.calls.at(-1),
      /^rule del pref 32000 protocol 250; rule del pref 32001 protocol 250; rule add pref 32000 /,
    )
    t.ok(await table.apply([route(2), route(3)]))
    t.match(fake.calls.at(-1), /^route del 198\.18\.1\.9\/32 table 4207 proto 250; route replace 198\.18\.1\.2\/32 via/)
    fake.routes = JSON.stringify([kernel(2), kernel(3)])
    fake.rules = JSON.stringify([{ priority: 32000, table: '4207', protocol: '250' }])
    t.same(await table.reconcile(), [], 'all in place: nothing to say')
  },
)

t.test('an unreadable kernel is not a difference', async (t) => {
  const { fake, table, lines } = setup()
  t.ok(await table.apply([route(2)]))
  fake.routes = 'garbage'
  t.same(await table.reconcile(), [])
  t.same(await table.read(), [])
  t.match(
    lines.join('\n'),
    /cannot read faild's routes and rules: unexpected output[\s\S]*cannot read faild's routes: unexpected/,
  )
})

t.test('a refused rule is a clear error, and ip is stopped again', async (t) => {
  const { fake, table } = setup()
  fake.fail = 'RTNETLINK answers: Operation not permitted'
  await t.rejects(table.start(), { message: /Operation not permitted.*root or CAP_NET_ADMIN/ })
  t.equal(fake.calls.filter((c) => c.includes('del')).length, 0, 'nothing to clean')
  t.equal(fake.stopped, 1)
})

t.test('apply sends one batch of the difference, and nothing when nothing changed', async (t) => {
  const { fake, table } = setup()
  t.ok(await table.apply([route(2), route(3)]))
  t.ok(await table.apply([route(2), route(3)]))
  t.ok(await table.apply([route(3)]))
  t.same(fake.calls, [
    'route replace 198.18.1.2/32 via 198.18.2.2 dev ethb src 198.18.1.1 table 4207 proto 250; ' +
      'route replace 198.18.1.3/32 via 198.18.2.3 dev ethb src 198.18.1.1 table 4207 proto 250',
    'route del 198.18.1.2/32 table 4207 proto 250',
  ])
})

t.test('a failing batch is logged, the kernel re-read, and the next apply retries from there', async (t) => {
  const { fake, table, lines } = setup()
  fake.fail = 'Error: Nexthop has invalid gateway.'
  t.notOk(await table.apply([route(2)]))
  t.match(
    lines.join('\n'),
    /ip -batch failed, will retry: Error: Nexthop has invalid gateway\. \(route replace 198\.18\.1\.2\/32/,
  )
  t.same(table.installed, [])
  fake.fail = undefined
  t.ok(await table.apply([route(2)]))
  t.same(table.installed, [route(2)])
})

t.test(
  'a failed batch that cannot be read back: the next apply reads the kernel first, and removes the stale detour',
  async (t) => {
    const { fake, table, lines } = setup()
    t.ok(await table.apply([route(2)]))
    fake.routes = JSON.stringify([kernel(2)])
    fake.fail = 'ip died'
    fake.readFail = 'ip died'
    t.notOk(await table.apply([]), 'the failback batch fails, and so does the read after it')
    t.notOk(await table.apply([]), 'the retry cannot read either: nothing is taken for granted')
    t.equal(fake.calls.filter((c) => c.startsWith('route del')).length, 1, 'no batch written blind')
    fake.fail = undefined
    fake.readFail = undefined
    t.ok(await table.apply([]))
    t.equal(
      fake.calls.at(-1),
      'route del 198.18.1.2/32 table 4207 proto 250',
      'the detour the kernel still holds is removed',
    )
    t.same(table.installed, [])
    t.match(lines.join('\n'), /cannot read faild's routes: ip died/)
  },
)

t.test(
  'a batch failing at every retry (ip gone, an address removed) is one warning a minute, not ten a second',
  async (t) => {
    let now = 0
    const { fake, table, lines } = setup(false, () => now)
    fake.fail = 'Error: Invalid prefsrc address.'
    for (; now < 60_000; now += 100) await table.apply([route(2)])
    const warned = () => lines.filter((l) => l.startsWith('ip -batch failed'))
    t.equal(warned().length, 1, '600 failed retries in a minute, one line')
    await table.apply([route(2)])
    t.match(warned()[1], /Invalid prefsrc address\. .* \(599 more like it in the last minute\)$/)
    fake.fail = undefined
    t.ok(await table.apply([route(2)]))
    fake.fail = 'Error: Invalid prefsrc address.'
    await table.apply([route(3)])
    t.equal(warned().length, 3, 'once it went through, the next failure is news')
  },
)

t.test('dry run logs what it would do and changes nothing', async (t) => {
  const { fake, table, lines } = setup(true)
  fake.routes = LEFTOVER_ROUTES
  await table.start()
  t.ok(await table.apply([route(3)]))
  t.same(await table.reconcile(), [])
  await table.stop()
  t.same(
    fake.calls.filter((c) => !c.includes(' show')),
    [],
    'only reads',
  )
  t.match(
    lines.join('\n'),
    /removing route 198\.18\.1\.2 via[\s\S]*would run ip rule add pref 32000[\s\S]*would run ip route replace 198\.18\.1\.3\/32/,
  )
})

t.test('stop removes every route and the rule, then stops ip', async (t) => {
  const { fake, table } = setup()
  fake.routes = LEFTOVER_ROUTES
  fake.rules = RULES
  await table.stop()
  t.match(
    fake.calls.at(-1),
    /route del 198\.18\.1\.2\/32 table 4207 proto 250; route del 0\.0\.0\.0\/0 table 4208 proto 250; rule del pref 32000 protocol 250/,
  )
  t.equal(fake.stopped, 1)
})

t.test('stop while the long-lived ip is restarting: the cleanup runs through one-off ip processes', async (t) => {
  const fake = new FakeBatch()
  fake.run = async (lines) => {
    fake.calls.push(lines.join('; '))
    return { ok: false, errors: [{ line: -1, message: 'ip -batch process restarting' }], output: [] }
  }
  const oneOff: string[] = []
  const runner: IpRunner = {
    run: async (args, input) => {
      oneOff.push(input ? `${args.join(' ')} <<< ${input.trim().split('\n').join('; ')}` : args.join(' '))
      if (args.join(' ') === '-json route show table all proto 250')
        return { code: 0, stdout: LEFTOVER_ROUTES, stderr: '' }
      if (args.join(' ') === '-json rule show') return { code: 0, stdout: RULES, stderr: '' }
      return { code: 0, stdout: '', stderr: '' }
    },
  }
  const log = createLogger({ transports: [new transports.Console({ silent: true })] })
  const table = new RouteTable(
    { table: 4207, proto: 250, rulePriority: 32000, port: 4207, dryRun: false },
    { ip: runner, log, batch: fake, now: () => 0 },
  )
  await table.stop()
  t.same(fake.calls, [READ], 'the long-lived ip could not read')
  t.same(oneOff, [
    '-json route show table all proto 250',
    '-json rule show',
    '-force -batch - <<< route del 198.18.1.2/32 table 4207 proto 250; route del 0.0.0.0/0 table 4208 proto 250; ' +
      'rule del pref 32000 protocol 250; rule del pref 32001 protocol 250',
  ])
  t.equal(fake.stopped, 1)
})
