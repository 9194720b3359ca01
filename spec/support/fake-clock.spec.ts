// The fake clock and defer of spec/support/fake-clock.ts: virtual time, several due timers in one
// turn in due order, cancel, and a defer queue that runs only when told.
import t from 'tap'
import { FakeClock, FakeDefer } from './fake-clock.js'

t.test('advance fires every timer due in the window, in due order, each at its own time', (t) => {
  const clock = new FakeClock(1000)
  const fired: string[] = []
  const at = (name: string) => () => fired.push(`${name}@${clock.now()}`)
  clock.setTimeout(at('c'), 30)
  clock.setTimeout(at('a'), 10)
  clock.setTimeout(at('b'), 10) // same due time: after a, set first
  clock.setTimeout(at('late'), 100)
  t.equal(clock.pending, 4)
  t.equal(clock.advance(50), 3, 'three due in 50 ms, fired in one call')
  t.same(fired, ['a@1010', 'b@1010', 'c@1030'])
  t.equal(clock.now(), 1050, 'then time is at the end of the window')
  t.equal(clock.nextDue(), 1100)
  t.equal(clock.advance(49), 0, 'nothing due yet')
  t.equal(clock.advance(1), 1)
  t.same(fired.at(-1), 'late@1100')
  t.equal(clock.nextDue(), undefined)
  t.end()
})

t.test('timers set or cancelled by a callback take effect in the same turn', (t) => {
  const clock = new FakeClock()
  const fired: string[] = []
  const doomed = clock.setTimeout(() => fired.push('doomed'), 20)
  clock.setTimeout(() => {
    fired.push(`first@${clock.now()}`)
    doomed.cancel()
    clock.setTimeout(() => fired.push(`chained@${clock.now()}`), 5)
    clock.setTimeout(() => fired.push('beyond'), 500)
  }, 10)
  t.equal(clock.advance(100), 2)
  t.same(fired, ['first@10', 'chained@15'])
  t.equal(clock.pending, 1, 'the one beyond the window waits')
  t.equal(clock.runNext(), 1, 'runNext jumps to it')
  t.equal(clock.now(), 510)
  t.end()
})

t.test('a negative delay is 0, cancel after firing is harmless, time never goes back, a runaway is stopped', (t) => {
  const clock = new FakeClock()
  let n = 0
  const timer = clock.setTimeout(() => n++, -5)
  t.equal(clock.nextDue(), 0)
  t.equal(clock.advance(0), 1, 'due now: advance(0) fires it')
  timer.cancel()
  t.equal(n, 1)
  t.equal(clock.runNext(), 0, 'nothing armed')
  t.throws(() => clock.advance(-1), RangeError)
  const again = (): void => void clock.setTimeout(again, 0)
  again()
  t.throws(() => clock.advance(1), /re-arms itself/)
  t.end()
})

t.test('defer queues callbacks and runs them only when told, one turn at a time', (t) => {
  const d = new FakeDefer()
  const ran: string[] = []
  d.defer(() => {
    ran.push('a')
    d.defer(() => ran.push('a2'))
  })
  d.defer(() => ran.push('b'))
  t.same(ran, [], 'nothing runs on its own')
  t.equal(d.pending, 2)
  t.equal(d.runOnce(), 2)
  t.same(ran, ['a', 'b'], 'one turn: what was queued before it')
  t.equal(d.pending, 1)
  t.equal(d.runAll(), 1)
  t.same(ran, ['a', 'b', 'a2'])
  const forever = (): void => d.defer(forever)
  forever()
  t.throws(() => d.runAll(10), /after 10 turns/)
  t.end()
})
