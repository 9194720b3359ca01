// Parts started in order are stopped in reverse when a later one fails (lib/daemon/start-order.ts).
import t from 'tap'
import { StartOrder } from '../../lib/daemon/start-order.js'

/** A part that notes its start and stop in `log`, and fails its start if told to. */
const part = (log: string[], name: string, fails = false) => ({
  start: async () => {
    log.push(`start ${name}`)
    if (fails) throw new Error(`${name} cannot start`)
    return name
  },
  stop: async () => {
    log.push(`stop ${name}`)
  },
})

t.test('a failed start stops what started before it, the last first', async (t) => {
  const log: string[] = []
  const order = new StartOrder()
  const a = part(log, 'a')
  const b = part(log, 'b')
  const c = part(log, 'c', true)
  t.equal(await order.start(a.start, a.stop), 'a', 'start returns what the part gives')
  await order.start(b.start, b.stop)
  await t.rejects(order.start(c.start, c.stop), /c cannot start/)
  await order.unwind()
  t.same(log, ['start a', 'start b', 'start c', 'stop b', 'stop a'], 'c never started, so it is not stopped')
})

t.test('a part whose start was cut short is stopped too when its stop undoes it', async (t) => {
  const log: string[] = []
  const order = new StartOrder()
  const a = part(log, 'a')
  const half = part(log, 'half', true)
  await order.start(a.start, a.stop)
  await t.rejects(order.startGuarded(half.start, half.stop))
  await order.unwind()
  t.same(log, ['start a', 'start half', 'stop half', 'stop a'])
})
