// host/respawned.ts: when a child that exits is started again, what is said of it, and what stop and start end.
import { EventEmitter } from 'node:events'
import t from 'tap'
import { Respawned, type RespawnTiming } from '../../lib/host/respawned.js'
import { FakeClock } from '../support/fake-clock.js'

/** A child that runs until the spec ends it or makes it exit. */
class FakeChild extends EventEmitter {
  ended = false
  exit(code: number | null): void {
    this.emit('close', code)
  }
}

function respawned(timing: Partial<RespawnTiming<FakeChild>> = {}) {
  const clock = new FakeClock()
  const started: FakeChild[] = []
  /** Each exit said: its code and how many quick ones came just before it. */
  const exits: Array<[number | null, number]> = []
  const end = (c: FakeChild) => {
    c.ended = true
    c.exit(null)
  }
  const r = new Respawned(
    () => {
      const child = new FakeChild()
      started.push(child)
      return { child, exited: (code: number | null, inARow: number) => exits.push([code, inARow]) }
    },
    { firstMs: 1000, end, clock, ...timing },
  )
  const last = () => started.at(-1)!
  return { r, clock, started, exits, last }
}

t.test('by default: started again after the same wait every time, each exit counted in the run', async (t) => {
  const { r, clock, started, exits, last } = respawned()
  r.start()
  t.equal(r.child, last())
  for (let n = 0; n < 4; n++) {
    last().exit(n)
    t.equal(r.child, started[n], 'while a respawn is due, the child is the one that exited')
    clock.advance(999)
    t.equal(started.length, n + 1, 'not before the wait')
    clock.advance(1)
    t.equal(started.length, n + 2, 'started again after it')
  }
  t.same(exits, [
    [0, 0],
    [1, 1],
    [2, 2],
    [3, 3],
  ])
})

t.test('quick exits wait twice as long each time up to maxMs; one that lived starts the run again', async (t) => {
  const { r, clock, started, exits, last } = respawned({ maxMs: 30_000, livedMs: 10_000 })
  r.start()
  const waits: number[] = []
  for (let n = 0; n < 7; n++) {
    last().exit(1)
    const before = started.length
    waits.push(clock.nextDue()! - clock.now())
    clock.runNext()
    t.equal(started.length, before + 1)
  }
  t.same(waits, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000])
  clock.advance(10_000)
  last().exit(1)
  t.equal(clock.nextDue()! - clock.now(), 1000, 'one that ran livedMs: the first wait again')
  t.same(
    exits.map(([, inARow]) => inARow),
    [0, 1, 2, 3, 4, 5, 6, 0],
  )
})

t.test('stop ends the one running, calls off a respawn due, and says nothing of the exit', async (t) => {
  const { r, clock, started, exits, last } = respawned()
  r.start()
  r.stop()
  t.ok(started[0]!.ended)
  t.equal(r.child, undefined)
  t.same(exits, [], 'its exit, being ended, is not said')
  clock.advance(5000)
  t.equal(started.length, 1, 'none started again')
  r.start()
  t.equal(started.length, 1, 'nor by start after the stop')

  const other = respawned()
  other.r.start()
  other.last().exit(1)
  other.r.stop()
  t.notOk(other.started[0]!.ended, 'one that exited is not ended again')
  t.equal(other.clock.pending, 0, 'its respawn called off')
  t.equal(last(), started[0])
})

t.test('start in place of a child: the running one ended, a respawn due called off', async (t) => {
  const { r, clock, started, exits } = respawned()
  r.start()
  r.start()
  t.equal(started.length, 2)
  t.ok(started[0]!.ended, 'the one running ended')
  t.equal(r.child, started[1])
  started[1]!.exit(2)
  r.start()
  t.notOk(started[1]!.ended, 'one that exited is not ended')
  clock.advance(5000)
  t.equal(started.length, 3, 'no respawn besides the one started')
  t.same(exits, [[2, 0]], 'only an exit by itself is said')
  started[0]!.exit(9)
  clock.advance(5000)
  t.equal(started.length, 3, 'a child put aside exiting late starts none')
})
