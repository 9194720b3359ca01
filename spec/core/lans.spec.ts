// LAN selection of lib/core/lans.ts from `ip -json addr show` output, and following it (lib/core/lan-follow.ts).
import t from 'tap'
import { follow } from '../../lib/core/lan-follow.js'
import type { IpAddrInfo } from '../../lib/core/lan-ipv6.js'
import { defaultNodeId, engineAddress, type IpLink, isIPv6Only, type Lan, selectLans } from '../../lib/core/lans.js'
import { HANDLE_PREFIX_LEN, ownHandle } from '../../lib/core/link-handles.js'
import { formatIPv4, parseIPv4 } from '../../lib/core/util/ipv4.js'
import { formatIPv6 } from '../../lib/core/util/ipv6.js'

const link = (ifname: string, local: string | undefined, flags = ['BROADCAST', 'UP'], broadcast = true): IpLink => ({
  ifname,
  flags,
  addr_info: local
    ? [
        { family: 'inet6', local: 'fe80::1' },
        { family: 'inet', local, prefixlen: 24, ...(broadcast ? { broadcast: local.replace(/\d+$/, '255') } : {}) },
      ]
    : [],
})

const links = [
  link('lo', '127.0.0.1', ['LOOPBACK', 'UP'], false),
  link('ethb', '198.18.2.1'),
  link('etha', '198.18.1.1'),
  link('ethdown', '198.18.9.1', ['BROADCAST']),
  link('tun0', '198.18.8.1', ['POINTOPOINT', 'UP'], false),
  link('empty', undefined),
  { ifname: 'vip', flags: ['BROADCAST', 'UP'], addr_info: [{ family: 'inet', local: '198.18.7.1', prefixlen: 32 }] },
]
const show = (lans: ReturnType<typeof selectLans>) =>
  lans.map(
    (l) =>
      `${l.label}=${l.iface} ${formatIPv4(l.address)}/${l.prefixLen}` +
      (l.broadcast ? ` brd ${formatIPv4(l.broadcast)}` : ' no brd'),
  )

t.test('default: every up interface on an IPv4 subnet, not loopback nor point-to-point, in name order', async (t) => {
  t.same(show(selectLans(links, [])), [
    'A=etha 198.18.1.1/24 brd 198.18.1.255',
    'B=ethb 198.18.2.1/24 brd 198.18.2.255',
  ])
})

t.test('an address without a broadcast address (ip addr add A/24, no brd +) is a LAN all the same', async (t) => {
  const plain = [link('etha', '198.18.1.1', ['BROADCAST', 'UP'], false), link('ethb', '198.18.2.1')]
  t.same(show(selectLans(plain, [])), ['A=etha 198.18.1.1/24 no brd', 'B=ethb 198.18.2.1/24 brd 198.18.2.255'])
  t.same(show(selectLans(plain, ['etha'])), ['A=etha 198.18.1.1/24 no brd'])
})

t.test('an address with a broadcast address is preferred; a /32 is never a LAN', async (t) => {
  const both: IpLink = {
    ifname: 'eth0',
    flags: ['BROADCAST', 'UP'],
    addr_info: [
      { family: 'inet', local: '198.18.1.100', prefixlen: 32 },
      { family: 'inet', local: '198.18.3.1', prefixlen: 24 },
      { family: 'inet', local: '198.18.1.1', prefixlen: 24, broadcast: '198.18.1.255' },
    ],
  }
  t.same(show(selectLans([both], [])), ['A=eth0 198.18.1.1/24 brd 198.18.1.255'])
})

t.test('named interfaces keep the order given', async (t) => {
  t.same(show(selectLans(links, ['ethb', 'etha'])), [
    'A=ethb 198.18.2.1/24 brd 198.18.2.255',
    'B=etha 198.18.1.1/24 brd 198.18.1.255',
  ])
})

const bad: Array<[string, string[], RegExp]> = [
  ['an interface that does not exist', ['etha', 'eth9'], /'eth9': no such interface/],
  ['an interface with no IPv4 address', ['empty'], /'empty': has no IPv4 address on a subnet/],
  ['an interface with only a /32', ['vip'], /'vip': has no IPv4 address on a subnet/],
  ['an interface named twice', ['etha', 'etha'], /named twice/],
]
for (const [name, req, msg] of bad) {
  t.test(`refuses ${name}`, async (t) => {
    t.throws(() => selectLans(links, req), { name: 'InterfaceError', message: msg })
  })
}

t.test('no usable interface at all', async (t) => {
  t.throws(() => selectLans([links[0]!], []), { message: /name them with -i/ })
})

