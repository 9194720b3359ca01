// Dotted-quad conversions of lib/core/util/ipv4.ts.
import t from 'tap'
import { formatIPv4, isHostOn, parseIPv4, sameSubnet } from '../../../lib/core/util/ipv4.js'

t.test('parse and format round-trip', async (t) => {
  for (const s of ['0.0.0.0', '198.18.1.2', '255.255.255.255']) t.equal(formatIPv4(parseIPv4(s)!), s)
  t.equal(parseIPv4('198.18.1.2'), 0xc6120102)
  t.equal(parseIPv4('010.001.0.07'), 0x0a010007, 'leading zeros are decimal, as before')
})

t.test('rejects anything but four decimal octets', async (t) => {
  const bad = ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.x', ' 1.2.3.4', '1.2.3.4 ', '1..3.4', '0x1.2.3.4']
  for (const s of [...bad, '1.2.3.4.', '.1.2.3', '1.2.3.', '1.2.3.256', '1.2.3.1000', '1.2.3.-4', '1.2.3.4/8']) {
    t.equal(parseIPv4(s), undefined, JSON.stringify(s))
  }
})

t.test('sameSubnet', async (t) => {
  t.ok(sameSubnet(parseIPv4('198.18.1.2')!, parseIPv4('198.18.1.200')!, 24))
  t.notOk(sameSubnet(parseIPv4('198.18.1.2')!, parseIPv4('198.18.2.2')!, 24))
  t.ok(sameSubnet(1, 0xffffffff, 0))
})

t.test('isHostOn: a unicast host of the subnet, not its network or broadcast address, nothing special', async (t) => {
  const ip = (s: string) => parseIPv4(s)!
  const on = (a: string, net: string, len: number) => isHostOn(ip(a), ip(net), len)
  t.ok(on('198.18.1.2', '198.18.1.1', 24))
  t.ok(on('198.18.1.254', '198.18.1.1', 24))
  t.notOk(on('198.18.2.2', '198.18.1.1', 24), 'another subnet')
  t.notOk(on('8.8.8.8', '198.18.1.1', 24), 'a public address')
  t.notOk(on('198.18.1.0', '198.18.1.1', 24), 'the network address')
  t.notOk(on('198.18.1.255', '198.18.1.1', 24), 'the broadcast address')
  t.notOk(on('198.19.255.255', '198.18.0.1', 15), 'the broadcast address of a /15')
  t.ok(on('198.18.1.0', '198.18.0.1', 16), 'x.x.1.0 is a host in a /16')
  t.ok(on('198.18.1.0', '198.18.1.1', 31), 'a /31 has no network or broadcast address')
  t.ok(on('198.18.1.1', '198.18.1.0', 31))
  t.notOk(on('198.18.1.2', '198.18.1.1', 32), 'a /32 holds one address')
  for (const a of ['0.0.0.0', '0.1.2.3', '127.0.0.1', '224.0.0.1', '239.1.2.3', '240.0.0.1', '255.255.255.255'])
    t.notOk(on(a, a, 0), `${a} is never a host, whatever the subnet`)
  t.ok(on('10.1.2.3', '10.0.0.1', 8))
  t.ok(on('10.1.2.3', '198.18.1.1', 0), 'a /0 holds every host')
})
