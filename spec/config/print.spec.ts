// faild -n's printout: the effective config as faild.json text, which reads back as the same options.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { parseArgs } from '../../lib/cli/faild.js'
import { configText, printConfig } from '../../lib/config/print.js'
import { resolveConfig } from '../../lib/config/resolve.js'
import { CONFIG_SCHEMA } from '../../lib/config/schema.js'
import type { Options } from '../../lib/config/types.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')
const dir = mkdtempSync(join(tmpdir(), 'faild-print-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const EMPTY = join(dir, 'empty.json')
writeFileSync(EMPTY, '{}')

function resolved(file: unknown, configFile?: string): Options {
  const r = resolveConfig(file, {}, configFile)
  if (!r.ok) throw new Error(r.errors.join('; '))
  return r.options
}

/** Print, then read the text back as a config file: the same options. */
function roundTrip(t: Test, o: Options, what: string): void {
  const text = configText(o)
  t.same(resolved(JSON.parse(text), o.configFile), o, `${what}: printed, then read back`)
  t.same(JSON.parse(text), printConfig(o), `${what}: the text is the object`)
}

const FULL = {
  requestor: true,
  interval: 0.25,
  failAfter: 4,
  upAfter: 6,
  port: 5000,
  logFile: '/var/log/faild.log',
  logLevel: 'debug',
  logPackets: true,
  logFormat: 'json',
  lans: [{ interface: 'eth0', label: 'north', preference: 2 }, { interface: 'eth1' }],
  nodeId: 42,
  staticPeers: ['198.18.1.7', '198.18.2.7'],
  ignorePeers: ['198.18.1.66'],
  routes: [
    { prefix: '0.0.0.0/0', via: ['198.18.1.254', '198.18.2.254'] },
    { prefix: '10.20.0.0/16', via: ['198.18.2.253'] },
  ],
  notify: '/usr/local/sbin/faild-notify',
  notifyTimeout: 2.5,
  controlSocket: '/tmp/faild.sock',
  metrics: '198.18.0.1:9420',
  metricsPublic: true,
  pidFile: '/tmp/faild.pid',
  keyFile: '/etc/faild.key',
  cluster: 'prod-1',
  flapDamping: { flaps: 4, halfLife: 12.5, maxHold: 600, enabled: false },
  rateLimit: 1500,
  maxPeers: 64,
  dryRun: true,
  table: 300,
  rulePriority: 1000,
}

t.test('every example config: printed, then read back, gives the same options', async (t) => {
  const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.json'))
  t.ok(examples.length > 0)
  for (const f of examples) {
    roundTrip(t, resolved(JSON.parse(readFileSync(join(ROOT, 'examples', f), 'utf8'))), f)
  }
})

t.test('a file setting every key, and sets of flags, round-trip too', async (t) => {
  roundTrip(t, resolved(FULL, '/etc/faild.json'), 'every key')
  const flagSets = [
    [],
    ['-r', '-t', '0.1', '-f', '2', '-s', '4', '-p', '5000', '-l', '/tmp/f.log', '--log-format', 'json'],
    ['-i', 'eth1', '-i', 'eth0', '--node-id', '10.0.0.7', '--dry-run', '-vv', '--table', '99'],
    ['--rule-priority', '100', '-v', '--notify', '/bin/true', '--key-file', '/etc/k', '--cluster', 'c'],
    ['--control-socket', '/x.sock', '--pid-file', '/x.pid'],
  ]
  for (const argv of flagSets) {
    const o = parseArgs(['-c', EMPTY, ...argv], { out: () => {}, err: (s) => t.comment(s) })
    if (typeof o === 'number') return void t.fail(`${argv.join(' ')}: exit ${o}`)
    roundTrip(t, o, argv.join(' ') || 'no flags')
  }
})

t.test('faild.json as an operator writes it: dotted quads, a.b.c.d/len prefixes, no internal key', async (t) => {
  const printed = printConfig(resolved(FULL, '/etc/faild.json'))
  t.match(printed, {
    nodeId: '0.0.0.42',
    staticPeers: ['198.18.1.7', '198.18.2.7'],
    ignorePeers: ['198.18.1.66'],
    routes: [
      { prefix: '0.0.0.0/0', via: ['198.18.1.254', '198.18.2.254'] },
      { prefix: '10.20.0.0/16', via: ['198.18.2.253'] },
    ],
  })
  t.notOk('configFile' in printed, 'which file is said on the line above, not in the config')
  const keys = Object.keys(CONFIG_SCHEMA.properties).filter((k) => k !== '$schema')
  t.same(Object.keys(printed), keys, 'every key of the schema, in schema order')
  t.same(printed.flapDamping, FULL.flapDamping)
})

t.test('defaults are printed; a key with neither default nor value is left out (JSON has no undefined)', async (t) => {
  const printed = printConfig(resolved({}))
  const props = CONFIG_SCHEMA.properties as Record<string, { default?: unknown }>
  const withDefault = Object.keys(props).filter((k) => props[k]!.default !== undefined)
  t.same(Object.keys(printed), withDefault, 'exactly the keys with a default')
  t.match(printed, { interval: 1, failAfter: 3, upAfter: 5, port: 4207, lans: [], maxPeers: 4096 })
  t.same(printed.flapDamping, { flaps: 3, maxHold: 300, enabled: true }, 'halfLife: 30 intervals unless set')
  t.match(configText(resolved({})), /^\{\n {2}"requestor": false,\n/, 'indented text, one key a line')
})

t.test('short arrays and objects fit on one line, as in examples/faild.json', async (t) => {
  const text = configText(resolved(FULL))
  t.match(text, /\n {2}"staticPeers": \["198\.18\.1\.7", "198\.18\.2\.7"\],\n/)
  const line = (s: string) => `\n${s}\n`
  const lans = '[{ "interface": "eth0", "label": "north", "preference": 2 }, { "interface": "eth1" }]'
  t.ok(text.includes(line(`  "lans": ${lans},`)), 'lans: on one line')
  const route = '{ "prefix": "0.0.0.0/0", "via": ["198.18.1.254", "198.18.2.254"] }'
  t.ok(text.includes(line(`  "routes": [\n    ${route},`)), 'routes: too long for one line, one route a line')
  t.ok(
    text.split('\n').every((l) => l.length <= 110),
    'no line over 110 characters',
  )
})
