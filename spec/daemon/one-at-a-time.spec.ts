// daemon/one-at-a-time.ts: requests while a run is in progress make one more run, not one each.
import t from 'tap'
import { OneAtATime } from '../../lib/daemon/one-at-a-time.js'

t.test('coalesced, one at a time; nothing after stop', async (t) => {
  let runs = 0
  let running = 0
  let most = 0
  /** Each run waits here until the spec lets it finish. */
  const finish: Array<() => void> = []
  const job = new OneAtATime(async () => {
    runs++
    most = Math.max(most, ++running)
    await new Promise<void>((r) => finish.push(r))
    running--
  })
  for (let i = 0; i < 5; i++) job.request()
  t.equal(runs, 1, 'the first request runs at once')
  finish.shift()!()
  await new Promise((r) => setImmediate(r))
  t.equal(runs, 2, 'one more run for the four that came during it')
  finish.shift()!()
  await job.settled()
  t.equal(runs, 2, 'and no more')
  t.equal(most, 1, 'never two at once')
  await job.stop()
  job.request()
  t.equal(runs, 2, 'stopped: no more runs')
})
