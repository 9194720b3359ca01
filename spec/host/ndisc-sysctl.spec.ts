// host/ndisc-sysctl.ts: sysctls changed only where they differ, and each put back as it was first found.
import t from 'tap'
import { NdiscSysctls } from '../../lib/host/ndisc-sysctl.js'
import { fakeSysctl } from '../support/fake-sysctl.js'

t.test('set writes what differs; restore puts back the first value found', async (t) => {
  const s = fakeSysctl({ 'eth1/accept_dad': '1', 'eth1/ndisc_notify': '0', 'eth2/accept_dad': '0' })
  const n = new NdiscSysctls(s)
  n.set('eth1', 'accept_dad', '1')
  n.set('eth1', 'accept_dad', '0')
  n.set('eth1', 'ndisc_notify', '1')
  n.set('eth2', 'accept_dad', '0')
  t.same(s.writes, ['eth1.accept_dad=0', 'eth1.ndisc_notify=1'], 'no write where the value is already right')
  t.same(n.restore(), [])
  t.same(s.writes.slice(2).sort(), ['eth1.accept_dad=1', 'eth1.ndisc_notify=0', 'eth2.accept_dad=0'])
  t.same(n.restore(), [], 'a second restore has nothing left to do')
  t.equal(s.writes.length, 5)
})

t.test('an interface gone by stop: the error in words, the others still restored', async (t) => {
  const values = { 'eth1/accept_dad': '1', 'eth2/accept_dad': '1' }
  const s = fakeSysctl(values)
  const n = new NdiscSysctls(s)
  n.set('eth1', 'accept_dad', '0')
  n.set('eth2', 'accept_dad', '0')
  delete (values as Record<string, string>)['eth1/accept_dad']
  t.match(n.restore(), [/^net\.ipv6\.conf\.eth1\.accept_dad: ENOENT eth1$/])
  t.equal(values['eth2/accept_dad'], '1')
})
