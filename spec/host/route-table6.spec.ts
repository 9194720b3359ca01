// The IPv6 route table of lib/host/route-table6.ts against a fake `ip -6` batch (the real one: spec/lab/ipv6-swap.spec.ts).
import t from 'tap'
import { createLogger, transports } from 'winston'
import type { Route6 } from '../../lib/core/routes/route6.js'
import { parseIPv6 } from '../../lib/core/util/ipv6.js'
import type { BatchResult, IpBatch } from '../../lib/host/ip-batch.js'
import type { IpRunner } from '../../lib/host/ip-runner.js'
import { ip6, RouteTable6 } from '../../lib/host/route-table6.js'

const ip = (s: string) => parseIPv6(s)!
const route = (n: number): Route6 => ({
  table: 4207,
  len: 128,
  dst: ip(`fd00:1:a::${n}`),
  via: ip(`fd00:1:b::${n}`),
  dev: 'ethb',
  src: ip('fd00:1:a::1'),
})
const kernel = (n: number) => ({
  dst: `fd00:1:a::${n}`,
  gateway: `fd00:1:b::${n}`,
  dev: 'ethb',
  table: '4207',
  prefsrc: 'fd00:1:a::1',
  metric: 1024,
})
const RULE = { priority: 32000, not: null, src: 'all', ipproto: 'udp', sport: 4207, table: '4207', protocol: '250' }
const REFRESH = 'rule add pref 32067 not from all table main protocol 250; rule del pref 32067 protocol 250'
const READ = 'route show table all proto 250; rule show'

/** Records every batch as "line; line"; reads answer from `routes`/`rules`, a write fails while `fail` is set. */
class FakeBatch implements IpBatch {
  calls: string[] = []
  routes = '[]'
  rules = '[]'
  fail: string | undefined
  stopped = 0
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    this.stopped++
  }
  async run(lines: readonly string[]): Promise<BatchResult> {
    this.calls.push(lines.join('; '))
    if (lines.every((l) => l.includes(' show')))
      return { ok: true, errors: [], output: lines.map((l) => (l.startsWith('route') ? this.routes : this.rules)) }
    if (this.fail) return { ok: false, errors: [{ line: 0, message: this.fail }], output: [] }
    return { ok: true, errors: [], output: [] }
  }
}

const noIp: IpRunner = { run: async () => ({ code: 1, stdout: '', stderr: 'not used' }) }

function setup(dryRun = false) {
  const fake = new FakeBatch()
  const lines: string[] = []
  const log = createLogger({ level: 'debug', transports: [new transports.Console({ silent: true })] })
  log.on('data', (info: { message: string }) => lines.push(info.message))
  const opt = { table: 4207, proto: 250, rulePriority: 32000, port: 4207, dryRun }
  return { fake, lines, table: new RouteTable6(opt, { ip: noIp, log, batch: fake }) }
}

t.test('start removes what an earlier run left (a refresh rule of a crash too), then adds the rule', async (t) => {
  const { fake, table } = setup()
  fake.routes = JSON.stringify([kernel(2), { ...kernel(9), table: '99' }])
  fake.rules = JSON.stringify([RULE, { priority: 32067, not: null, table: 'main', protocol: '250' }])
  await table.start()
  t.same(fake.calls, [
    READ,
    'route del fd00:1:a::2/128 table 4207 proto 250; rule del pref 32000 protocol 250; rule del pref 32067 protocol 250',
    'rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250',
  ])
})

t.test('every batch that changes a route ends with the refresh; no change, no batch', async (t) => {
  const { fake, table } = setup()
  t.ok(await table.apply([route(2), route(3)]))
  t.ok(await table.apply([route(2), route(3)]))
  t.ok(await table.apply([route(3)]))
  t.same(fake.calls, [
    'route replace fd00:1:a::2/128 via fd00:1:b::2 dev ethb src fd00:1:a::1 table 4207 proto 250; ' +
      `route replace fd00:1:a::3/128 via fd00:1:b::3 dev ethb src fd00:1:a::1 table 4207 proto 250; ${REFRESH}`,
    `route del fd00:1:a::2/128 table 4207 proto 250; ${REFRESH}`,
  ])
  t.same(table.installed, [route(3)])
})

