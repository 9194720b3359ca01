// The notify hook of lib/notify.ts running real programs: the facts in FAILD_*, failures and hangs logged.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { makeLogger } from '../../lib/host/log.js'
import { Notifier, notifyEnv } from '../../lib/host/notify.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-notify-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

function script(name: string, body: string): string {
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

function logger() {
  const lines: string[] = []
  const log = makeLogger({ level: 'info', silent: true })
  log.on('data', (i: { level: string; message: string }) => lines.push(`${i.level}: ${i.message}`))
  return { log, lines }
}

t.test('only the facts an event has are set', async (t) => {
  t.same(notifyEnv({ event: 'route', route: '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1', action: 'add' }), {
    FAILD_EVENT: 'route',
    FAILD_ROUTE: '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1',
    FAILD_ACTION: 'add',
  })
})

t.test('runs the program per event, in order, with the facts in the environment', async (t) => {
  const out = join(dir, 'events')
  const { log, lines } = logger()
  const n = new Notifier(
    script('ok.sh', `echo "$FAILD_EVENT $FAILD_PEER $FAILD_LAN $FAILD_OLD_STATE $FAILD_NEW_STATE" >> ${out}`),
    5,
    log,
  )
  n.notify({ event: 'path', peer: '198.18.1.2', lan: 'A', oldState: 'up', newState: 'down' })
  await n.idle(5000)
  n.notify({ event: 'path', peer: '198.18.1.2', lan: 'A', oldState: 'down', newState: 'up' })
  await n.idle(5000)
  t.equal(readFileSync(out, 'utf8'), 'path 198.18.1.2 A up down\npath 198.18.1.2 A down up\n')
  t.same(lines, [], 'success is quiet')
})

t.test('a failing, missing or hanging program is logged with the reason, and never blocks the caller', async (t) => {
  const { log, lines } = logger()
  const n = new Notifier(script('fail.sh', 'echo "no mailer" >&2; exit 3'), 0.3, log)
  const t0 = Date.now()
  n.notify({ event: 'peer', peer: '198.18.1.9', action: 'discovered' })
  t.ok(Date.now() - t0 < 50, 'notify() returns at once')
  await n.idle(5000)
  n.configure(join(dir, 'missing.sh'), 0.3)
  n.notify({ event: 'peer', peer: '198.18.1.9', action: 'forgotten' })
  await n.idle(5000)
  n.configure(script('hang.sh', 'sleep 30'), 0.3)
  n.notify({ event: 'route', route: 'x', action: 'remove' })
  await n.idle(5000)
  t.match(lines[0], /^warn: notify .*fail\.sh \(peer 198\.18\.1\.9\): exit 3: no mailer$/)
  t.match(lines[1], /^warn: notify .*missing\.sh \(peer 198\.18\.1\.9\): cannot run: spawn .* ENOENT$/)
  t.match(lines[2], /^warn: notify .*hang\.sh \(route\): still running after 0\.3s, killed$/)
  t.match(lines[3], /killed by SIGKILL/)
  t.equal(n.failed, 3)
})

t.test('a flood of events is bounded: the excess is dropped and counted, with one warning', async (t) => {
  const { log, lines } = logger()
  const n = new Notifier(script('quick.sh', 'exit 0'), 5, log)
  for (let i = 0; i < 300; i++) n.notify({ event: 'route', route: `${i}`, action: 'add' })
  t.equal(n.dropped, 300 - 4 - 256, '4 running, 256 waiting, the rest dropped')
  t.equal(lines.filter((l) => /dropping more/.test(l)).length, 1)
  await n.idle(5000)
  n.notify({ event: 'route', route: 'after', action: 'add' })
  t.match(lines.at(-1), /notify: the queue has room again; 40 events were dropped/)
  for (let i = 0; i < 300; i++) n.notify({ event: 'route', route: `${i}`, action: 'add' })
  t.equal(lines.filter((l) => /dropping more/.test(l)).length, 2, 'a second spell is said too')
  await n.idle(5000)
})

t.test('path and peer events an outsider can cause are budgeted; route events always run', async (t) => {
  const out = join(dir, 'budget')
  const { log, lines } = logger()
  let now = 0
  const n = new Notifier(script('count.sh', `echo "$FAILD_EVENT" >> ${out}`), 5, log, () => now)
  for (let i = 0; i < 80; i++)
    n.notify({ event: 'path', peer: `198.18.1.${i}`, lan: 'A', oldState: 'up', newState: 'down' })
  n.notify({ event: 'route', route: '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1', action: 'add' })
  await n.idle(20_000)
  const ran = readFileSync(out, 'utf8').trim().split('\n')
  t.equal(ran.filter((e) => e === 'path').length, 50, 'fifty path events in the window')
  t.equal(ran.filter((e) => e === 'route').length, 1, 'the route event ran all the same')
  t.equal(n.skipped, 30)
  now = 10_000
  n.notify({ event: 'peer', peer: '198.18.1.9', action: 'discovered' })
  await n.idle(5_000)
  t.match(lines.join('\n'), /notify: 30 more path and peer events were not sent to .*count\.sh \(a flood\?\)/)
})
