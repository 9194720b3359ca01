// daemon/interfaces.ts: LANs moved to what their interfaces are now, with fakes for ip, sockets and engine.
import t from 'tap'
import type { Effect } from '../../lib/core/engine/effects.js'
import type { OwnLan } from '../../lib/core/engine/pairing.js'
import { type IpLink, type Lan, selectLans } from '../../lib/core/lans.js'
import { Interfaces, REBIND_RETRY_MS, SETTLE_MS } from '../../lib/daemon/interfaces.js'
import { capturingLogger } from '../support/capturing-logger.js'
import { FakeClock } from '../support/fake-clock.js'
import { FakeIp } from '../support/fake-ip.js'

const link = (ifname: string, ifindex: number, local?: string): IpLink => ({
  ifname,
  ifindex,
  flags: ['BROADCAST', 'UP'],
  addr_info: local ? [{ family: 'inet', local, prefixlen: 24, broadcast: local.replace(/\d+$/, '255') }] : [],
})
const START = [link('etha', 3, '198.18.1.1'), link('ethb', 4, '198.18.2.1')]

function setup(now: IpLink[], bindFails = false, start = START) {
  const ip = new FakeIp().answer('-json addr show', { stdout: JSON.stringify(now) })
  const logs = capturingLogger()
  const lans: Lan[] = selectLans(start, ['etha', 'ethb'])
  const own: OwnLan[] = lans.map((l) => ({ address: l.address, prefixLen: l.prefixLen, nameTag: 0 }))
  const did: string[] = []
  const clock = new FakeClock()
  const interfaces = new Interfaces({
    ip,
    log: logs.log,
    lans,
    own,
    rebind: async (lan) => {
      did.push(`rebind ${lan}`)
      if (bindFails) throw new Error('cannot bind UDP')
    },
    readdress: (lan, address) => {
      did.push(`readdress ${lan} ${address.toString(16)}`)
      return [] as Effect[]
    },
    run: () => did.push('run'),
    replan: () => did.push('replan'),
    clock,
  })
  /** The settle time passes, and the read it starts is done. */
  const settle = async () => {
    clock.advance(SETTLE_MS)
    await interfaces.settled()
  }
  return { interfaces, lans, own, did, log: logs, ip, settle, clock }
}

t.test('unchanged: nothing done', async (t) => {
  const s = setup(START)
  s.interfaces.changed()
  await s.settle()
  await s.interfaces.stop()
  t.same(s.did, [])
})

t.test('renamed: routes planned again under the new name, sockets untouched', async (t) => {
  const s = setup([link('etha', 3, '198.18.1.1'), link('fdnew', 4, '198.18.2.1')])
  s.interfaces.changed()
  await s.settle()
  await s.interfaces.stop()
  t.same(s.did, ['replan'])
  t.equal(s.lans[1]!.iface, 'fdnew')
  t.match(s.log.text(), /LAN B: interface ethb is now called fdnew; routes follow it/)
})

t.test('readdressed: rebound, the engine told, routes planned again', async (t) => {
  const s = setup([link('etha', 3, '198.18.1.1'), link('ethb', 4, '198.18.6.1')])
  s.interfaces.changed()
  await s.settle()
  await s.interfaces.stop()
  t.same(s.did, ['rebind 1', 'readdress 1 c6120601', 'run', 'replan'])
  t.equal(s.own[1]!.address, 0xc6120601)
  t.match(s.log.text(), /LAN B \(ethb\): address 198\.18\.2\.1\/24 -> 198\.18\.6\.1\/24/)
})

t.test(
  'an IPv6-only interface deleted and created again with the same addresses: its sockets are bound again',
  async (t) => {
    // Same name, MAC and so link-local; a new index: the old sockets' scope and group are gone with it.
    const six = (ifindex: number): IpLink => ({
      ifname: 'ethb',
      ifindex,
      flags: ['BROADCAST', 'UP'],
      addr_info: [
        { family: 'inet6', local: 'fd00:2::1', prefixlen: 64, scope: 'global' },
        { family: 'inet6', local: 'fe80::2', prefixlen: 64, scope: 'link' },
      ],
    })
    const s = setup([START[0]!, six(9)], false, [START[0]!, six(4)])
    s.interfaces.changed()
    await s.settle()
    await s.interfaces.stop()
    t.same(s.did, ['rebind 1'])
    t.equal(s.lans[1]!.ifindex, 9)
  },
)

t.test('a bind that fails leaves the LAN as it was, to be tried again', async (t) => {
  const s = setup([link('etha', 3, '198.18.1.1'), link('ethb', 4, '198.18.6.1')], true)
  s.interfaces.changed()
  await s.settle()
  await s.interfaces.stop()
  t.same(s.did, ['rebind 1'])
  t.equal(s.lans[1]!.address, 0xc6120201)
  t.equal(s.own[1]!.address, 0xc6120201)
  t.match(s.log.text(), /cannot bind UDP; tried again every 5 s/)
})

t.test('a bind that fails is tried again after a while, with no change to wake it', async (t) => {
  const s = setup([link('etha', 3, '198.18.1.1'), link('ethb', 4, '198.18.6.1')], true)
  s.interfaces.changed()
  await s.settle()
  t.same(s.did, ['rebind 1'])
  s.clock.advance(REBIND_RETRY_MS)
  await s.interfaces.settled()
  t.same(s.did, ['rebind 1', 'rebind 1'], 'read again, bound again')
  t.equal(s.log.text().match(/cannot bind UDP/g)?.length, 1, 'said once, not at every try')
  await s.interfaces.stop()
})

t.test('changes close together are read once', async (t) => {
  const s = setup(START)
  for (let i = 0; i < 5; i++) s.interfaces.changed()
  s.clock.advance(SETTLE_MS - 1)
  t.equal(s.ip.calls.length, 0, 'nothing read before the settle time: a carrier loss may be under way')
  await s.settle()
  await s.interfaces.stop()
  t.equal(s.ip.calls.length, 1, 'five changes, one read')
})
