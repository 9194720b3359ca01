// host/address-mover6.ts: the start's DAD through the kernel, the move's `ip -6` runs, the release, and the sysctls that make the kernel announce.
import t from 'tap'
import { AddressMover6 } from '../../lib/host/address-mover6.js'
import { NdiscSysctls } from '../../lib/host/ndisc-sysctl.js'
import { capturingLogger } from '../support/capturing-logger.js'
import { FakeIp } from '../support/fake-ip.js'
import { fakeSysctl } from '../support/fake-sysctl.js'

const A = '2001:db8:1::100'
const SHOW = '-json -6 addr show'
const links = (flags: Record<string, boolean> = {}, ifname = 'eth1') =>
  JSON.stringify([
    { ifname: 'eth0', addr_info: [{ family: 'inet6', local: '2001:db8:1::1', prefixlen: 64 }] },
    { ifname, addr_info: [{ family: 'inet6', local: A, prefixlen: 64, ...flags }] },
  ])

function setup(dryRun = false, dadTimeoutMs = 300) {
  const ip = new FakeIp()
  const values = {
    'eth1/accept_dad': '1',
    'eth1/ndisc_notify': '0',
    'eth2/accept_dad': '1',
    'eth2/ndisc_notify': '0',
  }
  const sysctl = fakeSysctl(values)
  const sysctls = new NdiscSysctls(sysctl)
  const logger = capturingLogger()
  const mover = new AddressMover6({ table: 4247, priority: 99, dryRun, dadTimeoutMs }, { ip, log: logger.log, sysctls })
  return { ip, values, sysctl, sysctls, logger, mover }
}

t.test('DAD passes: the address stays on, added with DAD on and ndisc_notify (the kernel announces it)', async (t) => {
  const { ip, values, mover } = setup()
  values['eth1/accept_dad'] = '0' // the operator had DAD off: the check turns it on
  ip.answer(SHOW, { stdout: links() }, 1).answer(SHOW, { stdout: links({ tentative: true }) }, 1) // newest first
  t.equal(await mover.duplicate('eth1', A, 64), undefined)
  t.same(ip.commands(), [`-6 addr add ${A}/64 dev eth1 preferred_lft 0`, SHOW, SHOW])
  t.same([values['eth1/accept_dad'], values['eth1/ndisc_notify']], ['1', '1'])
})

t.test('DAD fails: the address comes off again, and why is said', async (t) => {
  const { ip, mover } = setup()
  ip.answer(SHOW, { stdout: links({ tentative: true, dadfailed: true }) })
  t.equal(await mover.duplicate('eth1', A, 64), 'another host answers its duplicate address detection on eth1')
  t.same(ip.commands().slice(-1), [`-6 addr del ${A}/64 dev eth1`])
})

t.test('DAD that never ends: the address comes off and the start fails', async (t) => {
  const { ip, mover } = setup(false, 0)
  ip.answer(SHOW, { stdout: links({ tentative: true }) })
  await t.rejects(mover.duplicate('eth1', A, 64), /DAD on eth1 did not end in 0 ms/)
  t.same(ip.commands().slice(-1), [`-6 addr del ${A}/64 dev eth1`])
})

t.test('a move: the address on the new interface alone, then one batch for route, rule and the old copy', async (t) => {
  const { ip, values, mover } = setup()
  mover.announceOn('eth2', ['eth1', 'eth2'])
  t.same(
    [values['eth1/accept_dad'], values['eth1/ndisc_notify'], values['eth2/accept_dad'], values['eth2/ndisc_notify']],
    ['0', '1', '0', '1'],
    'no DAD and ndisc_notify: the kernel sends an unsolicited NA the moment the address goes on',
  )
  await mover.move(A, 64, 'eth2', 'eth1')
  t.same(ip.commands(), [
    `-6 addr replace ${A}/64 dev eth2 preferred_lft 0`,
    `-6 -force -batch - <<route replace 2001:db8:1::/64 dev eth2 src ${A} table 4247; rule del from ${A} lookup 4247 pref 99; rule add from ${A} lookup 4247 pref 99; addr del ${A}/64 dev eth1`,
  ])
})

t.test(
  'an interface of the address that is gone (the NIC that failed) does not stop the move; the new one must be there',
  async (t) => {
    const { values, mover } = setup()
    delete (values as Record<string, string>)['eth1/accept_dad']
    delete (values as Record<string, string>)['eth1/ndisc_notify']
    mover.announceOn('eth2', ['eth1', 'eth2'])
    t.same([values['eth2/accept_dad'], values['eth2/ndisc_notify']], ['0', '1'], 'eth2 set')
    t.throws(() => mover.announceOn('eth1', ['eth1', 'eth2']), /no eth1/, 'the interface it goes to must take it')
  },
)

t.test('a failing move says which ip failed; a missing rule to delete is no error', async (t) => {
  const { ip, mover } = setup()
  ip.answer('-6 -force -batch -', { stderr: 'RTNETLINK answers: No such file or directory\nCommand failed -:2\n' }, 1)
  await mover.move(A, 64, 'eth2', 'eth1')
  ip.answer('-6 addr replace', { code: 2, stderr: 'Error: Cannot find device "eth2".\n' })
  await t.rejects(mover.move(A, 64, 'eth2', 'eth1'), /ip -6 addr replace .* dev eth2 .*Cannot find device/)
  ip.answer('-6 -force -batch -', { stderr: 'Error: Nexthop has invalid gateway.\n' })
  ip.answer('-6 addr replace', {})
  await t.rejects(mover.move(A, 64, 'eth2', 'eth1'), /ip -6 -batch: Error: Nexthop has invalid gateway/)
})

t.test('holder and release: the rule and table always, the address only when owned', async (t) => {
  const { ip, mover } = setup()
  ip.answer(SHOW, { stdout: links({}, 'eth2') })
  t.same(await mover.holders(A), ['eth2'])
  t.same(await mover.holders('2001:db8:1::200'), [])
  ip.clear()
  await mover.release(A, 64, false)
  t.same(ip.commands(), [`-6 rule del from ${A} lookup 4247 pref 99`, '-6 route flush table 4247'])
  ip.clear()
  await mover.release(A, 64, true)
  t.same(ip.commands().slice(-2), [SHOW, `-6 addr del ${A}/64 dev eth2`])
})

t.test('dry run: lines logged, nothing run, no sysctl changed, DAD skipped', async (t) => {
  const { ip, sysctl, logger, mover } = setup(true)
  mover.announceOn('eth1', ['eth1'])
  t.equal(await mover.duplicate('eth1', A, 64), undefined)
  await mover.move(A, 64, 'eth2', 'eth1')
  t.same(ip.calls, [])
  t.same(sysctl.writes, [])
  t.match(logger.at('info'), [
    `dry run: would run ip -6 addr replace ${A}/64 dev eth2 preferred_lft 0`,
    /^dry run: would run ip -6 route replace 2001:db8:1::\/64 dev eth2/,
  ])
})
