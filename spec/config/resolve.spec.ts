// faild.json through lib/config.ts and the real command line: the schema, every error at once, flags over the file.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { main, parseArgs } from '../../lib/cli/faild.js'
import { buildCommand } from '../../lib/cli/faild-command.js'
import { DEFAULTS } from '../../lib/config/defaults.js'
import { printConfig } from '../../lib/config/print.js'
import { resolveConfig } from '../../lib/config/resolve.js'
import { CONFIG_SCHEMA } from '../../lib/config/schema.js'
import type { Options } from '../../lib/config/types.js'
import { makeAjv } from '../../lib/config/validator.js'
import { parseIPv6 } from '../../lib/core/util/ipv6.js'

const parse6 = (text: string) => parseIPv6(text)!

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')
const dir = mkdtempSync(join(tmpdir(), 'faild-config-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, content: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

function run(argv: string[]): { result: Options | number; out: string; err: string } {
  let out = ''
  let err = ''
  const result = parseArgs(argv, { out: (s) => (out += s), err: (s) => (err += s) })
  return { result, out, err }
}

const errorsOf = (v: unknown, flags: Record<string, unknown> = {}): string[] => {
  const r = resolveConfig(v, flags)
  return r.ok ? [] : r.errors
}

t.test('a file sets every key; flags given on the command line override it, defaults do not', async (t) => {
  const path = file('full.json', {
    requestor: true,
    interval: 0.5,
    failAfter: 4,
    upAfter: 6,
    port: 5000,
    logLevel: 'warn',
    lans: [
      { interface: 'eth0', label: 'north', preference: 2 },
      { interface: 'eth1', label: 'south' },
    ],
    nodeId: '10.0.0.9',
    staticPeers: ['198.18.1.7'],
    ignorePeers: ['198.18.1.66'],
    routes: [{ prefix: '0.0.0.0/0', via: ['198.18.1.254', '198.18.2.254'] }],
    table: 500,
  })
  t.match(run(['-c', path]).result, {
    configFile: path,
    requestor: true,
    interval: 0.5,
    failAfter: 4,
    upAfter: 6,
    port: 5000,
    logLevel: 'warn',
    lans: [
      { interface: 'eth0', label: 'north', preference: 2 },
      { interface: 'eth1', label: 'south' },
    ],
    nodeId: 0x0a000009,
    staticPeers: [0xc6120107],
    ignorePeers: [0xc6120142],
    routes: [{ prefix: 0, len: 0, via: [0xc61201fe, 0xc61202fe] }],
    table: 500,
    rulePriority: DEFAULTS.rulePriority,
  })
  t.match(run(['-c', path, '-f', '2', '-p', '6000', '-v', '-i', 'eth7']).result, {
    failAfter: 2,
    port: 6000,
    logLevel: 'debug',
    lans: [{ interface: 'eth7' }],
    upAfter: 6,
  })
})

const bad: Array<[string, unknown, Record<string, unknown>, RegExp[]]> = [
  ['a wrong type', { failAfter: 'three' }, {}, [/^\/failAfter: must be integer$/]],
  ['out of range', { interval: 0 }, {}, [/^\/interval: must be >= 0\.01$/]],
  ['an unknown key', { failafter: 3 }, {}, [/^\/failafter: unknown key$/]],
  [
    'an unknown key deep down',
    { lans: [{ iface: 'eth0' }] },
    {},
    [/^\/lans\/0: must have required property 'interface'$/, /^\/lans\/0\/iface: unknown key$/],
  ],
  ['not an address', { staticPeers: ['198.18.1.300'] }, {}, [/^\/staticPeers\/0: must be a dotted-quad IPv4 address$/]],
  // Each reaches open(2), spawn(2) or a log line: a NUL stopped faild at the first event.
  ...['notify', 'logFile', 'pidFile', 'controlSocket', 'stateDir', 'keyFile'].map(
    (key): [string, unknown, Record<string, unknown>, RegExp[]] => [
      `a control character in ${key}`,
      { [key]: key === 'notify' ? '/bin/true\u0000' : '/var/x\ny' },
      {},
      [RegExp(`^/${key}: must be a path of 1 to 4096 characters, none of them a control character`)],
    ],
  ),
  ...['a#b', 'a b', '"a"', 'a/b', 'a:1', '.', '..', 'sixteen-letters!'].map(
    (name): [string, unknown, Record<string, unknown>, RegExp[]] => [
      `the interface name ${JSON.stringify(name)} (a batch line or the kernel would not take it)`,
      { lans: [{ interface: name }] },
      {},
      [/^\/lans\/0\/interface: must be an interface name of 1 to 15 characters/],
    ],
  ),
  [
    'a label that is not a word',
    { lans: [{ interface: 'eth0', label: 'a b' }] },
    {},
    [/^\/lans\/0\/label: must be 1 to 16/],
  ],
  [
    'not a prefix',
    { requestor: true, routes: [{ prefix: '10.0.0.0', via: ['198.18.1.1'] }] },
    {},
    [/^\/routes\/0\/prefix: must be a prefix like 10\.0\.0\.0\/16 or 2001:db8::\/32$/],
  ],
  [
    'an IPv6 prefix that does not parse',
    { requestor: true, routes: [{ prefix: '2001:db8:::/32', via: ['2001:db8:1::1'] }] },
    {},
    [/^\/routes\/0\/prefix: 2001:db8:::\/32 is not an IPv6 prefix$/],
  ],
  [
    'host bits in an IPv6 prefix',
    { requestor: true, routes: [{ prefix: '2001:db8::1/32', via: ['2001:db8:1::1'] }] },
    {},
    [/^\/routes\/0\/prefix: host bits set in 2001:db8::1\/32$/],
  ],
  [
    'an IPv6 /128 gateway route',
    { requestor: true, routes: [{ prefix: '2001:db8::1/128', via: ['2001:db8:1::1'] }] },
    {},
    [/^\/routes\/0\/prefix: a \/128 is a host/],
  ],
  [
    "gateways of the other family than the route's prefix",
    {
      requestor: true,
      routes: [
        { prefix: '::/0', via: ['2001:db8:1::1', '198.18.2.254'] },
        { prefix: '0.0.0.0/0', via: ['fd00:1:2::fe'] },
      ],
    },
    {},
    [
      /^\/routes\/0\/via\/1: 198\.18\.2\.254 is IPv4, the prefix ::\/0 IPv6$/,
      /^\/routes\/1\/via\/0: fd00:1:2::fe is IPv6, the prefix 0\.0\.0\.0\/0 IPv4$/,
    ],
  ],
  [
    'a link-local or malformed IPv6 gateway',
    { requestor: true, routes: [{ prefix: '::/0', via: ['fe80::1', '2001:db8::1::2'] }] },
    {},
    [
      /^\/routes\/0\/via\/0: fe80::1 is not a global or ULA IPv6 address/,
      /^\/routes\/0\/via\/1: 2001:db8::1::2 is not an IPv6 address$/,
    ],
  ],
  [
    'a link-local IPv6 target',
    { targets: [{ address: 'fe80::1' }, { address: 'ff02::1' }] },
    {},
    [
      /^\/targets\/0\/address: fe80::1 is not a global or ULA/,
      /^\/targets\/1\/address: ff02::1 is not a global or ULA/,
    ],
  ],
  [
    'a target that is no address of either family',
    { targets: [{ address: 'router' }] },
    {},
    [/^\/targets\/0\/address: must be an IPv4 address \(dotted quad\) or an IPv6 address$/],
  ],
  [
    'IPv6 gateways that are not targets, without -r (another spelling of a target does not count)',
    { targets: [{ address: '2001:DB8:1:0::fe' }], routes: [{ prefix: '::/0', via: ['2001:db8:1::fe', 'fd00::fe'] }] },
    {},
    [/^\/routes: gateways that are not targets need requestor: true/],
  ],
  [
    'host bits in a prefix',
    { requestor: true, routes: [{ prefix: '10.0.0.1/8', via: ['198.18.1.1'] }] },
    {},
    [/^\/routes\/0\/prefix: host bits set in 10\.0\.0\.1\/8$/],
  ],
  [
    'gateway routes without -r',
    { routes: [{ prefix: '0.0.0.0/0', via: ['198.18.1.1'] }] },
    {},
    [/^\/routes: gateways that are not targets need requestor: true/],
  ],
  [
    'a service address watching an address that is not a target',
    { addresses: [{ address: '198.18.1.100/24', interfaces: ['etha', 'etha2'], watch: ['198.18.1.254'] }] },
    {},
    [/^\/addresses\/0\/watch\/0: 198\.18\.1\.254 is not a target \(add it to targets\)$/],
  ],
  [
    'a service address on one interface',
    { addresses: [{ address: '198.18.1.100/24', interfaces: ['etha'] }] },
    {},
    [/^\/addresses\/0\/interfaces: must/],
  ],
  [
    'a service address neither IPv4 nor IPv6 with a prefix',
    { addresses: [{ address: 'fd00::1', interfaces: ['etha', 'etha2'] }] },
    {},
    [
      /^\/addresses\/0\/address: must be an address with its prefix length, like 198\.18\.1\.100\/24 or 2001:db8:1::100\/64$/,
    ],
  ],
  [
    'an IPv6 service address that is not IPv6',
    { addresses: [{ address: 'fd00:::1/64', interfaces: ['etha', 'etha2'] }] },
    {},
    [/^\/addresses\/0\/address: fd00:::1 is not a global or ULA IPv6 address$/],
  ],
  [
    'a link-local service address',
    { addresses: [{ address: 'fe80::100/64', interfaces: ['etha', 'etha2'] }] },
    {},
    [/^\/addresses\/0\/address: fe80::100 is not a global or ULA IPv6 address$/],
  ],
  [
    'an IPv6 service address with no subnet around it',
    { addresses: [{ address: '2001:db8:1::100/127', interfaces: ['etha', 'etha2'] }] },
    {},
    [/^\/addresses\/0\/address: a \/127 leaves no subnet to announce it on$/],
  ],
  [
    'a target of no LAN name pattern',
    { targets: [{ address: '198.18.1.254', lan: 'A B' }] },
    {},
    [/^\/targets\/0\/lan: must be /],
  ],
  ['a bad choice', { logFormat: 'xml' }, {}, [/^\/logFormat: must be one of "text", "json"$/]],
  [
    'a node id neither quad nor number',
    { nodeId: 'me' },
    {},
    [/^\/nodeId: must be a dotted-quad IPv4 address$/, /^\/nodeId: must be integer$/],
  ],
  [
    'an interface named twice',
    { lans: [{ interface: 'eth0' }, { interface: 'eth0' }] },
    {},
    [/^\/lans\/1\/interface: 'eth0' is named twice$/],
  ],
  ['a kernel table', { table: 254 }, {}, [/^\/table: 254 is a kernel table/]],
  ['not an object', [1, 2], {}, [/^\/: must be a JSON object$/]],
]

for (const [name, value, flags, want] of bad) {
  t.test(`refuses ${name}, naming the key by its JSON path`, async (t) => {
    const errors = errorsOf(value, flags)
    t.equal(errors.length, want.length, errors.join('\n'))
    want.forEach((re, i) => t.match(errors[i], re))
  })
}

t.test('an IPv6 service address: kept as RFC 5952 text (address 0), printed back as given', async (t) => {
  const r = resolveConfig({ addresses: [{ address: '2001:DB8:1:0::0100/64', interfaces: ['etha', 'etha2'] }] }, {})
  if (!r.ok) return void t.fail(r.errors.join('\n'))
  t.match(r.options.addresses[0], { address: 0, ipv6: '2001:db8:1::100', len: 64 })
  t.match(printConfig(r.options).addresses, [{ address: '2001:db8:1::100/64' }])
  const v4 = resolveConfig({ addresses: [{ address: '198.18.1.100/24', interfaces: ['etha', 'etha2'] }] }, {})
  t.notOk(v4.ok && 'ipv6' in v4.options.addresses[0]!, 'an IPv4 one has no ipv6')
})

t.test('every error at once, the file named, exit 1 and nothing started', async (t) => {
  const path = file('bad.json', { failAfter: 0, upAfter: 'x', colour: 'blue' })
  const r = run(['-c', path])
  t.equal(r.result, 1)
  t.match(r.err, /^error: 3 problems, nothing started:\n/)
  for (const key of ['/failAfter: must be >= 1', '/upAfter: must be integer', '/colour: unknown key'])
    t.ok(r.err.includes(`config ${path}: ${key}`), key)
  const broken = run(['-c', file('broken.json', '{"requestor": true,')])
  t.equal(broken.result, 1)
  t.match(broken.err, /config .*broken\.json: not valid JSON/)
})

t.test('-n checks the configuration and exits: 0 and the settings when good, 1 and the errors when not', async (t) => {
  const routes = [{ prefix: '10.20.0.0/16', via: ['198.18.1.254'] }]
  const path = file('good.json', { requestor: true, routes })
  let out = ''
  const hostIsFine = async () => [] // spec/cli/host-checks.spec.ts checks the host checks
  t.equal(await main(['-n', '-c', path], { out: (s) => (out += s), err: (s) => t.comment(s) }, hostIsFine), 0)
  const [first, ...rest] = out.split('\n')
  t.equal(first, `configuration OK (${path}):`, 'the first line as before (the init script and the unit run -n)')
  const printed = JSON.parse(rest.join('\n')) as Record<string, unknown>
  t.same(printed, printConfig(run(['-c', path]).result as Options), 'then the effective config as faild.json')
  t.match(printed, { requestor: true, routes, failAfter: 3 })
  t.notMatch(out, /configFile|"len"|3323068926/, 'no internal keys, no addresses as numbers')
  t.equal(run(['-n', '-c', file('bad2.json', { port: 0 })]).result, 1)
})

t.test(
  'every command-line flag has a key in the schema, with a description; every key with a default agrees with DEFAULTS',
  async (t) => {
    const props = CONFIG_SCHEMA.properties as Record<string, { description?: string; default?: unknown }>
    const flagKey: Record<string, string> = { interface: 'lans', verbose: 'logLevel' }
    const cliOnly = new Set(['version', 'config', 'check', 'printSchema'])
    for (const opt of buildCommand('0').options) {
      const name = opt.attributeName()
      if (cliOnly.has(name)) continue
      const key = flagKey[name] ?? name
      t.ok(props[key], `${opt.flags} has the key ${key}`)
    }
    for (const [key, p] of Object.entries(props)) t.ok(p.description, `${key} is described`)
    for (const [key, v] of Object.entries(DEFAULTS)) if (props[key]) t.equal(props[key]!.default, v, `${key} default`)
  },
)

t.test('--print-schema prints the schema; the build publishes the same as dist/faild.schema.json', async (t) => {
  const r = run(['--print-schema'])
  t.equal(r.result, 0)
  t.same(JSON.parse(r.out), CONFIG_SCHEMA)
  const published = join(ROOT, 'dist/faild.schema.json')
  if (!existsSync(published))
    return void t.comment('dist/faild.schema.json not built yet (npm run build): not compared')
  t.same(JSON.parse(readFileSync(published, 'utf8')), CONFIG_SCHEMA)
})

t.test('every JSON file in examples/ is a valid faild.json', async (t) => {
  const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.json'))
  t.ok(examples.includes('faild.json'))
  for (const f of examples) {
    const r = resolveConfig(JSON.parse(readFileSync(join(ROOT, 'examples', f), 'utf8')), {})
    t.ok(r.ok, `${f}: ${r.ok ? 'valid' : r.errors.join('; ')}`)
  }
})

t.test('the validator the build precompiles judges as the one compiled at run time', async (t) => {
  const built = join(ROOT, 'dist/lib/config/validate.cjs')
  if (!existsSync(built))
    return void t.comment('dist/lib/config/validate.cjs not built yet (npm run build): not compared')
  const runtime = (await makeAjv()).compile(CONFIG_SCHEMA)
  const precompiled = ((await import(built)) as { default: typeof runtime }).default
  const samples: unknown[] = [
    {},
    { failAfter: 0, colour: 1 },
    { lans: [{ iface: 'x' }] },
    { nodeId: 'me' },
    JSON.parse(readFileSync(join(ROOT, 'examples/faild.json'), 'utf8')),
  ]
  for (const s of samples) {
    const [a, b] = [structuredClone(s), structuredClone(s)]
    t.equal(precompiled(a), runtime(b), JSON.stringify(s))
    t.same(a, b, 'the same defaults filled in')
    t.same(precompiled.errors ?? null, runtime.errors ?? null, 'the same errors')
  }
})

t.test('depth is found without recursion, with the path of the first value too deep', async (t) => {
  const { deeperThan } = await import('../../lib/config/resolve.js')
  t.equal(deeperThan({ routes: [{ via: ['198.18.1.1'] }] }, 16), undefined)
  t.equal(deeperThan({ a: { b: { c: 1 } } }, 2), '/a/b')
  let deep: unknown = 1
  for (let i = 0; i < 200_000; i++) deep = [deep]
  t.match(deeperThan({ x: deep }, 16), /^\/x(\/0){15}$/)
})

t.test('--metrics: address:port, loopback unless --metrics-public; a bad value exits 1 naming the key', async (t) => {
  const ok = (argv: string[]) => run(argv).result as Options
  t.same(ok(['--metrics', '127.0.0.1:9420']).metrics, { host: '127.0.0.1', port: 9420 })
  t.same(ok(['--metrics', '[::1]:9420']).metrics, { host: '::1', port: 9420 })
  t.equal(ok([]).metrics, undefined, 'off by default')
  t.same(ok(['--metrics', '198.18.0.1:9420', '--metrics-public']).metrics, { host: '198.18.0.1', port: 9420 })
  const cfg = file('metrics.json', { metrics: '198.18.0.1:80', metricsPublic: true })
  t.same(ok(['-c', cfg]).metrics, { host: '198.18.0.1', port: 80 }, 'the same keys in faild.json')
  for (const [argv, error] of [
    [['--metrics', '198.18.0.1:9420'], /\/metrics: 198\.18\.0\.1 is not a loopback address.*--metrics-public/],
    [['--metrics', '0.0.0.0:9420'], /\/metrics: 0\.0\.0\.0 is not a loopback address/],
    [['--metrics', '127.0.0.1'], /\/metrics: must be address:port/],
    [['--metrics', '127.0.0.1:0'], /\/metrics: must be address:port/],
    [['--metrics', '127.0.0.1:65536'], /\/metrics: must be address:port/],
    [['--metrics', 'localhost:9420'], /\/metrics: must be address:port/],
    [['--metrics', '[::]:9420'], /\/metrics: must be address:port/],
  ] as const) {
    const r = run([...argv])
    t.equal(r.result, 1, argv.join(' '))
    t.match(r.err, error)
  }
})

t.test('IPv6 gateway routes and targets: parsed to bytes, of any spelling, printed back as faild.json', async (t) => {
  const file = {
    targets: [{ address: '2001:DB8:1:0::FE' }, { address: 'fd00:2::fe', lan: 'B', method: 'icmp' }],
    routes: [
      { prefix: '::/0', via: ['2001:db8:1::fe', 'fd00:2::fe'], failback: false },
      { prefix: '0.0.0.0/0', via: ['198.18.1.254'] },
    ],
    requestor: true,
  }
  const r = resolveConfig(file, {})
  if (!r.ok) return t.fail(r.errors.join('\n'))
  const [six, four] = r.options.routes
  t.same(six, {
    prefix: new Uint8Array(16),
    len: 0,
    via: [parse6('2001:db8:1::fe'), parse6('fd00:2::fe')],
    failback: false,
  })
  t.same(four, { prefix: 0, len: 0, via: [0xc61201fe], failback: undefined })
  t.same(r.options.targets[0], { address: 0, ipv6: parse6('2001:db8:1::fe'), lan: undefined, method: 'arp' })
  const printed = printConfig(r.options) as { targets: unknown; routes: unknown }
  t.same(printed.targets, [
    { address: '2001:db8:1::fe', method: 'arp' },
    { address: 'fd00:2::fe', lan: 'B', method: 'icmp' },
  ])
  t.same(printed.routes, [
    { prefix: '::/0', via: ['2001:db8:1::fe', 'fd00:2::fe'], failback: false },
    { prefix: '0.0.0.0/0', via: ['198.18.1.254'] },
  ])
  const again = resolveConfig(JSON.parse(JSON.stringify(printed)), {})
  t.ok(again.ok && again.options.routes.length === 2, 'the printed text reads back')
})

t.test('IPv6 gateway prefix lengths: at most 33, each a table, counted apart from IPv4', async (t) => {
  const routes = Array.from({ length: 34 }, (_, i) => ({ prefix: `2001:db8::/${i + 32}`, via: ['2001:db8:1::fe'] }))
  t.match(errorsOf({ requestor: true, routes }), [/^\/routes: IPv6 prefixes of at most 33 lengths/])
  t.same(errorsOf({ requestor: true, routes: routes.slice(0, 33) }), [])
  t.match(errorsOf({ requestor: true, table: 250, routes: routes.slice(0, 4) }), [/^\/table: 253 is a kernel table/])
})
