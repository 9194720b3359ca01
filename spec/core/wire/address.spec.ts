// IP address text and bytes (lib/core/wire/address.ts), checked against node:net and WHATWG URL's IPv6 text.
import { isIPv4, isIPv6 } from 'node:net'
import t from 'tap'
import { type Family, formatAddress, parseAddress } from '../../../lib/core/wire/address.js'

const hexOf = (text: string): string | undefined => {
  const a = parseAddress(text)
  return a && `${a.family}:${Buffer.from(a.bytes).toString('hex')}`
}

const parses: Array<[string, string | undefined]> = [
  ['198.18.0.1', '4:c6120001'],
  ['0.0.0.0', '4:00000000'],
  ['255.255.255.255', '4:ffffffff'],
  ['256.0.0.1', undefined],
  ['01.2.3.4', undefined],
  ['1.2.3', undefined],
  ['1.2.3.4.5', undefined],
  [' 1.2.3.4', undefined],
  ['', undefined],
  ['::', '6:00000000000000000000000000000000'],
  ['::1', '6:00000000000000000000000000000001'],
  ['1::', '6:00010000000000000000000000000000'],
  ['2001:DB8::1', '6:20010db8000000000000000000000001'],
  ['2001:db8:0:0:1:0:0:1', '6:20010db8000000000001000000000001'],
  ['1:2:3:4:5:6:7::', '6:00010002000300040005000600070000'],
  ['::2:3:4:5:6:7:8', '6:00000002000300040005000600070008'],
  ['::ffff:198.18.0.1', '6:00000000000000000000ffffc6120001'],
  ['64:ff9b::198.18.0.1', '6:0064ff9b0000000000000000c6120001'],
  ['1:2:3:4:5:6:198.18.0.1', '6:000100020003000400050006c6120001'],
  ['1:2:3:4:5:6:7:8:9', undefined],
  ['1:2:3:4::5:6:7:8', undefined],
  ['1:2:3:4:5:6:7', undefined],
  [':::', undefined],
  ['1::2::3', undefined],
  [':1::2', undefined],
  ['1::2:', undefined],
  ['12345::', undefined],
  ['g::', undefined],
  ['1.2.3.4::', undefined],
  ['::1.2.3.4:5', undefined],
  ['::1.2.3', undefined],
  ['fe80::1%eth0', undefined],
]

for (const [text, want] of parses) {
  t.test(`parse ${JSON.stringify(text)}`, async (t) => {
    t.equal(hexOf(text), want)
    if (want) t.ok(want.startsWith('4') ? isIPv4(text) : isIPv6(text), 'node:net agrees')
  })
}

const formats: Array<[Family, string, string]> = [
  [4, 'c6120001', '198.18.0.1'],
  [6, '20010db8000000000000000000000001', '2001:db8::1'],
  [6, '20010db8000000010000000000000001', '2001:db8:0:1::1'],
  [6, '20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
  [6, '20010db800000001000100010001000a', '2001:db8:0:1:1:1:1:a'],
  [6, '00000000000000000000000000000001', '::1'],
  [6, '00000000000000000000000000000000', '::'],
  [6, '00010000000000000000000000000000', '1::'],
  [6, 'fd00abcd00000000000000000000ffff', 'fd00:abcd::ffff'],
  [6, '00000000000000000000ffffc6120001', '::ffff:198.18.0.1'],
]

for (const [family, hex, text] of formats) {
  t.test(`format ${text}`, async (t) => {
    t.equal(formatAddress(family, Buffer.from(hex, 'hex')), text)
    t.equal(hexOf(text), `${family}:${hex}`)
  })
}

/** mulberry32, seeded. */
let seed = 5952
function rand(): number {
  seed = (seed + 0x6d2b79f5) >>> 0
  let x = Math.imul(seed ^ (seed >>> 15), seed | 1)
  x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
  return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32
}
const int = (n: number): number => Math.floor(rand() * n)

t.test('20,000 random IPv6 addresses: the text is RFC 5952 as WHATWG URL writes it, and parses back', async (t) => {
  const bad: string[] = []
  for (let i = 0; i < 20_000; i++) {
    // Many zero groups, so runs of every length and ties occur; small groups test leading zeros.
    const groups = Array.from({ length: 8 }, () => (rand() < 0.5 ? 0 : rand() < 0.5 ? int(16) : int(65536)))
    const b = Buffer.alloc(16)
    groups.forEach((g, k) => b.writeUInt16BE(g, 2 * k))
    const text = formatAddress(6, b)
    const mapped = groups.slice(0, 6).join() === '0,0,0,0,0,65535'
    const url = new URL(`http://[${text}]/`).hostname.slice(1, -1)
    if ((!mapped && url !== text) || !isIPv6(text) || hexOf(text) !== `6:${b.toString('hex')}`) bad.push(text)
  }
  t.same(bad.slice(0, 5), [])
})

t.test('20,000 random strings: what parses, node:net takes as the same family', async (t) => {
  const bad: string[] = []
  let parsed = 0
  for (let i = 0; i < 20_000; i++) {
    const text = Array.from({ length: 1 + int(24) }, () => '0123456789abcdefABCDEF:::...'[int(28)]).join('')
    const a = parseAddress(text)
    if (a) parsed++
    const node = isIPv4(text) ? 4 : isIPv6(text) ? 6 : undefined
    if (a?.family !== node) bad.push(text)
  }
  t.same(bad.slice(0, 5), [])
  t.ok(parsed > 50, `${parsed} parsed`)
})
