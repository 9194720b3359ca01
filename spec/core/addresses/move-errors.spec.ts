// The failures of a service address's batch that matter (lib/core/addresses/move-errors.ts): not what was done already.
import t from 'tap'
import { moveErrors } from '../../../lib/core/addresses/move-errors.js'

const LINES = [
  ['route', 'replace', '198.18.1.0/24', 'dev', 'eth1', 'src', '198.18.1.100', 'table', '4247'],
  ['rule', 'del', 'from', '198.18.1.100', 'lookup', '4247', 'pref', '99'],
  ['rule', 'add', 'from', '198.18.1.100', 'lookup', '4247', 'pref', '99'],
  ['addr', 'del', '198.18.1.100/24', 'dev', 'eth0'],
]
const failed = (message: string, lineNo: number) => `${message}\nCommand failed -:${lineNo}\n`

t.test('a rule not there to delete, or an old copy already gone, is no error', async (t) => {
  t.same(moveErrors(LINES, ''), [])
  t.same(moveErrors(LINES, failed('RTNETLINK answers: No such file or directory', 2)), [])
  t.same(moveErrors(LINES, failed('RTNETLINK answers: Cannot assign requested address', 4)), [], 'flushed')
  t.same(moveErrors(LINES, failed('Cannot find device "eth0"', 4)), [], 'its NIC deleted')
})

t.test('anything else is, with its line; so is the same message on another line', async (t) => {
  t.same(moveErrors(LINES, failed('Error: Nexthop has invalid gateway.', 1)), [
    'Error: Nexthop has invalid gateway. (route replace 198.18.1.0/24 dev eth1 src 198.18.1.100 table 4247)',
  ])
  t.same(moveErrors(LINES, failed('RTNETLINK answers: No such file or directory', 3)), [
    'RTNETLINK answers: No such file or directory (rule add from 198.18.1.100 lookup 4247 pref 99)',
  ])
  t.same(moveErrors(LINES, failed('RTNETLINK answers: Operation not permitted', 4)), [
    'RTNETLINK answers: Operation not permitted (addr del 198.18.1.100/24 dev eth0)',
  ])
  t.same(moveErrors(LINES, 'Error: ip died\n'), ['Error: ip died'], 'what no line owns')
})
