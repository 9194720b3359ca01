// LAN selection of lib/interfaces.ts from `ip -json addr show` output.
import t from 'tap'
import { type IpLink, selectLans } from '../../lib/core/lans.js'
import { formatIPv4 } from '../../lib/core/util/ipv4.js'

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
]
const show = (lans: ReturnType<typeof selectLans>) =>
  lans.map((l) => `${l.label}=${l.iface} ${formatIPv4(l.address)}/${l.prefixLen} brd ${formatIPv4(l.broadcast)}`)

t.test('default: every up, non-loopback interface with an IPv4 broadcast address, in name order', async (t) => {
  t.same(show(selectLans(links, [])), [
    'A=etha 198.18.1.1/24 brd 198.18.1.255',
    'B=ethb 198.18.2.1/24 brd 198.18.2.255',
  ])
})

t.test('named interfaces keep the order given', async (t) => {
  t.same(show(selectLans(links, ['ethb', 'etha'])), [
    'A=ethb 198.18.2.1/24 brd 198.18.2.255',
    'B=etha 198.18.1.1/24 brd 198.18.1.255',
  ])
})

const bad: Array<[string, string[], RegExp]> = [
  ['an interface that does not exist', ['etha', 'eth9'], /'eth9': no such interface/],
  ['an interface without IPv4 broadcast', ['tun0'], /'tun0': has no IPv4 address with a broadcast/],
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