t.test(
  "a name ip -batch would misread ('#', quotes, white space) is refused when named, passed over when not",
  async (t) => {
    const odd = [link('a#b', '198.18.3.1'), link('etha', '198.18.1.1')]
    t.throws(() => selectLans(odd, ['a#b']), { message: /'a#b': faild cannot use a name holding '#'/ })
    t.same(show(selectLans(odd, [])), ['A=etha 198.18.1.1/24 brd 198.18.1.255'])
  },
)

t.test('dynamic: a named interface absent, or without an address, waits with address 0', async (t) => {
  t.same(show(selectLans(links, ['etha', 'eth9', 'empty'], true)), [
    'A=etha 198.18.1.1/24 brd 198.18.1.255',
    'B=eth9 0.0.0.0/32 no brd',
    'C=empty 0.0.0.0/32 no brd',
  ])
  t.throws(() => selectLans(links, ['eth9', 'empty'], true), /none of eth9, empty has an IPv4 address/)
  t.throws(() => selectLans(links, ['etha', 'eth9']), /'eth9': no such interface/, 'without it: refused')
})

t.test('follow: by index through a rename, by name once re-created, with its address now', async (t) => {
  const indexed = (l: IpLink, ifindex: number): IpLink => ({ ...l, ifindex })
  const [a] = selectLans([indexed(link('etha', '198.18.1.1'), 3)], ['etha'])
  t.equal(a!.ifindex, 3)
  t.equal(follow(a!, [indexed(link('etha', '198.18.1.1'), 3)]), a, 'unchanged: the same object')
  const renamed = follow(a!, [indexed(link('etha', '198.18.5.5'), 9), indexed(link('fdnew', '198.18.1.1'), 3)])
  t.same(show([renamed]), ['A=fdnew 198.18.1.1/24 brd 198.18.1.255'], 'renamed: found by its index')
  const recreated = follow(a!, [indexed(link('etha', '198.18.1.7'), 12)])
  t.same([show([recreated]), recreated.ifindex], [['A=etha 198.18.1.7/24 brd 198.18.1.255'], 12], 'gone, back by name')
  t.equal(follow(a!, [indexed(link('etha', undefined), 3)]), a, 'its address gone: kept, to come back')
  t.equal(follow(a!, [indexed(link('other', '198.18.3.3'), 4)]), a, 'gone: kept')
  const bad = follow(a!, [indexed(link('et#ha', '198.18.1.1'), 3)])
  t.equal(bad.iface, 'etha', 'a new name faild cannot put in a batch line is not taken')
})

t.test("a service address of faild's is never a LAN's own, at start or when the LAN's own address goes", async (t) => {
  const vip = parseIPv4('198.18.5.100')!
  // Moved here from LAN B's subnet: no broadcast address, the primary of its own subnet.
  const withVip = (own: string | undefined): IpLink => ({
    ifname: 'etha',
    ifindex: 3,
    flags: ['BROADCAST', 'UP'],
    addr_info: [
      { family: 'inet', local: '198.18.5.100', prefixlen: 24 },
      ...(own ? [{ family: 'inet', local: own, prefixlen: 24 }] : []),
    ],
  })
  const [a] = selectLans([withVip('198.18.1.1')], ['etha'], false, new Set([vip]))
  t.same(show([a!]), ['A=etha 198.18.1.1/24 no brd'], 'at start')
  t.same(show(selectLans([withVip('198.18.1.1')], ['etha'])), ['A=etha 198.18.5.100/24 no brd'], 'unknown: taken')
  t.equal(follow(a!, [withVip(undefined)], new Set([vip])), a, 'its own address flushed: kept, to come back')
})

/** `ip -json addr show` of a dual-stack interface: IPv4, then the inet6 entries given. */
const dual = (ifname: string, v4: string, inet6: IpAddrInfo[], ifindex = 3): IpLink => ({
  ifname,
  ifindex,
  flags: ['BROADCAST', 'UP'],
  addr_info: [{ family: 'inet', local: v4, prefixlen: 24, broadcast: v4.replace(/\d+$/, '255') }, ...inet6],
})
const GLOBAL: IpAddrInfo = { family: 'inet6', local: 'fd00:1:a::1', prefixlen: 64, scope: 'global' }
const LINK: IpAddrInfo = { family: 'inet6', local: 'fe80::a1', prefixlen: 64, scope: 'link' }
const show6 = (l: Lan) =>
  `${l.iface} ${l.ipv6 ? `${formatIPv6(l.ipv6.address)}/${l.ipv6.prefixLen}` : '-'} ${l.linkLocal ? formatIPv6(l.linkLocal) : '-'}`