t.test('a failing batch is logged, the kernel re-read, and the next apply retries from there', async (t) => {
  const { fake, table, lines } = setup()
  fake.fail = 'Error: Nexthop has invalid gateway.'
  t.notOk(await table.apply([route(2)]))
  t.match(
    lines.join('\n'),
    /ip -6 -batch failed, will retry: Error: Nexthop has invalid gateway\. \(route replace fd00/,
  )
  t.same(table.installed, [])
  fake.fail = undefined
  t.ok(await table.apply([route(2)]))
  t.same(table.installed, [route(2)])
})

t.test('reconcile: a route deleted by hand, a stray one and a lost rule are reported and put right', async (t) => {
  const { fake, table } = setup()
  t.ok(await table.apply([route(2), route(3)]))
  fake.routes = JSON.stringify([kernel(3), kernel(9)])
  fake.rules = '[]'
  t.same(await table.reconcile(), [
    'route fd00:1:a::2 via fd00:1:b::2 dev ethb src fd00:1:a::1 missing',
    'stray route fd00:1:a::9 via fd00:1:b::9 dev ethb src fd00:1:a::1',
    'ip -6 rules at no priority instead of 32000',
  ])
  t.equal(fake.calls.at(-1), 'rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250')
  t.ok(await table.apply([route(2), route(3)]))
  t.match(
    fake.calls.at(-1),
    /^route del fd00:1:a::9\/128 table 4207 proto 250; route replace fd00:1:a::2\/128 .*rule del pref 32067/,
  )
  fake.routes = JSON.stringify([kernel(2), kernel(3)])
  fake.rules = JSON.stringify([RULE])
  t.same(await table.reconcile(), [], 'all in place: nothing to say')
  fake.routes = 'garbage'
  t.same(await table.reconcile(), [], 'unreadable: not a difference')
})

t.test('a refused rule is a clear error, and ip is stopped again', async (t) => {
  const { fake, table } = setup()
  fake.fail = 'RTNETLINK answers: Operation not permitted'
  await t.rejects(table.start(), { message: /ip -6 rules .*Operation not permitted.*CAP_NET_ADMIN/ })
  t.equal(fake.stopped, 1)
})

t.test('dry run logs what it would do, refresh included, and changes nothing', async (t) => {
  const { fake, table, lines } = setup(true)
  fake.routes = JSON.stringify([kernel(2)])
  await table.start()
  t.ok(await table.apply([route(3)]))
  t.same(table.installed, [route(3)])
  t.same(fake.calls, [READ], 'reads only')
  t.match(lines.join('\n'), /removing route fd00:1:a::2 via .* left by an earlier run/)
  t.match(lines.join('\n'), /dry run: would run ip -6 rule add pref 32000 [\s\S]*would run ip -6 rule del pref 32067/)
})

t.test('stop removes every IPv6 route and rule of faild and stops ip', async (t) => {
  const { fake, table } = setup()
  t.ok(await table.apply([route(2)]))
  fake.routes = JSON.stringify([kernel(2)])
  fake.rules = JSON.stringify([RULE])
  await table.stop()
  t.equal(fake.calls.at(-1), 'route del fd00:1:a::2/128 table 4207 proto 250; rule del pref 32000 protocol 250')
  t.equal(fake.stopped, 1)
  t.same(table.installed, [])
})

t.test('ip6 makes a runner `ip -6`: its argv for the long-lived batch, and every run', async (t) => {
  const seen: string[][] = []
  const runner: IpRunner = {
    command: ['ip', '-n', 'x'],
    run: async (args) => {
      seen.push([...args])
      return { code: 0, stdout: '[]', stderr: '' }
    },
  }
  t.same(ip6(runner).command, ['ip', '-n', 'x', '-6'])
  await ip6(runner).run(['-json', 'route', 'show'])
  t.same(seen, [['-6', '-json', 'route', 'show']])
  t.notOk('command' in ip6(noIp), "a fake's runner stays one without a command")
})

t.test('without a batch of its own, a runner without a command is driven through SpawnBatch as `ip -6`', async (t) => {
  const seen: string[] = []
  const runner: IpRunner = {
    run: async (args) => {
      seen.push(args.join(' '))
      return { code: 0, stdout: '[]', stderr: '' }
    },
  }
  const log = createLogger({ transports: [new transports.Console({ silent: true })] })
  const table = new RouteTable6(
    { table: 4207, proto: 250, rulePriority: 32000, port: 4207, dryRun: false },
    { ip: runner, log },
  )
  await table.start()
  t.same(seen, ['-6 -json route show table all proto 250', '-6 -json rule show', '-6 -force -batch -'])
})

t.test('IPv6 gateway tables: a table and two rules per prefix length, renumbered on a reload', async (t) => {
  const { fake, table } = setup()
  await table.start([0, 48, 0])
  t.equal(
    fake.calls[1],
    [
      'rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250',
      'rule add pref 32001 table main suppress_prefixlength 48 protocol 250',
      'rule add pref 32002 not ipproto udp sport 4207 table 4208 protocol 250',
      'rule add pref 32003 table main suppress_prefixlength 0 protocol 250',
      'rule add pref 32004 not ipproto udp sport 4207 table 4209 protocol 250',
    ].join('; '),
  )
  t.equal(table.gatewayTable(48), 4208)
  t.equal(table.gatewayTable(0), 4209)
  t.throws(() => table.gatewayTable(32), RangeError)
  t.equal(table.gatewayTableOf(32), undefined)
  const gw: Route6 = {
    table: 4209,
    len: 0,
    dst: ip('::'),
    via: ip('fd00:1:a::fe'),
    dev: 'etha',
    src: ip('fd00:1:a::1'),
  }
  t.ok(await table.apply([gw]))
  t.equal(
    fake.calls[2],
    `route replace ::/0 via fd00:1:a::fe dev etha src fd00:1:a::1 table 4209 proto 250; ${REFRESH}`,
  )

  fake.calls = []
  t.equal(await table.setGatewayLengths([48, 0]), false, 'the same lengths: nothing is redone')
  t.same(fake.calls, [])
  fake.rules = JSON.stringify([RULE, { priority: 32001 }, { priority: 32002 }].map((r) => ({ ...RULE, ...r })))
  t.equal(await table.setGatewayLengths([0]), true)
  t.same(table.installed, [], 'everything removed: the caller applies again')
  t.equal(table.gatewayTable(0), 4208)
  t.equal(
    fake.calls.at(-1),
    [
      'rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250',
      'rule add pref 32001 table main suppress_prefixlength 0 protocol 250',
      'rule add pref 32002 not ipproto udp sport 4207 table 4208 protocol 250',
    ].join('; '),
  )

  fake.routes = '[]'
  fake.rules = JSON.stringify([RULE])
  t.same(
    await table.reconcile(),
    ['ip -6 rules at 32000 instead of 32000, 32001, 32002'],
    'a lost gateway rule is found',
  )
})
