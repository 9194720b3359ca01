// Lab: examples/init.d/faild driven for real (start, status, reload and a refused one, restart,
// stop, a refused start), and examples/logrotate.d/faild run by logrotate against the faild it started.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { expectRoute, FAST, withLab } from './harness/lab-test.js'
import { FAILD, FAILDCTL, type Host, type Lab, ROOT, run, sleep, until } from './harness/netlab.js'

const A = 0
const B = 1
const SCRIPT = join(ROOT, 'examples/init.d/faild')

t.test('the LSB init script runs faild in a lab host, and logrotate rotates its log', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    const pidFile = join(lab.dir, 'init.pid')
    const log = join(lab.dir, 'faild.log')
    const defaults = join(lab.dir, 'default-faild')
    const config = join(lab.dir, 'init.json')
    writeFileSync(config, '{}\n')
    const writeDefaults = (opts: string, socket = join(lab.dir, 'init.sock')) =>
      writeFileSync(
        defaults,
        `DAEMON=${FAILD}\nFAILDCTL=${FAILDCTL}\nPIDFILE=${pidFile}\nSOCKET=${socket}\n` +
          `CONSOLE=${join(lab.dir, 'console')}\nFAILD_OPTS="-c ${config} ${opts}"\n`,
      )
    const initd = (action: string) => lab.exec(h1, 'env', [`FAILD_DEFAULTS=${defaults}`, 'sh', SCRIPT, action])
    t.teardown(() => killLeftover(pidFile))
    writeDefaults(`${FAST.join(' ')} -l ${log}`)
    await lab.faild(h2, FAST)

    t.equal((await initd('status')).code, 3, 'status before start: 3 (not running)')
    const start = await initd('start')
    t.equal(start.code, 0, start.stderr)
    const status = await initd('status')
    t.equal(status.code, 0)
    const pid = Number(readFileSync(pidFile, 'utf8'))
    t.match(status.stdout, `faild is running (pid ${pid})`)
    t.match((await initd('start')).stdout, /already running/, 'a second start is a no-op')

    await lab.cable(h2, A, false)
    await expectRoute(lab, h1, h2, A, B)
    await lab.cable(h2, A, true)
    await expectRoute(lab, h1, h2, A)
    t.pass('the faild it started fails over and back')

    const reload = await initd('reload')
    t.equal(reload.code, 0, reload.stderr)
    t.match(reload.stdout, /config .*init\.json reloaded/, "faild's answer, through faildctl")
    writeFileSync(config, JSON.stringify({ upAfter: 'many' }))
    const refused = await initd('reload')
    t.equal(refused.code, 1, 'a refused config fails the reload')
    t.match(refused.stderr, /running config kept:\n.*\/upAfter: must be integer/, "with faild's reason")
    writeFileSync(config, '{}\n')
    // The script told of another socket than faild's (one set in FAILD_OPTS): a SIGHUP still reaches it.
    writeDefaults(`${FAST.join(' ')} -l ${log}`, join(lab.dir, 'elsewhere.sock'))
    t.equal((await initd('reload')).code, 0)
    await until(() => /SIGHUP: config .* reloaded/.test(readFileSync(log, 'utf8')), 5000, 'the reload in the log')
    t.pass('no faild on the socket it knows: the reload is a SIGHUP')
    writeDefaults(`${FAST.join(' ')} -l ${log}`)

    await rotate(t, lab, h1, log, pidFile)

    t.equal((await initd('restart')).code, 0)
    const pid2 = Number(readFileSync(pidFile, 'utf8'))
    t.not(pid2, pid, 'restart: a new process')
    const stop = await initd('stop')
    t.equal(stop.code, 0, stop.stderr)
    t.equal((await initd('status')).code, 3, 'stopped')
    t.notOk(existsSync(pidFile), 'pid file removed')
    t.notMatch((await lab.exec(h1, 'ip', ['rule', 'show'])).stdout, /4207/, "faild's rule removed")

    writeDefaults('-f 0')
    const badStart = await initd('start')
    t.not(badStart.code, 0, 'a bad config: start fails')
    t.match(badStart.stderr, /-f, --fail-after.*'0' is invalid/, "with faild's explanation")
    t.equal((await initd('status')).code, 3, 'and nothing runs')
  }),
)

/** logrotate with the example config, pointed at this lab's log and pid file. */
async function rotate(t: Test, lab: Lab, h: Host, log: string, pidFile: string): Promise<void> {
  const conf = readFileSync(join(ROOT, 'examples/logrotate.d/faild'), 'utf8')
    .replaceAll('/var/log/faild.log', log)
    .replaceAll('/run/faild/faild.pid', pidFile)
    .replace(/^\s*create .*$/m, '')
  const confFile = join(lab.dir, 'logrotate.conf')
  writeFileSync(confFile, conf)
  const which = await run('sh', ['-c', 'command -v logrotate'])
  if (which.code !== 0) {
    if (process.env.CI) t.fail('logrotate is not installed (apt-get install -y logrotate)')
    else t.comment('logrotate not installed: rotation not tested')
    return
  }
  const r = await lab.exec(h, 'logrotate', ['-f', '-s', join(lab.dir, 'logrotate.state'), confFile])
  t.equal(r.code, 0, r.stderr)
  t.ok(existsSync(`${log}.1`), 'the old log is moved aside')
  await until(
    () => existsSync(log) && /reloaded, log reopened/.test(readFileSync(log, 'utf8')),
    5000,
    'faild to write to the new log',
  )
  t.match(readFileSync(`${log}.1`, 'utf8'), /started as node/, 'the old lines stay in the rotated file')
  t.pass('postrotate made faild reopen its log: new lines go to the new file')
  await sleep(50)
}

/** If a step failed midway: end the faild the script started, by the pid it recorded. */
function killLeftover(pidFile: string): void {
  if (!existsSync(pidFile)) return
  const pid = Number(readFileSync(pidFile, 'utf8'))
  try {
    if (pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('faild')) process.kill(pid, 'SIGTERM')
  } catch {
    // already gone
  }
}
