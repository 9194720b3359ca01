// The route table adapter of lib/routes.ts against a fake `ip` (the real one is in the lab specs).
import t from 'tap'
import { createLogger, transports } from 'winston'
import type { IpResult, IpRunner } from '../../lib/host/ip-runner.js'
import { parseIPv4 } from '../../lib/core/util/ipv4.js'
import type { Route } from '../../lib/core/routes/plan.js'
import { RouteTable } from '../../lib/host/route-table.js'

const ip = (s: string): number => parseIPv4(s)!
const route = (n: number): Route => ({ table: 4207, len: 32, dst: ip(`198.18.1.${n}`), via: ip(`198.18.2.${n}`), dev: 'ethb', src: ip('198.18.1.1') })

/** Records every call; answers from a script keyed by the first words of the command. */
class FakeIp implements IpRunner {
  calls: string[] = []
  answers: Record<string, Partial<IpResult>> = {}
  async run(args: readonly string[], input?: string): Promise<IpResult> {
    const cmd = args.join(' ')
    this.calls.push(input ? `${cmd} <<${input.trim().split('\n').join('; ')}` : cmd)
    const key = Object.keys(this.answers).find((k) => cmd.startsWith(k))
    return { code: 0, stdout: '', stderr: '', ...(key ? this.answers[key] : {}) }
  }
}

function setup(dryRun = false) {
  const fake = new FakeIp()
  const lines: string[] = []
  const log = createLogger({ level: 'debug', transports: [new transports.Console({ silent: true })] })
  log.on('data', (info: { message: string }) => lines.push(info.message))
  const table = new RouteTable({ table: 4207, proto: 250, rulePriority: 32000, port: 4207, dryRun }, { ip: fake, log })
  return { fake, table, lines }
}

const LEFTOVER_ROUTES = JSON.stringify([
  { dst: '198.18.1.2', gateway: '198.18.2.2', dev: 'ethb', prefsrc: '198.18.1.1', table: '4207' },
  { dst: 'default', gateway: '198.18.2.254', dev: 'ethb', prefsrc: '198.18.2.1', table: '4208' },
  { dst: '10.0.0.0/8', gateway: '198.18.2.254', dev: 'ethb', prefsrc: '198.18.2.1', table: '99' },
  { type: 'throw', dst: '10.0.0.0/8', table: '4207' },
])
const RULES = JSON.stringify([
  { priority: 0, table: 'local' },
  { priority: 32000, not: null, ipproto: 'udp', sport: 4207, table: '4207', protocol: '250' },
  { priority: 32001, table: 'main', suppress_prefixlen: 0, protocol: '250' },
  { priority: 100, table: '4207', protocol: 'static' },
  { priority: 32500, table: '4207', protocol: '250' },
  { priority: 32766, table: 'main' },
])

t.test("start removes what an earlier run left in faild's tables and priorities, then adds the rule that exempts the probes", async (t) => {
  const { fake, table } = setup()
  fake.answers['-json route show'] = { stdout: LEFTOVER_ROUTES }
  fake.answers['-json rule show'] = { stdout: RULES }
  await table.start()
  t.same(fake.calls, [
    '-json route show table all proto 250',
    '-json rule show',
    '-force -batch - <<route del 198.18.1.2/32 table 4207 proto 250; route del 0.0.0.0/0 table 4208 proto 250; ' +
      'rule del pref 32000 protocol 250; rule del pref 32001 protocol 250',
    '-force -batch - <<rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250',
  ])
})

t.test('gateway routes: per prefix length, longest first, main with shorter routes suppressed, then the gateway table', async (t) => {
  const { fake, table } = setup()
  await table.start([0, 16, 0])
  t.same(fake.calls.at(-1)!.split('<<')[1]!.split('; '), [
    'rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250',
    'rule add pref 32001 table main suppress_prefixlength 16 protocol 250',
    'rule add pref 32002 not ipproto udp sport 4207 table 4208 protocol 250',
    'rule add pref 32003 table main suppress_prefixlength 0 protocol 250',
    'rule add pref 32004 not ipproto udp sport 4207 table 4209 protocol 250',
  ])
  t.equal(table.gatewayTable(16), 4208)
  t.equal(table.gatewayTable(0), 4209)
  t.throws(() => table.gatewayTable(8), RangeError)
  const gw: Route = { table: 4209, dst: 0, len: 0, via: ip('198.18.2.254'), dev: 'ethb', src: ip('198.18.2.1') }
  t.ok(await table.apply([gw]))
  t.equal(fake.calls.at(-1), '-force -batch - <<route replace 0.0.0.0/0 via 198.18.2.254 dev ethb src 198.18.2.1 table 4209 proto 250')
})

