// core/addresses/lines6.ts: the `ip -6` lines of an IPv6 service address's move, and whether a LAN's subnet holds it.
import t from 'tap'
import { addLine6, moveBatch6, onSubnet6, rule6, subnet6 } from '../../../lib/core/addresses/lines6.js'
import { parseIPv6 } from '../../../lib/core/util/ipv6.js'

const o = { table: 4247, priority: 99 }
const A = '2001:db8:1::100'

t.test('the subnet around an address, as the kernel prints it', async (t) => {
  const rows: Array<[string, number, string | undefined]> = [
    [A, 64, '2001:db8:1::/64'],
    ['2001:db8:1:ff00::1', 56, '2001:db8:1:ff00::/56'],
    ['2001:db8:1:ffff::1', 52, '2001:db8:1:f000::/52'],
    ['fd00::1', 0, '::/0'],
    ['198.18.1.1', 24, undefined],
  ]
  for (const [a, len, want] of rows) t.equal(subnet6(a, len), want, `${a}/${len}`)
})

t.test('the address goes on deprecated (never a new source, never the LAN address), without nodad', async (t) => {
  t.same(addLine6(A, 64, 'eth1', false), ['addr', 'replace', `${A}/64`, 'dev', 'eth1', 'preferred_lft', '0'])
  t.same(addLine6(A, 64, 'eth1', true).slice(-1), ['noprefixroute'], 'foreign: no prefix route')
  t.notOk(addLine6(A, 64, 'eth1', false).includes('nodad'), 'nodad would keep the kernel from announcing it')
})

t.test('the batch: reply route, the rule again, the old copy off', async (t) => {
  t.same(moveBatch6(A, 64, 'eth2', 'eth1', false, o), [
    ['route', 'replace', '2001:db8:1::/64', 'dev', 'eth2', 'src', A, 'table', '4247'],
    ['rule', 'del', 'from', A, 'lookup', '4247', 'pref', '99'],
    ['rule', 'add', 'from', A, 'lookup', '4247', 'pref', '99'],
    ['addr', 'del', `${A}/64`, 'dev', 'eth1'],
  ])
  t.same(
    moveBatch6(A, 64, 'eth2', undefined, true, o),
    [
      ['route', 'flush', 'table', '4247'],
      ['rule', 'del', ...rule6(A, o)],
      ['rule', 'add', ...rule6(A, o)],
    ],
    'claimed on a foreign subnet: no reply route, nothing to take off',
  )
  t.equal(moveBatch6(A, 64, 'eth2', 'eth2', false, o).length, 3, 'kept where it is: not taken off')
})

t.test("a LAN's own IPv6 subnet holds the address, or not", async (t) => {
  const lan = { ipv6: { address: parseIPv6('2001:db8:1::11')!, prefixLen: 64 } }
  t.ok(onSubnet6(lan, A))
  t.notOk(onSubnet6(lan, '2001:db8:2::100'))
  t.notOk(onSubnet6({}, A), 'a LAN without IPv6')
  t.notOk(onSubnet6(lan, '198.18.1.100'))
})
