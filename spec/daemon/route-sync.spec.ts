// The kernel check of lib/daemon/route-sync.ts: the tables are read only when the kernel may have changed.
import t from 'tap'
import { RouteSync } from '../../lib/daemon/route-sync.js'
import type { RouteTable } from '../../lib/host/route-table.js'
import { capturingLogger } from '../support/capturing-logger.js'

function sync(watched: () => boolean) {
  const { log } = capturingLogger()
  let now = 0
  let reads = 0
  const routes = {
    reconcile: async () => {
      reads++
      return []
    },
    apply: async () => true,
  } as unknown as RouteTable
  const s = new RouteSync({
    log,
    routes,
    defer: (fn) => void setImmediate(fn),
    plan: () => ({ routes: [], routes6: [], waiting: 0, why: () => '' }),
    context: () => ({ table: 4207, thresholds: { failAfter: 3, upAfter: 3 }, label: () => 'A' }),
    now: () => now,
    watched,
  })
  /** One kernel check at `at`, waited for. */
  const check = async (at: number) => {
    now = at
    s.reconcile()
    await new Promise((r) => setImmediate(r))
  }
  return { s, check, reads: () => reads }
}

t.test('watched: read at the first check, then only after a change, and once a minute anyway', async (t) => {
  const { s, check, reads } = sync(() => true)
  await check(0)
  t.equal(reads(), 1, 'the first check reads')
  for (let at = 1000; at < 10_000; at += 1000) await check(at)
  t.equal(reads(), 1, 'nothing changed: nothing read for nine checks')
  s.kernelChanged()
  await check(10_000)
  t.equal(reads(), 2, 'a monitor line: read at the next check')
  await check(11_000)
  t.equal(reads(), 2, 'once')
  await check(70_000)
  t.equal(reads(), 3, 'a minute on: read anyway')
})

t.test('not watched (the monitor is down): read at every check, as before', async (t) => {
  const { check, reads } = sync(() => false)
  for (let at = 0; at < 5000; at += 1000) await check(at)
  t.equal(reads(), 5)
})