t.test('reconcile: a route deleted by hand or added behind faild\'s back is reported and put right by the next apply', async (t) => {
  const { fake, table } = setup()
  t.ok(await table.apply([route(2), route(3)]))
  fake.answers['-json route show'] = { stdout: JSON.stringify([{ dst: '198.18.1.3', gateway: '198.18.2.3', dev: 'ethb', prefsrc: '198.18.1.1', table: '4207' }, { dst: '198.18.1.9', gateway: '198.18.2.9', dev: 'ethb', prefsrc: '198.18.1.1', table: '4207' }]) }
  fake.answers['-json rule show'] = { stdout: RULES }
  t.same(await table.reconcile(), ['route 198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1 missing', 'stray route 198.18.1.9 via 198.18.2.9 dev ethb src 198.18.1.1', 'ip rules at 32000, 32001 instead of 32000'])
  t.ok(await table.apply([route(2), route(3)]))
  t.match(fake.calls.at(-1), /<<route del 198\.18\.1\.9\/32 table 4207 proto 250; route replace 198\.18\.1\.2\/32 via/)
})

t.test('a missing table is an empty table; a refused rule is a clear error', async (t) => {
  const { fake, table } = setup()
  fake.answers['-json route show'] = { stdout: '[]' }
  fake.answers['-force -batch'] = { code: 2, stderr: 'RTNETLINK answers: Operation not permitted' }
  await t.rejects(table.start(), { message: /Operation not permitted.*root or CAP_NET_ADMIN/ })
  t.equal(fake.calls.filter((c) => c.includes('del')).length, 0, 'nothing to clean')
})

t.test('apply sends one batch of the difference, and nothing when nothing changed', async (t) => {
  const { fake, table } = setup()
  t.ok(await table.apply([route(2), route(3)]))
  t.ok(await table.apply([route(2), route(3)]))
  t.ok(await table.apply([route(3)]))
  t.same(fake.calls, [
    '-force -batch - <<route replace 198.18.1.2/32 via 198.18.2.2 dev ethb src 198.18.1.1 table 4207 proto 250; route replace 198.18.1.3/32 via 198.18.2.3 dev ethb src 198.18.1.1 table 4207 proto 250',
    '-force -batch - <<route del 198.18.1.2/32 table 4207 proto 250',
  ])
})

t.test('a failing batch is logged, the kernel re-read, and the next apply retries from there', async (t) => {
  const { fake, table, lines } = setup()
  fake.answers['-force -batch'] = { code: 1, stderr: 'Error: Nexthop has invalid gateway.' }
  fake.answers['-json route show'] = { stdout: '[]' }
  t.notOk(await table.apply([route(2)]))
  t.match(lines.join('\n'), /ip -batch failed, will retry: Error: Nexthop has invalid gateway/)
  t.same(table.installed, [])
  fake.answers = {}
  t.ok(await table.apply([route(2)]))
  t.same(table.installed, [route(2)])
})

t.test('dry run logs what it would do and changes nothing', async (t) => {
  const { fake, table, lines } = setup(true)
  fake.answers['-json route show'] = { stdout: LEFTOVER_ROUTES }
  await table.start()
  t.ok(await table.apply([route(3)]))
  await table.stop()
  t.same(fake.calls.filter((c) => !c.startsWith('-json')), [], 'only reads')
  t.match(lines.join('\n'), /removing route 198\.18\.1\.2 via[\s\S]*would run ip rule add pref 32000[\s\S]*would run ip route replace 198\.18\.1\.3\/32/)
})

t.test('stop removes every route and the rule', async (t) => {
  const { fake, table } = setup()
  fake.answers['-json route show'] = { stdout: LEFTOVER_ROUTES }
  fake.answers['-json rule show'] = { stdout: RULES }
  await table.stop()
  t.match(fake.calls.at(-1), /route del 198\.18\.1\.2\/32 table 4207 proto 250; route del 0\.0\.0\.0\/0 table 4208 proto 250; rule del pref 32000 protocol 250/)
})
