// lib/daemon/lateness.ts: drops counted from the start and since last asked; socket drops, then a drain given up, then late timers.
import t from 'tap'
import { Lateness } from '../../lib/daemon/lateness.js'

function lateness(drops = 0) {
  const counter = { drops }
  return { counter, l: new Lateness(() => counter.drops) }
}

t.test('drops before the start are not ours; each read counts what came since the last', async (t) => {
  const { counter, l } = lateness(500)
  l.start()
  t.equal(l.dropped(), undefined, 'the 500 dropped before the start')
  counter.drops = 503
  t.equal(l.dropped(), "the kernel dropped 3 packets at faild's socket (receive buffer full)")
  t.equal(l.dropped(), undefined, 'read once')
})

t.test('why faild is behind: socket drops first, then a drain given up, then timers an interval late', async (t) => {
  const { counter, l } = lateness()
  l.start()
  counter.drops = 2
  t.match(l.behind('still arriving', 500, 100), /dropped 2 packets/)
  t.equal(l.behind('still arriving', 500, 100), 'still arriving')
  t.equal(l.behind(undefined, 100, 100), 'timers ran 100 ms late', 'one interval late')
  t.equal(l.behind(undefined, 99, 100), undefined, 'less than an interval: a hiccup')
  t.equal(l.behind(undefined, 49, 20), undefined, 'at a short interval, under 50 ms is a hiccup')
  t.equal(l.behind(undefined, 50, 20), 'timers ran 50 ms late')
})
