// What an operator installs: the man pages cover every flag, the systemd unit verifies, and
// `npm install -g` of the packed project puts faild and faildctl on the PATH.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parseArgs } from '../../lib/cli/faild.js'
import { buildCommand } from '../../lib/cli/faild-command.js'
import { buildCtl } from '../../lib/cli/faildctl.js'
import { runProcess } from '../../lib/host/ip-runner.js'
import { FAILD, FAILDCTL, ROOT } from '../lab/harness/netlab.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-pack-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8')
const have = async (tool: string) => (await runProcess('sh', ['-c', `command -v ${tool}`])).code === 0

/** roff escapes the hyphens of long options: \-\-fail\-after. */
const roff = (flag: string) => flag.replaceAll('-', '\\-')

t.test('faild(8) documents every flag, faildctl(8) every command', async (t) => {
  const faild = read('examples/man/faild.8')
  for (const o of buildCommand('0').options) t.ok(faild.includes(roff(o.long!)), `faild(8) has ${o.long}`)
  const ctl = read('examples/man/faildctl.8')
  for (const c of buildCtl().commands)
    t.ok(ctl.includes(`.B ${c.name()}`) || ctl.includes(`.BI ${c.name()}`), `faildctl(8) has ${c.name()}`)
  if (!(await have('man'))) return void t.comment('man not installed: pages not rendered')
  for (const page of ['faild.8', 'faildctl.8']) {
    const r = await runProcess('man', ['-l', '--warnings', join(ROOT, 'examples/man', page)], undefined, 20_000)
    t.equal(r.code, 0)
    t.equal(r.stderr.trim(), '', `${page} renders without warnings`)
  }
})

t.test('/etc/default/faild (examples/default/faild) is valid sh, and its FAILD_OPTS valid flags', async (t) => {
  const r = await runProcess('sh', ['-c', `. ${join(ROOT, 'examples/default/faild')} && printf %s "$FAILD_OPTS"`])
  t.equal(r.code, 0, r.stderr)
  const empty = join(dir, 'empty-default.json')
  writeFileSync(empty, '{}')
  t.equal(
    parseArgs([...r.stdout.split(' ').filter(Boolean), '-c', empty, '-n'], { out: () => {}, err: (s) => t.comment(s) }),
    0,
  )
})

t.test('the systemd unit verifies (Type=notify with a watchdog), and its faild command line is valid', async (t) => {
  const unit = read('examples/systemd/faild.service')
  t.match(unit, /^CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW$/m, 'routes, and raw sockets for arping and ping')
  t.match(unit, /^AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW$/m)
  const families = /^RestrictAddressFamilies=(.*)$/m.exec(unit)?.[1]?.split(' ') ?? []
  for (const [family, why] of [
    ['AF_INET6', 'IPv6 LANs'],
    ['AF_PACKET', 'arping'],
    ['AF_NETLINK', 'ip and its monitors'],
    ['AF_UNIX', 'the control socket'],
  ])
    t.ok(families.includes(family!), `${family} for ${why}`)
  t.notMatch(unit, /^ProtectKernelTunables=yes$/m, 'the IPv6 ndisc sysctls of service addresses stay writable')
  t.match(unit, /^Type=notify$/m, 'ready when faild says so (READY=1)')
  t.match(unit, /^NotifyAccess=all$/m, 'the messages come from systemd-notify, a child of faild')
  t.match(unit, /^WatchdogSec=\d+s$/m, 'a wedged faild is restarted')
  t.match(unit, /^Restart=on-failure$/m, 'restarted after a watchdog kill')
  t.match(unit, /^RuntimeDirectoryPreserve=restart$/m, 'the LANs taken offline outlive a restart')
  t.match(
    unit,
    /^ExecReload=\/usr\/local\/bin\/faildctl --socket \/run\/faild\/faild\.sock reload$/m,
    'reload through faildctl on the socket ExecStart names: a refused config fails the reload',
  )
  t.match(unit, /^ExecStart=.* --control-socket \/run\/faild\/faild\.sock /m)
  const exec = /^ExecStart=\S+ (.*) \$FAILD_OPTS$/m.exec(unit)
  t.ok(exec, 'ExecStart passes FAILD_OPTS')
  const empty = join(dir, 'empty.json')
  writeFileSync(empty, '{}')
  t.equal(
    parseArgs([...exec![1]!.split(' '), '-c', empty, '-n'], { out: () => {}, err: (s) => t.comment(s) }),
    0,
    'faild accepts the unit flags',
  )
  if (!(await have('systemd-analyze'))) return void t.comment('systemd-analyze not installed: unit not verified')
  const copy = join(dir, 'faild.service')
  writeFileSync(
    copy,
    unit.replaceAll('/usr/local/bin/faildctl', FAILDCTL).replaceAll('/usr/local/bin/faild ', `${FAILD} `),
  )
  const r = await runProcess('systemd-analyze', ['verify', '--man=no', copy], undefined, 30_000)
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stderr.trim(), '', 'no warnings (unknown keys, bad values)')
})

t.test('npm pack, then npm install -g into a prefix: faild and faildctl on the PATH, man pages, schema', async (t) => {
  if (!existsSync(FAILD)) return void t.fail('dist/ is not built: npm run build')
  const pack = await runProcess('npm', ['pack', '--json', '--pack-destination', dir], undefined, 120_000)
  t.equal(pack.code, 0, pack.stderr)
  const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{
    filename: string
    files: Array<{ path: string }>
  }>
  const files = info!.files.map((f) => f.path)
  for (const f of [
    'dist/bin/faild.js',
    'dist/bin/faildctl.js',
    'dist/faild.schema.json',
    'examples/init.d/faild',
    'examples/man/faild.8',
    'LICENSE',
  ]) {
    t.ok(files.includes(f), `the package holds ${f}`)
  }
  t.notOk(
    files.some((f) => f.startsWith('dist/spec') || f.startsWith('spec/') || f.startsWith('dist/bench')),
    'and no specs or benchmarks',
  )
  const prefix = join(dir, 'prefix')
  const install = await runProcess(
    'npm',
    ['install', '-g', '--prefer-offline', '--no-audit', '--no-fund', '--prefix', prefix, join(dir, info!.filename)],
    undefined,
    300_000,
  )
  t.equal(install.code, 0, install.stderr)
  const version = await runProcess(join(prefix, 'bin/faild'), ['--version'])
  t.equal(version.code, 0, version.stderr)
  t.equal(version.stdout.trim(), JSON.parse(read('package.json')).version, 'faild --version')
  const help = await runProcess(join(prefix, 'bin/faildctl'), ['--help'])
  t.equal(help.code, 0, help.stderr)
  t.match(help.stdout, /Usage: faildctl[\s\S]*status[\s\S]*offline[\s\S]*online[\s\S]*reload/, 'faildctl --help')
  const schema = join(prefix, 'lib/node_modules/faild/dist/faild.schema.json')
  t.ok(existsSync(schema), 'the schema is installed for editors')
  t.ok(
    existsSync(join(prefix, 'share/man/man8/faild.8')) ||
      existsSync(join(prefix, 'lib/node_modules/faild/examples/man/faild.8')),
    'the man pages are installed',
  )
})
