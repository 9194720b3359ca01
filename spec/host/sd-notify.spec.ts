// systemd's side of lib/host/sd-notify.ts, played by a Unix datagram socket (python3: Node cannot bind
// one) that the real systemd-notify writes to: READY=1 with MAINPID, and WATCHDOG=1 pings that stop
// while the event loop is stalled.
import t from 'tap'
import { Systemd } from '../../lib/daemon/systemd.js'
import { systemClock } from '../../lib/host/clock.js'
import { systemdNotify, takeSystemdEnv } from '../../lib/host/sd-notify.js'
import { capturingLogger } from '../support/capturing-logger.js'
import { notifySocket } from '../support/notify-socket.js'

t.test('takeSystemdEnv: the socket and watchdog, taken out of the environment', async (t) => {
  const env = (e: Record<string, string>) => ({ ...e }) as NodeJS.ProcessEnv
  t.equal(takeSystemdEnv(env({}), 7), undefined, 'not started by systemd as Type=notify')
  const e = env({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '5000000', WATCHDOG_PID: '7', KEEP: '1' })
  t.same(takeSystemdEnv(e, 7), { socket: '/run/systemd/notify', watchdogUsec: 5_000_000 })
  t.same(e, { KEEP: '1' }, 'a --notify program inherits none of them')
  t.same(takeSystemdEnv(env({ NOTIFY_SOCKET: '@x', WATCHDOG_USEC: '5000000', WATCHDOG_PID: '8' }), 7), {
    socket: '@x',
    watchdogUsec: undefined,
  })
  t.same(takeSystemdEnv(env({ NOTIFY_SOCKET: '/s', WATCHDOG_USEC: 'soon' }), 7), {
    socket: '/s',
    watchdogUsec: undefined,
  })
  t.same(takeSystemdEnv(env({ NOTIFY_SOCKET: '/s', WATCHDOG_USEC: '0' }), 7), { socket: '/s', watchdogUsec: undefined })
})

t.test('a missing systemd-notify: false, and one warning however often it is asked', async (t) => {
  const { log, lines } = capturingLogger()
  const send = systemdNotify({ socket: '/nonexistent', pid: 1, log, command: '/nonexistent/systemd-notify' })
  t.equal(await send(['WATCHDOG=1']), false)
  t.equal(await send(['WATCHDOG=1']), false)
  t.equal(lines.length, 1)
  t.match(lines[0]?.message, /systemd notify \(WATCHDOG=1\): cannot run \/nonexistent\/systemd-notify/)
})

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20))
  if (!check()) throw new Error(`timed out waiting for ${what}`)
}

t.test('READY=1 and STATUS= reach the socket with MAINPID, through the real systemd-notify', async (t) => {
  const l = await notifySocket(t)
  if (!l) return
  const { log } = capturingLogger()
  const send = systemdNotify({ socket: l.socket, pid: 4242, log })
  t.equal(await send(['READY=1', 'STATUS=2/2 paths up']), true)
  await until(() => l.heard.some((h) => h.m.includes('READY=1')), 'READY=1')
  t.same(l.heard.find((h) => h.m.includes('READY=1'))?.m.split('\n'), [
    'MAINPID=4242',
    'READY=1',
    'STATUS=2/2 paths up',
  ])
})

t.test('a stalled event loop stops the WATCHDOG=1 pings; they come back with the loop', async (t) => {
  const l = await notifySocket(t)
  if (!l) return
  const { log } = capturingLogger()
  const send = systemdNotify({ socket: l.socket, pid: process.pid, log })
  // A 100 ms watchdog: a ping every 50 ms.
  const sd = new Systemd({ clock: systemClock, send, watchdogUsec: 100_000, status: () => 'up' })
  t.teardown(() => sd.stop())
  await sd.ready()
  const pings = () => l.heard.filter((h) => h.m.split('\n').includes('WATCHDOG=1'))
  await until(() => pings().length >= 3, 'three pings')
  // Stall the loop for 30 watchdog periods, as a wedged faild would (a busy loop, a sync read that hangs).
  const from = Date.now()
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500)
  const to = Date.now()
  const n = pings().length
  await until(() => pings().length >= n + 3, 'pings after the stall')
  // A ping spawned just before the stall may land in its first moments; none can start during it.
  const during = pings().filter((h) => h.t > from + 700 && h.t < to)
  t.same(during, [], `no ping in the last ${to - from - 700} ms of a ${to - from} ms stall`)
  t.ok(
    pings().some((h) => h.t >= to),
    'pinging again once the loop runs',
  )
})
