// The scheduler: every wake-up drains, then judges, then ticks; ticks keep an absolute schedule.
import t from 'tap'
import { type Jobs, Scheduler } from '../../lib/daemon/scheduler.js'
import type { Clock, Timer } from '../../lib/host/clock.js'

/** A clock whose timers the spec fires by hand, `early` ms before they are due if it likes. */
class HandClock implements Clock {
  t = 0
  timers: Array<{ at: number; fn: () => void }> = []
  now = (): number => this.t
  setTimeout(fn: () => void, ms: number): Timer {
    const timer = { at: this.t + ms, fn }
    this.timers.push(timer)
    return { cancel: () => void (this.timers = this.timers.filter((x) => x !== timer)) }
  }
  /** Fire, in one turn, every timer due by `to` (+ `early`), with the clock at `to`. */
  fire(to: number, early = 0): void {
    this.t = to
    const due = this.timers.filter((x) => x.at <= to + early).sort((a, b) => a.at - b.at)
    this.timers = this.timers.filter((x) => !due.includes(x))
    for (const x of due) x.fn()
  }
}

function setup(interval = 100) {
  const clock = new HandClock()
  const deferred: Array<() => void> = []
  const calls: string[] = []
  let accepted = 0
  let deadline = Infinity
  let drops = 0
  /** How long a judgement takes on the clock. */
  let judging = 0
  const behind: Array<string | undefined> = []
  const stalls: boolean[] = []
  const jobs: Jobs = {
    accepted: () => accepted,
    judge: (now, why, stalled) => {
      calls.push(`judge ${now}`)
      behind.push(why())
      stalls.push(stalled === true)
      clock.t += judging
    },
    socketDrops: () => drops,
    blind: (now, why) => void calls.push(`blind ${now}: ${why}`),
    tick: (now) => void calls.push(`tick ${now}`),
    nextDeadline: () => deadline,
    reconcile: () => void calls.push('reconcile'),
  }
  const s = new Scheduler(clock, (fn) => void deferred.push(fn), jobs, interval)
  /** Run the deferred callbacks, as the turns after a poll for I/O would; `packets` arrive in the first. */
  const turn = (packets = 0) => {
    accepted += packets
    const now = deferred.splice(0)
    for (const fn of now) fn()
  }
  const drop = (n: number) => (drops += n)
  const judgeFor = (ms: number) => (judging = ms)
  return { clock, s, calls, turn, behind, stalls, drop, judgeFor, setDeadline: (at: number) => (deadline = at) }
}

t.test('the first tick waits for one drained turn, and judges first', async (t) => {
  const { s, calls, turn } = setup()
  s.start(true)
  t.same(calls, [], 'nothing before the sockets are read')
  turn()
  t.same(calls, ['judge 0', 'tick 0'])
})

t.test(
  'a deadline and the next tick due in one turn: drain until no packet counts, then judge, then tick',
  async (t) => {
    const { clock, s, calls, turn, setDeadline } = setup()
    s.start(true)
    turn()
    setDeadline(50)
    s.rearm()
    calls.length = 0
    clock.fire(250) // a stall: both timers fire in this one turn
    t.same(calls, [], 'nothing judged in the timers themselves')
    turn(3) // three ACKs were waiting in the socket
    t.same(calls, [], 'a turn that read packets is followed by another')
    turn(0)
    t.same(calls, ['judge 250', 'tick 250'], 'one wake-up, judge before tick')
  },
)

t.test(
  'a long drain (a flood of packets that count) sends the INQs after a tenth of the interval, then judges',
  async (t) => {
    const { clock, s, calls, turn } = setup(100)
    s.start(true)
    turn()
    calls.length = 0
    clock.fire(100)
    turn(32) // every turn reads more packets that count
    t.same(calls, [], 'a short drain: the INQs wait for it, to go out after the judgement')
    clock.t = 110
    turn(32)
    t.same(calls, ['tick 110'], 'a tenth of the interval into the drain: the INQs go out, on time for the peers')
    clock.t = 150
    turn(32)
    t.same(calls, ['tick 110'], 'once')
    turn(0)
    t.same(calls, ['tick 110', 'judge 150'], 'the judgement still waits for the drain')
    clock.fire(200)
    turn()
    t.same(calls.slice(2), ['judge 200', 'tick 200'], 'the schedule keeps its time')
  },
)

t.test('a tick timer that fires a millisecond early still ticks, and the schedule does not drift', async (t) => {
  const { clock, s, calls, turn } = setup()
  s.start(true)
  turn()
  clock.fire(99, 1)
  turn()
  clock.fire(199, 1)
  turn()
  clock.fire(300)
  turn()
  t.same(
    calls.filter((c) => c.startsWith('tick')),
    ['tick 0', 'tick 99', 'tick 199', 'tick 300'],
  )
  t.same(clock.timers.map((x) => x.at).sort(), [1000, 400], 'next tick at 400 (absolute), the kernel check at 1000')
})

t.test('after a long stall the ticks do not burst', async (t) => {
  const { clock, s, calls, turn } = setup()
  s.start(true)
  turn()
  clock.fire(1050)
  turn()
  t.same(
    calls.filter((c) => c.startsWith('tick')),
    ['tick 0', 'tick 1050'],
  )
  t.ok(
    clock.timers.some((x) => x.at === 1150),
    'the next one interval later',
  )
})

