// lib/daemon/reload.ts: what a reload applies at once and what it says waits for a restart.
import t from 'tap'
import { resolveConfig } from '../../lib/config/resolve.js'
import type { Options } from '../../lib/config/types.js'
import { type IpLink, selectLans } from '../../lib/core/lans.js'
import { prepareReload } from '../../lib/daemon/reload.js'

const link = (ifname: string, ifindex: number, local: string): IpLink => ({
  ifname,
  ifindex,
  flags: ['BROADCAST', 'UP'],
  addr_info: [{ family: 'inet', local, prefixlen: 24, broadcast: local.replace(/\d+$/, '255') }],
})
const LANS = selectLans([link('etha', 3, '198.18.1.1'), link('ethb', 4, '198.18.2.1')], ['etha', 'ethb'])

function options(over: object): Options {
  const r = resolveConfig({ requestor: true, lans: [{ interface: 'etha' }, { interface: 'ethb' }], ...over }, {})
  if (!r.ok) throw new Error(r.errors.join('; '))
  return r.options
}

const FOLLOWS = '198.18.1.100/24'
const OWN_FAILBACK = { address: '198.18.1.101/24', interfaces: ['etha', 'ethb'], failback: true }

t.test(
  'the global failback: at once for gateway routes, at restart for the service addresses that follow it',
  async (t) => {
    const addresses = [{ address: FOLLOWS, interfaces: ['etha', 'ethb'] }, OWN_FAILBACK]
    const running = options({ addresses })
    const r = prepareReload(running, options({ addresses, failback: false }), LANS, false)
    t.same(r.pending, ['failback (for the service addresses without their own)'])
    t.equal(r.options.failback, false, 'applied: gateway routes read it at every plan')
    const own = options({ addresses: [OWN_FAILBACK] })
    t.same(
      prepareReload(own, options({ addresses: [OWN_FAILBACK], failback: false }), LANS, false).pending,
      [],
      'none follows it',
    )
    t.same(prepareReload(running, options({ addresses }), LANS, false).pending, [], 'unchanged')
  },
)
