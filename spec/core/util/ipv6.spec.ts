// IPv6 addresses of lib/core/util/ipv6.ts: text and bytes, subnets, kinds, hosts of a subnet.
import t from 'tap'
import {
  formatIPv6,
  isHostOn6,
  isLinkLocal6,
  isRoutable6,
  kindOf6,
  parseIPv6,
  sameIPv6,
  sameSubnet6,
} from '../../../lib/core/util/ipv6.js'

const ip = (s: string) => {
  const a = parseIPv6(s)
  if (!a) throw new Error(`not IPv6: ${s}`)
  return a
}

t.test('parse and format: 16 bytes, RFC 5952 text back (the wire parser and formatter)', async (t) => {
  t.equal(Buffer.from(ip('2001:DB8::1')).toString('hex'), '20010db8000000000000000000000001')
  const cases: Array<[string, string]> = [
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['fd00:0a:0:0:1:0:0:0', 'fd00:a:0:0:1::'],
    ['fe80::0001', 'fe80::1'],
    ['::', '::'],
  ]
  for (const [text, canonical] of cases) t.equal(formatIPv6(ip(text)), canonical, text)
})

t.test('anything but IPv6 text is refused, IPv4 included', async (t) => {
  for (const s of [
    '198.18.1.1',
    '',
    'fe80::1%eth0' /* no zone id: a route or a packet has none */,
    '1::2::3',
    '12345::',
    'g::1',
    ' ::1',
  ])
    t.equal(parseIPv6(s), undefined, JSON.stringify(s))
})

t.test('sameIPv6 compares bytes', async (t) => {
  t.ok(sameIPv6(ip('2001:db8::1'), ip('2001:0db8:0::1')))
  t.notOk(sameIPv6(ip('2001:db8::1'), ip('2001:db8::2')))
})

t.test('sameSubnet6 at whole-byte, odd and extreme prefix lengths', async (t) => {
  const a = ip('2001:db8:1:2::1')
  t.ok(sameSubnet6(a, ip('2001:db8:1:2:ffff::9'), 64))
  t.notOk(sameSubnet6(a, ip('2001:db8:1:3::1'), 64))
  t.ok(sameSubnet6(a, ip('2001:db8:1:3::1'), 63), '2 and 3 share their first 15 bits')
  t.notOk(sameSubnet6(a, ip('2001:db8:1:4::1'), 63))
  t.ok(sameSubnet6(ip('fd00:1::1'), ip('fd00:1::7'), 125))
  t.notOk(sameSubnet6(ip('fd00:1::1'), ip('fd00:1::9'), 125))
  t.ok(sameSubnet6(a, ip('ff02::1'), 0), 'a /0 holds everything')
  t.ok(sameSubnet6(a, ip('2001:db8:1:2::1'), 128))
  t.notOk(sameSubnet6(a, ip('2001:db8:1:2::2'), 128))
})

t.test('kinds: global and ULA are routable, link-local is the LAN own, the rest is no host', async (t) => {
  const kinds: Array<[string, string]> = [
    ['2001:db8::1', 'global'],
    ['2a00:1450::1', 'global'],
    ['fd00:1::1', 'ula'],
    ['fc00::1', 'ula'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'global'], // deprecated site-local (RFC 3879): global unicast since
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:198.18.1.1', 'v4-mapped'],
    ['::2', 'global'],
  ]
  for (const [a, kind] of kinds) t.equal(kindOf6(ip(a)), kind, a)
  t.same(
    kinds.filter(([a]) => isRoutable6(ip(a))).map(([a]) => a),
    ['2001:db8::1', '2a00:1450::1', 'fd00:1::1', 'fc00::1', 'fec0::1', '::2'],
  )
  t.same(
    kinds.filter(([a]) => isLinkLocal6(ip(a))).map(([a]) => a),
    ['fe80::1', 'febf::1'],
  )
})

t.test('isHostOn6: a routable address inside the subnet, not its subnet-router anycast address', async (t) => {
  const on = (a: string, net: string, len: number) => isHostOn6(ip(a), ip(net), len)
  t.ok(on('2001:db8:1::2', '2001:db8:1::1', 64))
  t.ok(on('fd00:1:a::ffff', 'fd00:1:a::1', 64))
  t.notOk(on('2001:db8:2::2', '2001:db8:1::1', 64), 'another subnet')
  t.notOk(on('2001:db8:1::', '2001:db8:1::1', 64), 'the subnet-router anycast address')
  t.ok(on('2001:db8:1::', '2001:db8:1::1', 127), 'a /127 (RFC 6164) has none')
  t.ok(on('2001:db8:1::1', '2001:db8:1::1', 128))
  t.notOk(on('2001:db8:1::2', '2001:db8:1::1', 128), 'a /128 holds one address')
  t.notOk(on('fe80::2', 'fe80::1', 64), 'link-local: a LAN own, never a routed host')
  for (const a of ['::', '::1', 'ff02::1', '::ffff:198.18.1.1'])
    t.notOk(on(a, a, 0), `${a} is never a host, whatever the subnet`)
  t.ok(on('2001:db8:ffff::1', 'fd00::1', 0), 'a /0 holds every routable host')
})
