// daemon/one-at-a-time.ts: requests while a run is in progress make one more run, not one each.
import t from 'tap'
import { OneAtATime } from '../../lib/daemon/one-at-a-time.js'

t.test('coalesced, one at a time; nothing after stop', async (t) => {
  let runs = 0
  let running = 0
  let most = 0
  const job = new OneAtATime(async () => {
    runs++
    most = Math.max(most, ++running)
    await new Promise((r) => setTimeout(r, 10))
    running--
  })
  for (let i = 0; i < 5; i++) job.request()
  await new Promise((r) => setTimeout(r, 50))
  t.equal(runs, 2, 'one run, and one more for the four that came during it')
  t.equal(most, 1, 'never two at once')
  await job.stop()
  job.request()
  await new Promise((r) => setTimeout(r, 20))
  t.equal(runs, 2, 'stopped: no more runs')
})
