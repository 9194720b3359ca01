// The real `ip -batch -` of lib/host/ip-batch-process.ts, inside a network namespace of its own:
// framing, failures mapped to their lines, a death mid-batch, and RouteTable on top of it.
// Skips without root or namespaces; fails instead when CI is set. Never touches the root namespace.
import { randomBytes } from 'node:crypto'
import t, { type Test } from 'tap'
import { createLogger, transports } from 'winston'
import type { Route } from '../../lib/core/routes/route.js'
import { parseIPv4 } from '../../lib/core/util/ipv4.js'
import { IpBatchProcess } from '../../lib/host/ip-batch-process.js'
import { ipRunner, runProcess } from '../../lib/host/ip-runner.js'
import { RouteTable } from '../../lib/host/route-table.js'

const ip = (s: string): number => parseIPv4(s)!
const must = async (args: string[]) => {
  const r = await runProcess('ip', args)
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`)
  return r.stdout
}

/** Why this spec cannot run here, or undefined. */
async function unavailable(ns: string): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'needs Linux network namespaces'
  if (process.getuid?.() !== 0) return 'needs root (a network namespace of its own)'
  const r = await runProcess('ip', ['netns', 'add', ns])
  return r.code === 0 ? undefined : `cannot create a network namespace: ${r.stderr.trim() || `exit ${r.code}`}`
}

/** A namespace with one link up at 198.18.0.1/24 (a dummy, or a veth pair where dummy is not built). */
async function withNamespace(t: Test, body: (ns: string) => Promise<void>): Promise<void> {
  const ns = `fdw${randomBytes(4).toString('hex')}`
  const why = await unavailable(ns)
  if (why) {
    if (process.env.CI) t.fail(`must run in CI: ${why}`)
    else t.plan(0, `skipped: ${why}`)
    return
  }
  t.teardown(() => runProcess('ip', ['netns', 'del', ns]))
  if ((await runProcess('ip', ['-n', ns, 'link', 'add', 'd0', 'type', 'dummy'])).code !== 0) {
    await must(['-n', ns, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1'])
    await must(['-n', ns, 'link', 'set', 'd1', 'up'])
  }
  await must(['-n', ns, 'link', 'set', 'd0', 'up'])
  await must(['-n', ns, 'addr', 'add', '198.18.0.1/24', 'dev', 'd0'])
  await body(ns)
}

function logger() {
  const lines: string[] = []
  const log = createLogger({ level: 'debug', transports: [new transports.Console({ silent: true })] })
  log.on('data', (info: { level: string; message: string }) => lines.push(`${info.level}: ${info.message}`))
  return { log, lines }
}

const inNs = (ns: string) => ['ip', 'netns', 'exec', ns, 'ip']
const replace = (n: number, via = '198.18.0.2') =>
  `route replace 198.18.1.${n}/32 via ${via} dev d0 table 4207 proto 250`

t.test('batches: reads come back in order, a failed line is named, the lines after it still run', (t) =>
  withNamespace(t, async (ns) => {
    const { log } = logger()
    const p = new IpBatchProcess({ command: inNs(ns), log })
    t.teardown(() => p.stop())
    await p.start()
    const r = await p.run([replace(2), replace(3, '198.18.9.9'), replace(4), 'route show table 4207', 'rule show'])
    t.notOk(r.ok)
    t.same(r.errors, [{ line: 1, message: 'Error: Nexthop has invalid gateway.' }])
    t.equal(r.output.length, 2)
    t.same(
      JSON.parse(r.output[0]!).map((x: { dst: string }) => x.dst),
      ['198.18.1.2', '198.18.1.4'],
    )
    t.match(JSON.parse(r.output[1]!), [{ priority: 0 }])
    const again = await p.run(['route del 198.18.1.7/32 table 4207 proto 250', replace(5)])
    t.same(
      again.errors.map((e) => e.line),
      [0],
      'line numbers carry on across batches',
    )
    const [a, b, c] = await Promise.all([p.run([replace(6)]), p.run(['route show table 4207']), p.run([replace(7)])])
    t.ok(a.ok && b.ok && c.ok, 'batches written back to back are answered in order')
    t.equal(JSON.parse(b.output[0]!).length, 4)
    t.throws(() => p.run(['route show\nrule show']), RangeError)
  }),
)

t.test('a death mid-batch fails that batch, is logged, and ip is restarted for the next', (t) =>
  withNamespace(t, async (ns) => {
    const { log, lines } = logger()
    const p = new IpBatchProcess({ command: inNs(ns), log })
    t.teardown(() => p.stop())
    await p.start()
    const first = p.pid!
    process.kill(first, 'SIGKILL')
    const r = await p.run([replace(2)]) // written before the death is noticed: in flight
    t.notOk(r.ok)
    t.match(r.errors[0]?.message, /killed by SIGKILL/)
    t.match(
      lines.join('\n'),
      /error: ip -batch process killed by SIGKILL, 1 batch\(es\) in flight failed; restarting it/,
    )
    t.ok((await p.run([replace(2)])).ok, 'the next batch runs in a new ip')
    t.not(p.pid, first)
    await p.stop()
    t.notOk((await p.run([replace(3)])).ok, 'stopped: refused, not hung')
  }),
)

t.test('a command that does not run is a clear error at start', async (t) => {
  const { log } = logger()
  const p = new IpBatchProcess({ command: ['/nonexistent/ip'], log })
  await t.rejects(p.start(), { message: /cannot run \/nonexistent\/ip -batch -: .*ENOENT/ })
})

t.test('RouteTable through the long-lived ip: rules, routes, a route deleted by hand, and a clean stop', (t) =>
  withNamespace(t, async (ns) => {
    const { log } = logger()
    const table = new RouteTable(
      { table: 4207, proto: 250, rulePriority: 32000, port: 4207, dryRun: false },
      { ip: ipRunner(inNs(ns)), log },
    )
    const route = (n: number): Route => ({
      table: 4207,
      len: 32,
      dst: ip(`198.18.1.${n}`),
      via: ip('198.18.0.2'),
      dev: 'd0',
      src: ip('198.18.0.1'),
    })
    await table.start()
    t.teardown(() => table.stop())
    t.ok(await table.apply([route(2), route(3)]))
    t.same(await table.read(), [route(2), route(3)])
    await must(['-n', ns, 'route', 'del', '198.18.1.2/32', 'table', '4207'])
    t.same(await table.reconcile(), ['route 198.18.1.2 via 198.18.0.2 dev d0 src 198.18.0.1 missing'])
    t.ok(await table.apply([route(2), route(3)]))
    t.match(
      await must(['-n', ns, 'rule', 'show']),
      /32000:\s+not from all ipproto udp sport 4207 lookup 4207 proto 250/,
    )
    await table.stop()
    t.equal((await must(['-n', ns, 'route', 'show', 'table', '4207'])).trim(), '')
    t.notMatch(await must(['-n', ns, 'rule', 'show']), /proto 250/)
  }),
)
