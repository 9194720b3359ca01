// Repeated warnings of lib/core/util/repeats.ts: once, counted, summed up once a minute, per kind.
import t from 'tap'
import { heldText, REPEAT_WINDOW_MS, Repeats } from '../../../lib/core/util/repeats.js'

t.test('the first is logged, the rest counted, and the count said with the next one after a minute', async (t) => {
  const r = new Repeats()
  t.same(r.take('apply', 0), { log: true, held: 0 })
  let logged = 0
  for (let now = 100; now < REPEAT_WINDOW_MS; now += 100) if (r.take('apply', now).log) logged++
  t.equal(logged, 0, 'nothing more within the minute')
  t.same(r.take('apply', REPEAT_WINDOW_MS), { log: true, held: 599 })
  t.equal(heldText(599), ' (599 more like it in the last minute)')
  t.equal(heldText(0), '')
})

t.test('kinds are counted apart; a cleared kind is news again', async (t) => {
  const r = new Repeats()
  r.take('apply', 0)
  t.equal(r.take('read', 1).log, true, 'another kind')
  t.equal(r.take('apply', 2).log, false)
  r.clear('apply')
  t.same(r.take('apply', 3), { log: true, held: 0 }, 'after the trouble ended, the next is logged at once')
})

t.test('bounded: a flood of kinds forgets the oldest', async (t) => {
  const r = new Repeats()
  for (let i = 0; i < 1000; i++) r.take(`k${i}`, 0)
  t.equal(r.take('k999', 1).log, false, 'the newest is still known')
  t.equal(r.take('k0', 1).log, true, 'the oldest was forgotten')
})
