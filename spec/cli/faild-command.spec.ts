// The command line (lib/cli/faild-command.ts) through parseArgs: defaults, every flag, bad values.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parseArgs } from '../../lib/cli/faild.js'
import type { Options } from '../../lib/config/types.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-options-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const EMPTY = join(dir, 'empty.json')
writeFileSync(EMPTY, '{}')

function parse(argv: string[]): { result: Options | number; out: string; err: string } {
  let out = ''
  let err = ''
  const result = parseArgs(argv, { out: (s) => (out += s), err: (s) => (err += s) })
  return { result, out, err }
}

t.test('defaults a cautious operator accepts: recovery slower than failure', async (t) => {
  t.same(parse(['-c', '/dev/null']).result, 1, '/dev/null is not a JSON object')
  t.same(parse(['-c', EMPTY]).result, {
    configFile: EMPTY,
    requestor: false,
    interval: 1,
    failAfter: 3,
    upAfter: 5,
    port: 4207,
    logFile: undefined,
    logLevel: 'info',
    logPackets: false,
    logFormat: 'text',
    lans: [],
    nodeId: undefined,
    staticPeers: [],
    ignorePeers: [],
    targets: [],
    addresses: [],
    routes: [],
    failback: true,
    notify: undefined,
    notifyTimeout: 10,
    controlSocket: '/run/faild/faild.sock',
    metrics: undefined,
    metricsPublic: false,
    pidFile: '/run/faild/faild.pid',
    stateDir: '/var/lib/faild',
    dynamicInterfaces: false,
    dryRun: false,
    table: 4207,
    rulePriority: 32000,
    keyFile: undefined,
    cluster: undefined,
    flapDamping: { enabled: true, flaps: 3, halfLife: undefined, maxHold: 300 },
    rateLimit: undefined,
    maxPeers: 4096,
    wireVersion: 2,
  })
})

t.test("the original faild's flags, and the long forms", async (t) => {
  const short = parse(['-r', '-t', '0.1', '-f', '2', '-s', '4', '-p', '5000', '-l', '/tmp/f.log']).result as Options
  const long = parse([
    '--requestor',
    '--interval',
    '0.1',
    '--fail-after',
    '2',
    '--up-after',
    '4',
    '--port',
    '5000',
    '--log-file',
    '/tmp/f.log',
  ]).result
  t.match(short, { requestor: true, interval: 0.1, failAfter: 2, upAfter: 4, port: 5000, logFile: '/tmp/f.log' })
  t.same(long, short)
  t.match(
    parse([
      '-i',
      'eth1',
      '-i',
      'eth0',
      '--node-id',
      '10.0.0.7',
      '--dry-run',
      '-vv',
      '--table',
      '99',
      '--rule-priority',
      '100',
    ]).result,
    {
      lans: [{ interface: 'eth1' }, { interface: 'eth0' }],
      nodeId: 0x0a000007,
      dryRun: true,
      logLevel: 'debug',
      logPackets: true,
      table: 99,
      rulePriority: 100,
    },
  )
  t.match(
    parse([
      '--notify',
      '/bin/true',
      '--control-socket',
      '/tmp/x.sock',
      '--pid-file',
      '/tmp/x.pid',
      '--log-format',
      'json',
    ]).result,
    {
      notify: '/bin/true',
      controlSocket: '/tmp/x.sock',
      pidFile: '/tmp/x.pid',
      logFormat: 'json',
    },
  )
  t.match(parse(['--node-id', '42']).result, { nodeId: 42 })
})

t.test('-v is debug without a line per packet; -vv (or -v -v, --verbose --verbose) adds them', async (t) => {
  t.match(parse(['-c', EMPTY]).result, { logLevel: 'info', logPackets: false })
  t.match(parse(['-c', EMPTY, '-v']).result, { logLevel: 'debug', logPackets: false })
  for (const argv of [['-vv'], ['-v', '-v'], ['--verbose', '--verbose'], ['-vvv']]) {
    t.match(parse(['-c', EMPTY, ...argv]).result, { logLevel: 'debug', logPackets: true }, argv.join(' '))
  }
  const file = join(dir, 'packets.json')
  writeFileSync(file, JSON.stringify({ logLevel: 'debug', logPackets: true }))
  t.match(parse(['-c', file]).result, { logLevel: 'debug', logPackets: true }, 'the file sets it too')
  writeFileSync(file, JSON.stringify({ logPackets: true }))
  const { result, err } = parse(['-c', file])
  t.equal(result, 1, 'a line per packet at level info would be built and thrown away')
  t.match(err, /\/logPackets: needs logLevel "debug"/)
  t.match(parse(['-c', file, '-v']).result, { logLevel: 'debug', logPackets: true }, '-v supplies the level')
})

const bad: Array<[string[], RegExp]> = [
  [['-t', 'abc'], /-t, --interval/],
  [['-t', '0'], /-t, --interval/],
  [['-t', '-1'], /-t, --interval/],
  [['-t', '61'], /-t, --interval/],
  [['-t', '1e1'], /-t, --interval/],
  [['-f', '0'], /-f, --fail-after/],
  [['-f', '2.5'], /-f, --fail-after/],
  [['-s', 'x'], /-s, --up-after/],
  [['-p', '70000'], /-p, --port/],
  [['-p', '0'], /-p, --port/],
  [['--node-id', '0'], /--node-id/],
  [['--node-id', '1.2.3'], /--node-id/],
  [['--rule-priority', '32766'], /--rule-priority/],
  [['--log-format', 'xml'], /--log-format.*Allowed choices are text, json/],
  [['-c', '/nonexistent/faild.json'], /config \/nonexistent\/faild\.json: cannot read it: ENOENT/],
  [['--bogus'], /unknown option '--bogus'/],
  [['extra'], /too many arguments/],
  [['-t'], /argument missing/],
]

for (const [argv, msg] of bad) {
  t.test(`refuses ${argv.join(' ')}`, async (t) => {
    const { result, err } = parse(argv)
    t.equal(result, 1, 'exits 1')
    t.match(err, msg, 'names the flag and why')
  })
}

t.test('--help and --version exit 0 and print', async (t) => {
  const help = parse(['--help'])
  t.equal(help.result, 0)
  t.match(help.out, /-c, --config <file>[\s\S]*-r, --requestor[\s\S]*-t, --interval <secs>[\s\S]*SIGTERM[\s\S]*SIGHUP/)
  const v = parse(['--version'])
  t.equal(v.result, 0)
  t.match(v.out, /^\d+\.\d+\.\d+/)
})
