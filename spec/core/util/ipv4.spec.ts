// Dotted-quad conversions of lib/ipv4.ts.
import t from 'tap'
import { formatIPv4, parseIPv4, sameSubnet } from '../../../lib/core/util/ipv4.js'

t.test('parse and format round-trip', async (t) => {
  for (const s of ['0.0.0.0', '198.18.1.2', '255.255.255.255']) t.equal(formatIPv4(parseIPv4(s)!), s)
  t.equal(parseIPv4('198.18.1.2'), 0xc6120102)
})

t.test('rejects anything but four decimal octets', async (t) => {
  for (const s of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.x', ' 1.2.3.4', '1.2.3.4 ', '1..3.4', '0x1.2.3.4']) {
    t.equal(parseIPv4(s), undefined, JSON.stringify(s))
  }
})

t.test('sameSubnet', async (t) => {
  t.ok(sameSubnet(parseIPv4('198.18.1.2')!, parseIPv4('198.18.1.200')!, 24))
  t.notOk(sameSubnet(parseIPv4('198.18.1.2')!, parseIPv4('198.18.2.2')!, 24))
  t.ok(sameSubnet(1, 0xffffffff, 0))
})
