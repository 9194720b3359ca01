// The capturing logger of spec/support/capturing-logger.ts: every line kept with level and context.
import t from 'tap'
import { capturingLogger } from './capturing-logger.js'

t.test('keeps every line at or above its level, with child context, as it is logged', (t) => {
  const cap = capturingLogger()
  cap.log.info('started')
  cap.log.child({ lan: 'A' }).warn('carrier lost', { iface: 'etha' })
  cap.log.debug('per packet')
  t.same(cap.lines, [
    { level: 'info', message: 'started', meta: {} },
    { level: 'warn', message: 'carrier lost', meta: { lan: 'A', iface: 'etha' } },
    { level: 'debug', message: 'per packet', meta: {} },
  ])
  t.equal(cap.text(), 'info: started\nwarn: carrier lost\ndebug: per packet')
  t.same(cap.at('warn'), ['carrier lost'])
  cap.clear()
  t.same(cap.lines, [])
  t.end()
})

t.test('a level filters, as the daemon logger does', (t) => {
  const cap = capturingLogger('info')
  cap.log.debug('hidden')
  cap.log.error('shown')
  t.same(cap.at('error'), ['shown'])
  t.equal(cap.lines.length, 1)
  t.end()
})
