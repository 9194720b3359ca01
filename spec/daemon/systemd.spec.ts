// faild's Type=notify session (lib/daemon/systemd.ts) with a fake clock and a recording sender.
import t from 'tap'
import { STATUS_MIN_MS, Systemd, statusLine } from '../../lib/daemon/systemd.js'
import { FakeClock } from '../support/fake-clock.js'

function session(watchdogUsec: number | undefined) {
  const clock = new FakeClock(1000)
  const sent: Array<{ at: number; lines: readonly string[] }> = []
  let status = '0/0 paths up'
  const sd = new Systemd({
    clock,
    watchdogUsec,
    status: () => status,
    send: async (lines) => {
      sent.push({ at: clock.now(), lines })
      return true
    },
  })
  return { clock, sent, sd, setStatus: (s: string) => (status = s) }
}

t.test('nothing before ready(); READY=1 with the first STATUS; then a ping every half watchdog interval', async (t) => {
  const { clock, sent, sd } = session(5_000_000)
  t.equal(sd.pingMs, 2500)
  sd.changed()
  clock.advance(10_000)
  t.same(sent, [], 'neither a status nor a ping before READY=1')
  await sd.ready()
  t.same(sent, [{ at: 11_000, lines: ['READY=1', 'STATUS=0/0 paths up'] }])
  clock.advance(2499)
  t.equal(sent.length, 1)
  clock.advance(1)
  await Promise.resolve()
  clock.advance(2500)
  t.same(
    sent.slice(1).map((s) => [s.at, s.lines]),
    [
      [13_500, ['WATCHDOG=1']],
      [16_000, ['WATCHDOG=1']],
    ],
  )
  await sd.stop()
  t.same(sent.at(-1)?.lines, ['STOPPING=1', 'STATUS=stopping'])
  const n = sent.length
  clock.advance(60_000)
  t.equal(sent.length, n, 'no ping after stop')
})

t.test('no WATCHDOG_USEC: READY=1 and status, never a ping', async (t) => {
  const { clock, sent, sd } = session(undefined)
  t.equal(sd.pingMs, undefined)
  await sd.ready()
  clock.advance(3_600_000)
  t.equal(sent.length, 1)
})

t.test('a ping still on its way holds back the next one (never two systemd-notify at once)', async (t) => {
  const clock = new FakeClock()
  let release: (ok: boolean) => void = () => {}
  let runs = 0
  const sd = new Systemd({
    clock,
    watchdogUsec: 200_000,
    status: () => '',
    send: (lines) => {
      if (lines[0] !== 'WATCHDOG=1') return Promise.resolve(true)
      runs++
      return new Promise((r) => (release = r))
    },
  })
  await sd.ready()
  clock.advance(100)
  clock.advance(100)
  clock.advance(100)
  t.equal(runs, 1, 'one ping in flight, two skipped')
  release(true)
  await new Promise((r) => setImmediate(r))
  clock.advance(100)
  t.equal(runs, 2)
  await sd.stop()
})

t.test('STATUS= only when it changed, at most once per STATUS_MIN_MS, the last change always told', async (t) => {
  const { clock, sent, sd, setStatus } = session(undefined)
  await sd.ready()
  sd.changed()
  clock.advance(STATUS_MIN_MS)
  t.equal(sent.length, 1, 'unchanged: not sent')
  setStatus('1/2 paths up')
  sd.changed()
  t.same(sent.at(-1)?.lines, ['STATUS=1/2 paths up'])
  setStatus('0/2 paths up')
  sd.changed()
  setStatus('2/2 paths up')
  sd.changed()
  sd.changed()
  t.equal(sent.length, 2, 'within the window: held')
  clock.advance(STATUS_MIN_MS)
  t.same(
    sent.map((s) => s.lines[0]),
    ['READY=1', 'STATUS=1/2 paths up', 'STATUS=2/2 paths up'],
    'the latest text once the window ends, the one between never',
  )
  t.equal(sent[2]?.at, 1000 + 2 * STATUS_MIN_MS)
  sd.observer.planned?.([], [], [])
  clock.advance(10 * STATUS_MIN_MS)
  t.equal(sent.length, 3, 'a plan that changed nothing sends nothing')
})

t.test('statusLine: paths up of all, routes moved, peers', async (t) => {
  t.equal(statusLine({ peers: [], routes: [] }), '0/0 paths up, 0 routes moved; 0 peers')
  const peer = (...states: string[]) => ({ paths: states.map((state) => ({ state })) })
  t.equal(
    statusLine({ peers: [peer('up', 'down'), peer('up', 'up')], routes: [1] }),
    '3/4 paths up, 1 route moved; 2 peers',
  )
  t.equal(statusLine({ peers: [peer('up')], routes: [1, 2] }), '1/1 paths up, 2 routes moved; 1 peer')
})
