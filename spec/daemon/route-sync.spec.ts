// lib/daemon/route-sync.ts and the RouteWriter it applies through: the kernel is read only when it may have changed; IPv6 swaps are applied, logged and told to the hook.
import t from 'tap'
import type { NotifyEvent } from '../../lib/core/report/change-log.js'
import type { Route } from '../../lib/core/routes/route.js'
import type { Route6 } from '../../lib/core/routes/route6.js'
import { parseIPv6 } from '../../lib/core/util/ipv6.js'
import { RouteSync, type RouteSyncDeps } from '../../lib/daemon/route-sync.js'
import type { RouteTable } from '../../lib/host/route-table.js'
import { capturingLogger } from '../support/capturing-logger.js'

/** A RouteSync over `routes`, the rest plain (nothing planned, the clock at 0, no monitor), with `over` on top. */
function routeSync(routes: object, over: Partial<RouteSyncDeps> = {}): RouteSync {
  return new RouteSync({
    log: capturingLogger().log,
    routes: routes as RouteTable,
    defer: (fn) => void setImmediate(fn),
    plan: () => ({ routes: [], routes6: [], waiting: 0, why: () => '' }),
    context: () => ({ table: 4207, thresholds: { failAfter: 3, upAfter: 3 }, label: () => 'A' }),
    now: () => 0,
    watched: () => false,
    ...over,
  })
}

function sync(watched: () => boolean) {
  let now = 0
  let reads = 0
  const routes = {
    reconcile: async () => {
      reads++
      return []
    },
    apply: async () => true,
  } as unknown as RouteTable
  const s = routeSync(routes, { now: () => now, watched })
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

/** A host route's detour over LAN B. */
const ROUTE: Route = { table: 4207, len: 32, dst: 0xc6120102, via: 0xc6130102, dev: 'ethb', src: 0xc6130101 }

const ip6 = (s: string) => parseIPv6(s)!
const SWAP6: Route6 = {
  table: 4207,
  dst: ip6('fd00:1:a::2'),
  len: 128,
  via: ip6('fd00:1:b::2'),
  dev: 'ethb',
  src: ip6('fd00:1:a::1'),
}

t.test('an IPv6 swap: applied, logged and told to the notify hook as add, then remove on restore', async (t) => {
  const { log, at } = capturingLogger()
  const events: NotifyEvent[] = []
  const applied: Array<readonly Route6[]> = []
  let routes6: Route6[] = []
  const s = routeSync(
    { apply: async () => true, reconcile: async () => [] },
    {
      log,
      routes6: () => ({
        apply: async (r: readonly Route6[]) => {
          applied.push(r)
          return true
        },
        reconcile: async () => [],
      }),
      notify: (e) => events.push(e),
      plan: () => ({ routes: [], routes6, waiting: 0, why: () => '' }),
      watched: () => true,
    },
  )
  const replan = async () => {
    s.queue([])
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
  }
  routes6 = [SWAP6]
  await replan()
  const route = 'fd00:1:a::2 via fd00:1:b::2 dev ethb src fd00:1:a::1'
  t.same(events, [{ event: 'route', route, action: 'add' }])
  t.same(at('info'), [`route ${route}`])
  t.same(s.target6, [SWAP6])
  t.same(applied, [[SWAP6]], 'applied through the IPv6 table')
  routes6 = []
  await replan()
  t.same(events.slice(1), [{ event: 'route', route, action: 'remove' }])
  t.same(at('info').slice(1), ['route fd00:1:a::2 restored to its own LAN'])
  t.same(applied.slice(1), [[]], 'withdrawn')
  await replan()
  t.equal(events.length, 2, 'no change: no event')
  t.equal(applied.length, 2, 'and no batch')
})

t.test("reconcile: the IPv6 table's differences are logged with the IPv4 ones and put right", async (t) => {
  const { log, at } = capturingLogger()
  let applies6 = 0
  const s = routeSync(
    { apply: async () => true, reconcile: async () => ['route 198.18.1.2 missing'] },
    {
      log,
      routes6: () => ({
        apply: async () => {
          applies6++
          return true
        },
        reconcile: async () => ['route fd00:1:a::2 missing'],
      }),
    },
  )
  s.reconcile()
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
  t.same(at('warn'), [
    'the kernel differs from what faild installed, putting it right: route 198.18.1.2 missing; route fd00:1:a::2 missing',
  ])
  t.equal(applies6, 1, 'the IPv6 table applied again')
})

t.test(
  'a reload renumbering the gateway tables is the one batch in flight: no apply or kernel check meanwhile',
  async (t) => {
    const events: string[] = []
    let renumbered: () => void = () => {}
    const routes = {
      reconcile: async () => {
        events.push('read')
        return []
      },
      apply: async () => {
        events.push('apply')
        return true
      },
      setGatewayLengths: () => {
        events.push('renumber')
        return new Promise<boolean>((done) => {
          renumbered = () => {
            events.push('renumbered')
            done(true)
          }
        })
      },
    } as unknown as RouteTable
    let planned = 0
    const plan = () => ({ routes: [{ ...ROUTE, dst: ROUTE.dst + planned++ }], routes6: [], waiting: 0, why: () => '' })
    const s = routeSync(routes, { plan })
    const turn = () => new Promise((r) => setImmediate(r))
    const regrouped = s.regroupGateways([24], 4207)
    await turn()
    s.queue([])
    await turn()
    s.reconcile()
    s.retry()
    await turn()
    t.same(events, ['renumber'], 'a plan, a kernel check and a retry wait for the renumbering')
    renumbered()
    await regrouped
    await turn()
    await turn()
    t.same(events.slice(0, 3), ['renumber', 'renumbered', 'apply'], 'then what was planned meanwhile is applied')
  },
)

t.test('a renumbering the kernel refuses fails the reload that asked, and stop() still resolves', async (t) => {
  const routes = {
    reconcile: async () => [],
    apply: async () => true,
    setGatewayLengths: async () => {
      throw new Error('cannot add ip rules: Operation not permitted')
    },
  } as unknown as RouteTable
  const s = routeSync(routes)
  await t.rejects(s.regroupGateways([24], 4207), /Operation not permitted/)
  await t.resolves(s.stop())
})