t.test('a dual-stack LAN records its global or ULA address, prefix and link-local address', async (t) => {
  const [a] = selectLans([dual('etha', '198.18.1.1', [GLOBAL, LINK])], [])
  t.equal(show6(a!), 'etha fd00:1:a::1/64 fe80::a1')
  t.same(show([a!]), ['A=etha 198.18.1.1/24 brd 198.18.1.255'], 'its IPv4 side as before')
})

t.test('an IPv4-only LAN is unchanged: no IPv6 keys at all', async (t) => {
  const [a] = selectLans([dual('etha', '198.18.1.1', [])], ['etha'])
  t.notOk('ipv6' in a! || 'linkLocal' in a!)
  t.same(Object.keys(a!).sort(), [
    'address',
    'broadcast',
    'iface',
    'ifindex',
    'index',
    'label',
    'nameTag',
    'preference',
    'prefixLen',
  ])
})

t.test('follow: a new IPv6 address is taken, one gone is kept, the same ones keep the object', async (t) => {
  const [a] = selectLans([dual('etha', '198.18.1.1', [GLOBAL, LINK])], ['etha'])
  t.equal(follow(a!, [dual('etha', '198.18.1.1', [{ ...GLOBAL }, { ...LINK }])]), a, 'unchanged: the same object')
  const moved = follow(a!, [dual('etha', '198.18.1.1', [{ ...GLOBAL, local: 'fd00:1:a::9', prefixlen: 60 }, LINK])])
  t.equal(show6(moved), 'etha fd00:1:a::9/60 fe80::a1', 'a new global address and prefix')
  t.equal(moved.address, a!.address, 'IPv4 untouched')
  const relinked = follow(a!, [dual('etha', '198.18.1.1', [GLOBAL, { ...LINK, tentative: true }])])
  t.equal(relinked, a, 'link-local tentative again (the link flapped, DAD runs): kept')
  t.equal(follow(a!, [dual('etha', '198.18.1.1', [])]), a, 'every IPv6 address gone: kept, as IPv4 is')
  const [plain] = selectLans([dual('etha', '198.18.1.1', [])], ['etha'])
  t.equal(
    show6(follow(plain!, [dual('etha', '198.18.1.1', [GLOBAL, LINK])])),
    'etha fd00:1:a::1/64 fe80::a1',
    'IPv6 added later',
  )
})

/** An interface with IPv6 only: a ULA address and a link-local one (or only a link-local one). */
const v6link = (ifname: string, ula: string | undefined, ifindex = 9): IpLink => ({
  ifname,
  ifindex,
  flags: ['BROADCAST', 'UP'],
  addr_info: [
    ...(ula ? [{ family: 'inet6', local: ula, prefixlen: 64, scope: 'global' }] : []),
    { family: 'inet6', local: `fe80::${ifindex}`, prefixlen: 64, scope: 'link' },
  ],
})

t.test('an interface with a global or ULA IPv6 address and no IPv4 is an IPv6-only LAN', async (t) => {
  const lans = selectLans([v6link('eth6', 'fd00:6::1'), ...links], [])
  t.same(
    lans.map((l) => [l.iface, isIPv6Only(l)]),
    [
      ['eth6', true],
      ['etha', false],
      ['ethb', false],
    ],
    'chosen by default beside the IPv4 ones, in name order',
  )
  const only = selectLans([v6link('eth6', 'fd00:6::1'), v6link('eth7', 'fd00:7::1', 10)], ['eth7', 'eth6'])
  t.same(
    only.map((l) => [l.label, formatIPv6(l.ipv6!.address), formatIPv6(l.linkLocal!)]),
    [
      ['A', 'fd00:7::1', 'fe80::10'],
      ['B', 'fd00:6::1', 'fe80::9'],
    ],
  )
  t.same(
    engineAddress(only[1]!),
    { address: ownHandle(1), prefixLen: HANDLE_PREFIX_LEN },
    'the engine knows it by its handle',
  )
  t.equal(defaultNodeId(only), 1, "node id: the last 32 bits of LAN A's address")
  t.throws(
    () => selectLans([v6link('eth8', undefined)], ['eth8']),
    /nor a global or ULA IPv6 address/,
    'link-local alone is not enough',
  )
  t.throws(() => selectLans([v6link('eth8', undefined)], []), /no up interface/)
})

t.test('follow: a LAN whose IPv4 address is gone stays as it was, even with IPv6 left', async (t) => {
  const [lan] = selectLans([{ ...link('etha', '198.18.1.1'), ifindex: 3 }], ['etha'])
  const bare = { ...v6link('etha', 'fd00:1::1', 3) }
  const next = follow(lan!, [bare])
  t.equal(formatIPv4(next.address), '198.18.1.1', 'still probed over IPv4 when the address returns')
  t.notOk(isIPv6Only(next))
})
