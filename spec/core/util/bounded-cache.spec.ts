import t from 'tap'
import { BoundedCache } from '../../../lib/core/util/bounded-cache.js'

t.test('keeps what it was given until it is full', async (t) => {
  const c = new BoundedCache<number, string>(3)
  t.equal(c.set(1, 'a'), 'a', 'set returns the value')
  c.set(2, 'b')
  t.equal(c.get(1), 'a')
  t.ok(c.has(2))
  t.notOk(c.has(3))
  t.equal(c.get(3), undefined)
})

t.test('forgets everything when a new key would pass the bound', async (t) => {
  const c = new BoundedCache<number, string>(2)
  c.set(1, 'a')
  c.set(2, 'b')
  c.set(3, 'c')
  t.equal(c.size, 1, 'never more than the bound')
  t.notOk(c.has(1))
  t.equal(c.get(3), 'c')
})

t.test('a flood of distinct keys stays within the bound', async (t) => {
  const c = new BoundedCache<number, number>(100)
  let most = 0
  for (let i = 0; i < 10_000; i++) {
    c.set(i, i)
    most = Math.max(most, c.size)
  }
  t.equal(most, 100)
})

t.test('a key kept with undefined is known (a text that is no address is not parsed again)', async (t) => {
  const c = new BoundedCache<string, number | undefined>(4)
  c.set('not an address', undefined)
  t.ok(c.has('not an address'))
  t.equal(c.get('not an address'), undefined)
})
