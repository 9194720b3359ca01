// Which IPv6 addresses of an interface a LAN takes (lib/core/lan-ipv6.ts), from `ip -json addr show`'s addr_info.
import t from 'tap'
import { type IpAddrInfo, lanIPv6, sameLanIPv6 } from '../../lib/core/lan-ipv6.js'
import { formatIPv6 } from '../../lib/core/util/ipv6.js'

const v6 = (local: string, scope: string, extra: Partial<IpAddrInfo> = {}): IpAddrInfo => ({
  family: 'inet6',
  local,
  prefixlen: 64,
  scope,
  ...extra,
})
const show = (addrs: IpAddrInfo[]): string => {
  const l = lanIPv6(addrs)
  const g = l.ipv6 ? `${formatIPv6(l.ipv6.address)}/${l.ipv6.prefixLen}` : '-'
  return `${g} ${l.linkLocal ? formatIPv6(l.linkLocal) : '-'}`
}

const cases: Array<[string, IpAddrInfo[], string]> = [
  ['none: IPv4 only', [{ family: 'inet', local: '198.18.1.1', prefixlen: 24 }], '- -'],
  [
    'the first scope-global address, and the link-local one',
    [v6('fe80::1', 'link'), v6('2001:db8:a::1', 'global'), v6('2001:db8:a::2', 'global')],
    '2001:db8:a::1/64 fe80::1',
  ],
  ['a ULA is global in scope', [v6('fd00:1:a::1', 'global')], 'fd00:1:a::1/64 -'],
  [
    'tentative (DAD running) is passed over',
    [
      v6('fd00:1:a::1', 'global', { tentative: true }),
      v6('fd00:1:a::2', 'global'),
      v6('fe80::1', 'link', { tentative: true }),
    ],
    'fd00:1:a::2/64 -',
  ],
  [
    'dadfailed (a duplicate) is passed over',
    [v6('fd00:1:a::1', 'global', { dadfailed: true, tentative: true }), v6('fe80::1', 'link', { dadfailed: true })],
    '- -',
  ],
  [
    'deprecated (preferred lifetime over) is passed over',
    [v6('2001:db8:a::1', 'global', { deprecated: true }), v6('2001:db8:a::2', 'global')],
    '2001:db8:a::2/64 -',
  ],
  [
    'a privacy (temporary) address is passed over: it changes daily',
    [v6('2001:db8:a::77', 'global', { temporary: true }), v6('2001:db8:a::1', 'global')],
    '2001:db8:a::1/64 -',
  ],
  [
    'an address on a subnet is preferred to a /128 (DHCPv6), which is taken if alone',
    [v6('2001:db8:a::5', 'global', { prefixlen: 128 }), v6('2001:db8:a::1', 'global')],
    '2001:db8:a::1/64 -',
  ],
  ['a lone /128', [v6('2001:db8:a::5', 'global', { prefixlen: 128 })], '2001:db8:a::5/128 -'],
  ['loopback and host-scope addresses are no LAN address', [v6('::1', 'host'), v6('::1', 'global')], '- -'],
  ['a link-local address claiming global scope is not global', [v6('fe80::9', 'global')], '- -'],
  ['unparseable text is passed over', [v6('fd00::zz', 'global'), v6('fe80::1%eth0', 'link')], '- -'],
]
for (const [name, addrs, want] of cases) t.test(name, async (t) => t.equal(show(addrs), want))

t.test('sameLanIPv6 compares bytes and prefix, absent equal to absent only', async (t) => {
  const a = lanIPv6([v6('fd00:1:a::1', 'global'), v6('fe80::1', 'link')])
  t.ok(sameLanIPv6(a, lanIPv6([v6('fd00:1:a:0::1', 'global'), v6('fe80::0:1', 'link')])))
  t.notOk(sameLanIPv6(a, lanIPv6([v6('fd00:1:a::1', 'global', { prefixlen: 60 }), v6('fe80::1', 'link')])))
  t.notOk(sameLanIPv6(a, lanIPv6([v6('fd00:1:a::1', 'global')])))
  t.notOk(sameLanIPv6(a, lanIPv6([v6('fd00:1:a::2', 'global'), v6('fe80::1', 'link')])))
  t.ok(sameLanIPv6({}, {}))
})
