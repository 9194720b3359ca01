// IPv6 gateways and targets of lib/config/derive.ts placed on this host's LANs by their IPv6 subnets, and refused naming the key when on none.
import t from 'tap'
import { placeGateways, placeGateways6, placeTargets, unplaced } from '../../lib/config/derive.js'
import { resolveConfig } from '../../lib/config/resolve.js'
import type { Options } from '../../lib/config/types.js'
import type { Lan } from '../../lib/core/lans.js'
import { parseIPv4 } from '../../lib/core/util/ipv4.js'
import { formatIPv6, parseIPv6 } from '../../lib/core/util/ipv6.js'

const ip6 = (s: string) => parseIPv6(s)!
const lan = (index: number, v4: string, v6?: string): Lan => ({
  index,
  label: String.fromCharCode(65 + index),
  iface: `eth${String.fromCharCode(97 + index)}`,
  address: v4 ? parseIPv4(v4)! : 0,
  prefixLen: v4 ? 24 : 32, // as selectLans makes an IPv6-only LAN
  broadcast: 0,
  preference: index,
  nameTag: 0,
  ...(v6 ? { ipv6: { address: ip6(v6), prefixLen: 64 } } : {}),
})
/** A dual-stack LAN A, an IPv6-only LAN B, an IPv4-only LAN C. */
const LANS = [lan(0, '198.18.1.1', 'fd00:1:a::1'), lan(1, '', 'fd00:1:b::1'), lan(2, '198.18.3.1')]

function options(file: Record<string, unknown>): Options {
  const r = resolveConfig({ requestor: true, ...file }, {})
  if (!r.ok) throw new Error(r.errors.join('; '))
  return r.options
}

t.test('an IPv6 route goes to placeGateways6, each gateway on the LAN whose IPv6 subnet holds it', async (t) => {
  const o = options({
    routes: [
      { prefix: '::/0', via: ['fd00:1:a::fe', 'fd00:1:b::fe'] },
      { prefix: '0.0.0.0/0', via: ['198.18.1.254', '198.18.3.254'], failback: false },
    ],
  })
  t.same(unplaced(o, LANS), [])
  const six = placeGateways6(o, LANS)
  t.same(
    six.map((g) => ({ ...g, dst: formatIPv6(g.dst), via: g.via.map((v) => `${v.lan} ${formatIPv6(v.address)}`) })),
    [{ dst: '::', len: 0, via: ['0 fd00:1:a::fe', '1 fd00:1:b::fe'], failback: true }],
  )
  t.same(
    placeGateways(o, LANS).map((g) => g.via.map((v) => v.lan)),
    [[0, 2]],
    'the IPv4 route alone in placeGateways',
  )
})

t.test('an IPv6 gateway or target on none of the LANs: an error naming the key and the LANs', async (t) => {
  const o = options({
    targets: [{ address: 'fd00:1:b::fe' }, { address: 'fd00:9::fe' }, { address: 'fd00:1:a::fe', lan: 'B' }],
    routes: [{ prefix: '2001:db8::/32', via: ['fd00:1:a::fe', 'fd00:1:c::fe'] }],
  })
  const mine = 'A 198.18.1.1/24 fd00:1:a::1/64, B fd00:1:b::1/64, C 198.18.3.1/24'
  t.same(unplaced(o, LANS), [
    `/routes/0/via/1: fd00:1:c::fe is on none of this host's LANs (${mine})`,
    `/targets/1: fd00:9::fe is on none of this host's LANs (${mine})`,
    `/targets/2: fd00:1:a::fe is not on LAN B (${mine})`,
  ])
  t.throws(() => placeGateways6(o, LANS), { name: 'InterfaceError', message: /^\/routes\/0\/via\/1: fd00:1:c::fe/ })
})

t.test('IPv6 targets are placed by IPv6 subnet, with their address; IPv4 ones as before', async (t) => {
  const o = options({
    targets: [{ address: 'fd00:1:b::fe', method: 'icmp' }, { address: '198.18.3.254' }],
  })
  const placed = placeTargets(o, LANS)
  t.same(
    placed.map((x) => [x.address, x.ipv6 && formatIPv6(x.ipv6), x.lan, x.method]),
    [
      [0, 'fd00:1:b::fe', 1, 'icmp'],
      [parseIPv4('198.18.3.254'), undefined, 2, 'arp'],
    ],
  )
})
