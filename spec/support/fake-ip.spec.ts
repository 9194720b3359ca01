// The fake `ip` of spec/support/fake-ip.ts: records calls, answers from its script.
import t from 'tap'
import { ipJson } from '../../lib/host/ip-runner.js'
import { FakeIp } from './fake-ip.js'

t.test('records every call, stdin included; unscripted calls succeed with no output', async (t) => {
  const ip = new FakeIp()
  t.same(await ip.run(['rule', 'add', 'pref', '32000']), { code: 0, stdout: '', stderr: '' })
  await ip.run(['-batch', '-'], 'route replace 198.18.1.2/32 dev ethb\nroute del 198.18.1.3/32\n')
  t.same(ip.calls[0], { args: ['rule', 'add', 'pref', '32000'], input: undefined })
  t.same(ip.commands(), [
    'rule add pref 32000',
    '-batch - <<route replace 198.18.1.2/32 dev ethb; route del 198.18.1.3/32',
  ])
  t.same(ip.batchLines(), ['route replace 198.18.1.2/32 dev ethb', 'route del 198.18.1.3/32'])
  ip.clear()
  t.same(ip.calls, [])
})

t.test('answers by command prefix (whole words), newest first, for a number of calls or always', async (t) => {
  const ip = new FakeIp()
    .answer('-json route show', { stdout: '[{"dst":"198.18.1.2"}]' })
    .answer('rule del', { code: 2, stderr: 'RTNETLINK answers: No such file or directory' }, 1)
    .answer('-json route show table 4207', { stdout: '[]' })
  t.same(await ipJson(ip, ['route', 'show', 'table', '4207']), [], 'the newer, more specific answer')
  t.same(await ipJson(ip, ['route', 'show', 'table', 'main']), [{ dst: '198.18.1.2' }])
  t.equal((await ip.run(['rule', 'del', 'pref', '32000'])).code, 2, 'the scripted failure once')
  t.equal((await ip.run(['rule', 'del', 'pref', '32000'])).code, 0, 'then success')
  t.equal((await ip.run(['rule', 'delete'])).code, 0, "'rule del' does not match 'rule delete'")
  ip.answer('link', (call) => ({ stdout: `asked: ${call.args.join(' ')}` }))
  t.equal((await ip.run(['link', 'show'])).stdout, 'asked: link show', 'an answer can depend on the call')
  await t.rejects(
    ipJson(ip.answer('-json addr', { code: 1, stderr: 'Device does not exist' }), ['addr']),
    /Device does not exist/,
  )
})
