// Which keys a reload applies and which wait for a restart: every schema key is one or the other.
import t from 'tap'
import { resolveConfig } from '../../lib/config/resolve.js'
import { keepRestartKeys, pendingRestart, RESTART_KEYS } from '../../lib/config/restart.js'
import { CONFIG_SCHEMA } from '../../lib/config/schema.js'
import type { Options } from '../../lib/config/types.js'

/**
 * What a reload applies while faild runs (lib/daemon/reload.ts applyReload, through daemon.ts
 * reconfigure() and service.ts reload()), and how. A new key goes here only once the daemon
 * applies it; otherwise mark it "x-restart" in the schema. Everything else is bound at start: the
 * sockets, the engine's identity, the route table.
 */
const APPLIED_ON_RELOAD: Readonly<Record<string, string>> = {
  $schema: 'ignored by faild: nothing to apply',
  interval: 'engine.configure(tunables), the tick and reconcile timers, the rate limit',
  failAfter: 'engine.configure(tunables)',
  upAfter: 'engine.configure(tunables)',
  staticPeers: 'engine.configure(tunables): the unicast lists',
  ignorePeers: 'engine.configure(tunables)',
  flapDamping: 'engine.configure(tunables)',
  routes: 'placeGateways, then routes.setGatewayLengths',
  failback: 'placeGateways: each gateway route keeps it, read at every plan',
  rateLimit: 'a new RateLimiter',
  maxPeers: "engine.configure(tunables): the peer table bound, and the rate limiter's source bound",
  logFile: 'reconfigureLogger (service.ts)',
  logLevel: 'reconfigureLogger (service.ts)',
  logFormat: 'reconfigureLogger (service.ts)',
  logPackets: 'read for every packet',
  notify: 'the Notifier (service.ts)',
  notifyTimeout: 'the Notifier (service.ts)',
}

type Property = { 'x-restart'?: unknown; properties?: Record<string, Property>; items?: Property }
const properties = CONFIG_SCHEMA.properties as unknown as Record<string, Property>

function options(file: Record<string, unknown> = {}): Options {
  const r = resolveConfig(file, {})
  if (!r.ok) throw new Error(r.errors.join('; '))
  return r.options
}

t.test('every key of the schema is either restart-only or applied on reload, never both', async (t) => {
  for (const [key, p] of Object.entries(properties)) {
    const restart = p['x-restart'] === true
    const applied = key in APPLIED_ON_RELOAD
    const what = restart ? 'restart-only' : applied ? 'applied on reload' : 'NEITHER: decide'
    t.ok(restart !== applied, `${key}: ${what}`)
  }
  for (const key of Object.keys(APPLIED_ON_RELOAD)) t.ok(key in properties, `${key} is a key of the schema`)
})

t.test('the mark is `"x-restart": true` on top-level keys only', async (t) => {
  const nested = (p: Property): Property[] => [...Object.values(p.properties ?? {}), ...(p.items ? [p.items] : [])]
  const marks = (p: Property): number => nested(p).reduce((n, q) => n + ('x-restart' in q ? 1 : 0) + marks(q), 0)
  for (const [key, p] of Object.entries(properties)) {
    if ('x-restart' in p) t.equal(p['x-restart'], true, `${key}: true or absent`)
    t.equal(marks(p), 0, `${key}: no mark inside it`)
  }
})

t.test('RESTART_KEYS: what is bound at start, in schema order', async (t) => {
  t.same(RESTART_KEYS, [
    'requestor', // the engine's role
    'port', // the sockets
    'lans', // the sockets and the engine's addresses
    'nodeId', // the engine's identity
    'targets', // a prober per target, placed on the LANs
    'addresses', // claimed at start, with their reply rules
    'controlSocket', // bound by faild.ts main()
    'metrics', // the HTTP server, bound by faild.ts main()
    'metricsPublic', // checked when it is bound
    'pidFile', // the lock, held by main()
    'stateDir', // the boot counter, taken once per start
    'keyFile', // its presence sets authenticated; its contents are re-read on reload all the same
    'cluster', // the engine's cluster tag
    'wireVersion', // what every packet is encoded as, and whom it reaches
    'dynamicInterfaces', // how the LANs are found at start
    'dryRun', // the route table
    'table', // the route table
    'rulePriority', // the route table
  ])
})

t.test('pendingRestart names the restart-only keys a reload changed, nothing else', async (t) => {
  const before = options({ lans: [{ interface: 'eth0' }, { interface: 'eth1' }] })
  t.same(pendingRestart(before, before), [])
  const again = options({ lans: [{ interface: 'eth0' }, { interface: 'eth1' }] })
  t.same(pendingRestart(before, again), [], 'equal, not the same object')
  t.same(pendingRestart(before, { ...before, failAfter: 9, routes: [], interval: 0.1, logPackets: true }), [])
  t.same(pendingRestart(before, { ...before, cluster: 'x', port: 5000 }), ['port', 'cluster'], 'schema order')
  t.same(pendingRestart(before, { ...before, keyFile: '/etc/faild.key' }), ['keyFile'], 'a key file added')
  t.same(pendingRestart({ ...before, keyFile: '/etc/faild.key' }, before), ['keyFile'], 'a key file removed')
  const relabelled = options({ lans: [{ interface: 'eth0', label: 'north' }, { interface: 'eth1' }] })
  t.same(pendingRestart(before, relabelled), ['lans'], 'a change deep inside a key')
})

t.test('keepRestartKeys: the reloaded options with the running restart-only keys', async (t) => {
  const before = options({ port: 5000, cluster: 'a' })
  const after = options({ port: 6000, cluster: 'b', failAfter: 7, keyFile: '/etc/faild.key' })
  const kept = keepRestartKeys(before, after)
  t.match(kept, { port: 5000, cluster: 'a', keyFile: undefined, failAfter: 7 })
  t.same(pendingRestart(before, kept), [], 'nothing left that waits')
  t.same(Object.keys(kept).sort(), Object.keys(after).sort(), 'every option, none added')
})