t.test('a responder never ticks; the kernel check runs every second at least; stop clears every timer', async (t) => {
  const { clock, s, calls } = setup(100)
  s.start(false)
  clock.fire(1000)
  clock.fire(2000)
  t.same(calls, ['reconcile', 'reconcile'])
  s.stop()
  t.same(clock.timers, [])
})

t.test('a packet re-arms the deadline only when it brings it forward', async (t) => {
  const { clock, s, setDeadline } = setup()
  s.start(false)
  const armed = () => clock.timers.map((x) => x.at).filter((at) => at !== 1000) // not the kernel check
  setDeadline(500)
  s.rearm()
  setDeadline(400)
  s.soonest(600)
  t.same(armed(), [500], 'a later lower bound: untouched')
  s.soonest(400)
  t.same(armed(), [400], 'an earlier one: re-armed exactly')
})

t.test(
  'deadlines set by packets read before the start are armed by the start (a responder has no tick to wake it)',
  async (t) => {
    const { clock, s, setDeadline } = setup()
    setDeadline(120)
    s.soonest(120) // a packet before start(): nothing may be armed yet
    t.same(clock.timers, [], 'not armed while stopped')
    s.start(false)
    t.ok(
      clock.timers.some((x) => x.at === 120),
      'armed at start',
    )
    s.stop()
    setDeadline(90)
    s.start(false)
    s.soonest(90)
    t.ok(
      clock.timers.some((x) => x.at === 90),
      'and a later packet re-arms it',
    )
  },
)

t.test('the judge is told why faild fell behind: socket drops, a drain that gave up, a late timer', async (t) => {
  const { clock, s, turn, behind, drop, setDeadline } = setup(100)
  drop(7) // dropped before the start: not this run's concern
  s.start(true)
  turn()
  t.same(behind, [undefined], 'kept up')

  drop(5)
  clock.fire(100)
  turn()
  t.match(behind.pop(), /dropped 5 packets/, 'the kernel dropped packets at the socket')
  clock.fire(200)
  turn()
  t.equal(behind.pop(), undefined, 'counted once')

  clock.fire(300)
  for (let i = 0; i < 101; i++) turn(1) // a flood: every turn reads more
  turn(1)
  t.match(behind.pop(), /still arriving after 100 turns/, 'the drain gave up')

  setDeadline(320)
  s.rearm()
  clock.fire(320 + 70)
  turn()
  t.equal(behind.pop(), undefined, 'late by less than an interval: a hiccup')
  setDeadline(450)
  s.rearm()
  clock.fire(500) // the tick due at 400 is the earliest timer of this wake-up
  turn()
  t.match(behind.pop(), /timers ran 100 ms late/, 'an interval late')
})

t.test('a stall is a timer that fired late, not a drain that read for long', async (t) => {
  const { clock, s, turn, stalls } = setup(100)
  s.start(true)
  turn()
  clock.fire(100)
  for (let i = 0; i < 30; i++) {
    clock.t += 10 // a flood: each turn reads for 10 ms, 300 ms in all
    turn(1)
  }
  turn()
  t.same(stalls.splice(0), [false, false], 'read all along: no stall')
  clock.fire(1500) // the loop ran nothing for 1.3 s
  turn()
  t.same(stalls.splice(0), [true], 'a stall')
})

t.test('a deadline that moved on before its timer fired is only armed again: no drain, no judgement', async (t) => {
  const { clock, s, calls, turn, setDeadline } = setup(0)
  s.start(false)
  setDeadline(50)
  s.rearm()
  setDeadline(80) // an INQ heard pushed it later; the timer stays armed for 50
  clock.fire(50)
  turn()
  t.same(calls, [], 'nothing judged at 50')
  t.same(
    clock.timers.map((x) => x.at),
    [1000, 80],
    'armed for 80 (the kernel check at 1000)',
  )
  clock.fire(80)
  turn()
  t.same(calls, ['judge 80'], 'judged when due')
})

t.test('the kernel check reads the drop counter too: drops no judgement asked about are found then', async (t) => {
  const quiet = setup(100)
  quiet.s.start(false)
  quiet.drop(3)
  quiet.clock.fire(1000)
  t.same(quiet.calls, ["blind 1000: the kernel dropped 3 packets at faild's socket (receive buffer full)", 'reconcile'])
  quiet.clock.fire(2000)
  t.same(quiet.calls.slice(2), ['reconcile'], 'counted once')

  const busy = setup(100)
  busy.s.start(true)
  busy.turn()
  busy.drop(2)
  busy.clock.fire(100)
  busy.turn()
  t.match(busy.behind.pop(), /dropped 2 packets/, 'a judgement before the check reads them itself')
  busy.clock.fire(1000)
  busy.turn()
  t.ok(busy.calls.includes('reconcile'))
  t.notOk(
    busy.calls.some((c) => c.startsWith('blind')),
    'and the check finds none left',
  )
})

t.test('the INQs go out when the judgement is done, and the next tick keeps the schedule', async (t) => {
  const { clock, s, calls, turn, judgeFor } = setup(100)
  s.start(true)
  judgeFor(7)
  turn()
  t.same(calls, ['judge 0', 'tick 7'], 'timed from when they leave, not from the wake-up')
  t.ok(
    clock.timers.some((x) => x.at === 100),
    'the next tick is still due at 100',
  )
})
