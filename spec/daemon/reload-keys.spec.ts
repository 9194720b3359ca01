// Every key of faild.json, changed by a reload of a running daemon: applied at once, or reported as
// waiting for a restart with its running value kept. A new key that is neither fails here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import t from 'tap'
import { loadOptions } from '../../lib/config/load.js'
import { RESTART_KEYS } from '../../lib/config/restart.js'
import { CONFIG_SCHEMA } from '../../lib/config/schema.js'
import type { Options } from '../../lib/config/types.js'
import { Service } from '../../lib/daemon/service.js'
import { makeLogger } from '../../lib/host/log.js'
import { carrier, ip, Sockets, StallClock } from './one-host.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-reload-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const file = join(dir, 'faild.json')
const key = (n: number) => {
  const path = join(dir, `key${n}`)
  writeFileSync(path, `${String(n).repeat(32)}\n`, { mode: 0o600 })
  return path
}
const BASE = { requestor: true, interval: 0.1, lans: [{ interface: 'etha' }, { interface: 'ethb' }], keyFile: key(1) }

/** A different value for every key (and what else it needs to be valid). */
const CHANGES: Record<string, object> = {
  requestor: { requestor: false },
  interval: { interval: 0.2 },
  failAfter: { failAfter: 7 },
  upAfter: { upAfter: 4 },
  port: { port: 4300 },
  logFile: { logFile: join(dir, 'faild.log') },
  logLevel: { logLevel: 'warn' },
  logFormat: { logFormat: 'json' },
  logPackets: { logPackets: true, logLevel: 'debug' },
  lans: { lans: [{ interface: 'etha', label: 'X' }, { interface: 'ethb' }] },
  nodeId: { nodeId: '198.18.9.9' },
  staticPeers: { staticPeers: ['198.18.1.5'] },
  ignorePeers: { ignorePeers: ['198.18.1.6'] },
  routes: { routes: [{ prefix: '198.19.0.0/16', via: ['198.18.1.254'] }] },
  failback: { failback: false },
  notify: { notify: '/bin/true' },
  notifyTimeout: { notifyTimeout: 5 },
  controlSocket: { controlSocket: join(dir, 'sock') },
  metrics: { metrics: '127.0.0.1:9421' },
  metricsPublic: { metricsPublic: true },
  pidFile: { pidFile: join(dir, 'pid') },
  stateDir: { stateDir: join(dir, 'state') },
  keyFile: { keyFile: key(2) },
  cluster: { cluster: 'c1' },
  flapDamping: { flapDamping: { enabled: false } },
  rateLimit: { rateLimit: 500 },
  maxPeers: { maxPeers: 10 },
  wireVersion: { wireVersion: 1 },
  dynamicInterfaces: { dynamicInterfaces: true },
  targets: { targets: [{ address: '198.18.1.254' }] },
  addresses: { addresses: [{ address: '198.18.1.100/24', interfaces: ['etha', 'ethb'] }] },
  dryRun: { dryRun: true },
  table: { table: 4300 },
  rulePriority: { rulePriority: 31000 },
}

function options(c: object): Options {
  writeFileSync(file, JSON.stringify(c))
  const r = loadOptions(file, {})
  if (!r.ok) throw new Error(r.errors.join('; '))
  return r.options
}

const keys = Object.keys(CONFIG_SCHEMA.properties).filter((k) => k !== '$schema') as Array<keyof Options>
t.same(
  keys.filter((k) => !(k in CHANGES)),
  [],
  'the spec has a change for every key of the schema',
)

for (const k of keys) {
  const restart = RESTART_KEYS.includes(k as (typeof RESTART_KEYS)[number])
  t.test(`${k}: ${restart ? 'waits for a restart' : 'applied by a reload'}`, async (t) => {
    const before = options(BASE)
    const log = makeLogger({ level: 'info', silent: true })
    const deps = { clock: new StallClock(), ip, socketFactory: new Sockets().factory, carrierWatch: () => carrier }
    const svc = new Service(before, { configFile: file, flags: {} }, log, deps)
    await svc.daemon.start()
    t.teardown(() => svc.daemon.stop())
    const after = options({ ...BASE, ...CHANGES[k] })
    t.notOk(isDeepStrictEqual(before[k], after[k]), 'the change changes the key')
    const r = await svc.reload('spec')
    t.equal(r.ok, true, r.ok ? 'reloaded' : r.error)
    const running = svc.daemon.options[k]
    if (restart) {
      t.match(r, { message: new RegExp(`applied only at restart: .*\\b${k}\\b`) }, 'reported as waiting')
      t.same(running, before[k], 'the running value is kept')
    } else {
      t.notMatch(r, { message: /applied only at restart/ }, 'nothing waits')
      t.same(running, after[k], 'the new value runs')
    }
  })
}
