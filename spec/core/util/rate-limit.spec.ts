// The per-source token bucket of lib/rate-limit.ts under virtual time.
import t from 'tap'
import { RateLimiter } from '../../../lib/core/util/rate-limit.js'

t.test('a burst is allowed, then the rate; other sources are not affected', async (t) => {
  const r = new RateLimiter({ rate: 100, burst: 10, maxSources: 10 })
  let ok = 0
  for (let i = 0; i < 50; i++) if (r.allow(1, 0)) ok++
  t.equal(ok, 10, 'the burst')
  t.ok(r.allow(2, 0), 'another source has its own bucket')
  ok = 0
  for (let ms = 1; ms <= 1000; ms++) if (r.allow(1, ms)) ok++
  t.ok(ok >= 99 && ok <= 101, `then about 100 a second (${ok})`)
})

t.test('memory is bounded: quiet sources are forgotten, a flood of new ones shares one bucket', async (t) => {
  const r = new RateLimiter({ rate: 100, burst: 10, maxSources: 100 })
  for (let src = 0; src < 100; src++) r.allow(src, 0)
  t.equal(r.sources, 100)
  let ok = 0
  for (let src = 1000; src < 11_000; src++) if (r.allow(src, 1)) ok++
  t.equal(r.sources, 101, 'at most maxSources + the shared bucket')
  t.equal(ok, 10, 'ten thousand invented sources get one burst between them')
  t.ok(r.allow(5000, 2000), 'once the old sources are quiet, a new one gets its own bucket again')
})

t.test('sources at the top of the address space have buckets of their own, apart from the shared one', async (t) => {
  // 255.255.255.255 as a signed 32-bit key is -1: it must not be the shared bucket's key.
  const r = new RateLimiter({ rate: 1, burst: 1, maxSources: 2 })
  t.ok(r.allow(0xffffffff, 0))
  t.ok(r.allow(0x7fffffff, 0))
  t.ok(r.allow(0x0a000001, 0), 'a third source gets the shared bucket')
  t.notOk(r.allow(0x0a000002, 0), 'and a fourth shares it')
  t.notOk(r.allow(0xffffffff, 0), 'the first spent its own burst')
})

t.test('a bucket held spends as allow() does, until it is swept; one sharing the overflow is not held', async (t) => {
  const r = new RateLimiter({ rate: 10, burst: 2, maxSources: 2 })
  const other = new RateLimiter({ rate: 10, burst: 2, maxSources: 2 })
  t.ok(r.allow(1, 0))
  t.ok(other.allow(1, 0))
  const b = r.bucket(1)!
  for (const now of [0, 0, 50, 100, 100, 300]) t.equal(r.spend(b, now), other.allow(1, now), `at ${now} ms`)
  r.allow(2, 300)
  t.equal(r.bucket(3), undefined, 'a source with no bucket of its own')
  r.allow(3, 10_000) // the table is full: quiet sources are swept first
  t.equal(r.spend(b, 10_000), undefined, 'swept: ask allow() again')
})
