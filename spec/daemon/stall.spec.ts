// After an event-loop stall, ACKs already waiting in the socket are read before any deadline is
// judged: the daemon drains, then judges, then sends the next INQ, even when all are due at once.
import t from 'tap'
import { oneHost, turns } from './one-host.js'

t.test('ACKs waiting in the socket when the deadline and the next tick fire in one turn count as good', async (t) => {
  const { clock, daemon, answer, paths } = await oneHost(['-r', '-t', '0.1', '-f', '1', '-s', '1'])
  t.teardown(() => daemon.stop())
  for (let i = 0; i < 3; i++) {
    answer()
    await turns(20)
    await clock.advance(100)
  }
  t.same(paths(), ['A up', 'B up'], 'the peer is up on both LANs')

  answer() // the ACKs of the last INQ are in the socket...
  clock.stall(250) // ...when the loop wakes from a stall with its deadline and the next tick both due
  await turns(50)
  t.same(paths(), ['A up', 'B up'], 'no path was judged before the socket was read')
})
