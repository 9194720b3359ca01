// IPv6 routes of lib/core/routes/route6.ts: slot keys, equality by bytes, log text.
import t from 'tap'
import { changeSetBy } from '../../../lib/core/routes/diff.js'
import { describeRoute6, type Route6, route6Key, sameRoute6 } from '../../../lib/core/routes/route6.js'
import { parseIPv6 } from '../../../lib/core/util/ipv6.js'

const ip = (s: string) => parseIPv6(s)!
const r: Route6 = {
  table: 4207,
  len: 128,
  dst: ip('fd00:1:a::2'),
  via: ip('fd00:1:b::2'),
  dev: 'ethb',
  src: ip('fd00:1:a::1'),
}

t.test('a slot is table, destination and length, in canonical text', async (t) => {
  t.equal(route6Key(r), '4207:fd00:1:a::2/128')
  t.equal(route6Key({ ...r, dst: ip('fd00:1:a:0:0:0:0:2') }), route6Key(r), 'bytes, not spelling')
})

t.test('sameRoute6 compares every field by value; on-link differs from via', async (t) => {
  t.ok(sameRoute6(r, { ...r, dst: ip('fd00:1:a::2'), via: ip('fd00:1:b::2'), src: ip('fd00:1:a::1') }))
  const { via: _, ...onLink } = r
  t.notOk(sameRoute6(r, onLink))
  t.ok(sameRoute6(onLink, { ...onLink }))
  for (const other of [
    { via: ip('fd00:1:b::3') },
    { src: ip('fd00:1:a::9') },
    { dev: 'ethc' },
    { table: 4208 },
    { len: 64 },
    { dst: ip('fd00:1:a::3') },
  ])
    t.notOk(sameRoute6(r, { ...r, ...other }), JSON.stringify(Object.keys(other)))
})

t.test('describeRoute6: host routes without /128, others with their length', async (t) => {
  t.equal(describeRoute6(r), 'fd00:1:a::2 via fd00:1:b::2 dev ethb src fd00:1:a::1')
  const { via: _, ...onLink } = r
  t.equal(describeRoute6({ ...onLink, dst: ip('::'), len: 0 }), '::/0 dev ethb src fd00:1:a::1')
})

t.test('changeSetBy diffs IPv6 routes slot by slot', async (t) => {
  const moved = { ...r, via: ip('fd00:1:c::2'), dev: 'ethc' }
  const other = { ...r, dst: ip('fd00:1:a::3') }
  t.same(changeSetBy([r, other], [moved], route6Key, sameRoute6), { add: [], change: [moved], remove: [other] })
})
