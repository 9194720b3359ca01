// faild -n checks this host too, read-only: interfaces, the key file, static peers and gateways on its LANs.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { main, parseArgs } from '../../lib/cli/faild.js'
import { hostChecks } from '../../lib/cli/host-checks.js'
import type { IpResult, IpRunner } from '../../lib/host/ip-runner.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-host-checks-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, content: string, mode = 0o600): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  chmodSync(path, mode)
  return path
}

const KEY = file('good.key', `${'k'.repeat(32)}\n`)

/** `ip -json addr show` of a host with two LANs, a loopback, and an interface without IPv4. */
const ADDR = [
  { ifname: 'lo', flags: ['LOOPBACK', 'UP'], addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
  lan('eth0', '198.18.1'),
  lan('eth1', '198.18.2'),
  { ifname: 'eth2', flags: ['BROADCAST', 'UP'], addr_info: [{ family: 'inet6', local: 'fe80::1', prefixlen: 64 }] },
]

function lan(ifname: string, net: string) {
  const inet = { family: 'inet', local: `${net}.1`, prefixlen: 24, broadcast: `${net}.255` }
  return { ifname, flags: ['BROADCAST', 'UP'], addr_info: [inet] }
}

/** A fake `ip` that answers `ip -json addr show` and records every command it is asked to run. */
function fakeIp(answer: IpResult = { code: 0, stdout: JSON.stringify(ADDR), stderr: '' }) {
  const calls: string[] = []
  return {
    calls,
    run: async (args: readonly string[]) => {
      calls.push(args.join(' '))
      return args.join(' ') === '-json addr show' ? answer : { code: 1, stdout: '', stderr: 'not faked' }
    },
  }
}

async function check(argv: string[], ip: IpRunner & { calls: string[] } = fakeIp()) {
  let out = ''
  let err = ''
  const code = await main(['-n', ...argv], { out: (s) => (out += s), err: (s) => (err += s) }, hostChecks(ip))
  return { code, out, err, calls: ip.calls }
}

const GOOD = file(
  'good.json',
  JSON.stringify({
    requestor: true,
    lans: [{ interface: 'eth0' }, { interface: 'eth1' }],
    staticPeers: ['198.18.2.7'],
    routes: [{ prefix: '0.0.0.0/0', via: ['198.18.1.254', '198.18.2.254'] }],
    keyFile: KEY,
  }),
)

t.test('a config that passes -n starts: exit 0, the config printed; only `ip -json addr show` runs', async (t) => {
  const r = await check(['-c', GOOD])
  t.equal(r.code, 0, r.err)
  t.match(r.out, /^configuration OK \(.*good\.json\):\n\{/)
  t.same(r.calls, ['-json addr show'], 'read-only: nothing but the address list')
  t.equal((await check(['-c', GOOD, '-i', 'eth1', '-i', 'eth0'])).code, 0, 'the LANs in another order')
  t.equal((await check([])).code, 0, 'no -i: every up interface on an IPv4 subnet (eth0, eth1)')
})

const LANS = /^host: \/lans \(-i, --interface\): /.source
const KEY_FILE = /^host: \/keyFile \(--key-file\): /.source
const refused: Array<[string, string[], RegExp[]]> = [
  ['an interface that does not exist', ['-i', 'eth0', '-i', 'eth9'], [RegExp(`${LANS}'eth9': no such interface$`)]],
  ['an interface without IPv4', ['-i', 'eth2'], [RegExp(`${LANS}'eth2': has no IPv4 address on a subnet`)]],
  ['a missing key file', ['--key-file', join(dir, 'none.key')], [RegExp(`${KEY_FILE}.*none\\.key: ENOENT`)]],
  [
    'a key file others can read',
    ['--key-file', file('open.key', 'k'.repeat(32), 0o644)],
    [RegExp(`${KEY_FILE}.*open\\.key is readable .*mode 644`)],
  ],
  [
    'a key file that does not parse',
    ['--key-file', file('short.key', 'short\n')],
    [RegExp(`${KEY_FILE}.*: key 1 is 5 bytes`)],
  ],
]

for (const [what, argv, want] of refused) {
  t.test(`-n refuses ${what}, naming the key and the flag: exit 1`, async (t) => {
    const r = await check(argv)
    t.equal(r.code, 1)
    t.equal(r.out, '', 'no "configuration OK"')
    const lines = r.err
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.trim())
    t.match(r.err, /^error: \d+ problems?, nothing started:\n/)
    t.equal(lines.length, want.length, lines.join('\n'))
    want.forEach((re, i) => t.match(lines[i], re))
  })
}

t.test("every static peer, gateway and target off this host's LANs is listed at once, with the key file", async (t) => {
  const path = file(
    'off-lan.json',
    JSON.stringify({
      requestor: true,
      staticPeers: ['198.18.1.7', '10.9.9.7'],
      routes: [
        { prefix: '0.0.0.0/0', via: ['198.18.1.254', '10.9.9.254'] },
        { prefix: '10.20.0.0/16', via: ['10.9.8.1'] },
      ],
      targets: [{ address: '10.9.9.1' }, { address: '198.18.1.254', lan: 'B' }, { address: '198.18.2.254' }],
      addresses: [{ address: '198.18.1.100/24', interfaces: ['eth0', 'eth9'] }],
      keyFile: join(dir, 'none.key'),
    }),
  )
  const r = await check(['-c', path])
  t.equal(r.code, 1)
  t.match(r.err, /^error: 7 problems, nothing started:\n/)
  for (const line of [
    /host: \/keyFile \(--key-file\): /,
    /host: \/staticPeers\/1: 10\.9\.9\.7 is on none of this host's LANs \(A 198\.18\.1\.1\/24, B 198\.18\.2\.1\/24\)\n/,
    /host: \/routes\/0\/via\/1: 10\.9\.9\.254 is on none of this host's LANs/,
    /host: \/routes\/1\/via\/0: 10\.9\.8\.1 is on none of this host's LANs/,
    /host: \/targets\/0: 10\.9\.9\.1 is on none of this host's LANs/,
    /host: \/targets\/1: 198\.18\.1\.254 is not on LAN B/,
    /host: \/addresses\/0\/interfaces\/1: 'eth9' is not one of faild's LAN interfaces \(A=eth0, B=eth1\)/,
  ])
    t.match(r.err, line)
})

t.test('when `ip` fails, -n says so and exits 1', async (t) => {
  const denied = 'Cannot open netlink socket: Permission denied'
  const r = await check([], fakeIp({ code: 1, stdout: '', stderr: `${denied}\n` }))
  t.equal(r.code, 1)
  t.match(r.err, `host: cannot list this host's interfaces: ip addr show: ${denied}`)
})

t.test('config errors first: the host is not looked at while the config is bad', async (t) => {
  const r = await check(['-c', file('bad.json', JSON.stringify({ port: 0 })), '-i', 'eth9'])
  t.equal(r.code, 1)
  t.match(r.err, /\/port: must be >= 1/)
  t.notMatch(r.err, /eth9/)
  t.same(r.calls, [])
})

t.test('parseArgs (sync, for specs and the packaging check) checks the flags and config only', async (t) => {
  t.equal(parseArgs(['-n', '-i', 'eth9'], { out: () => {}, err: () => {} }), 0)
})

t.test('-n refuses a log file the start would refuse, or a directory, naming the key', async (t) => {
  const missing = await check(['-c', GOOD, '-l', join(dir, 'no-such-dir', 'faild.log')])
  t.equal(missing.code, 1)
  t.match(
    missing.err,
    /host: \/logFile \(-l, --log-file\): .*no-such-dir\/faild\.log cannot be opened for appending: ENOENT/,
  )
  const directory = await check(['-c', GOOD, '-l', dir])
  t.equal(directory.code, 1)
  t.match(directory.err, /cannot be opened for appending: a directory/)
  t.equal((await check(['-c', GOOD, '-l', join(dir, 'faild.log')])).code, 0, 'a new file in a directory there')
})
