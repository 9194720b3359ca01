// Reload is prepare-then-commit: a config that cannot be applied changes nothing, logger included.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { loadOptions } from '../../lib/config/load.js'
import { Service } from '../../lib/daemon/service.js'
import { logFileOf, makeLogger } from '../../lib/host/log.js'
import { carrier, ip, Sockets, StallClock } from './one-host.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-service-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const file = join(dir, 'faild.json')
const write = (c: object) => writeFileSync(file, JSON.stringify(c))
const key = join(dir, 'key')
const BASE = { requestor: true, interval: 0.1, lans: [{ interface: 'etha' }, { interface: 'ethb' }], keyFile: key }

async function service(t: Test, start: object = BASE) {
  writeFileSync(key, `${'k'.repeat(32)}\n`, { mode: 0o600 })
  chmodSync(key, 0o600)
  write(start)
  const loaded = loadOptions(file, {})
  if (!loaded.ok) throw new Error(loaded.errors.join('; '))
  const log = makeLogger({ level: 'info', silent: true, file: loaded.options.logFile })
  const deps = { clock: new StallClock(), ip, socketFactory: new Sockets().factory, carrierWatch: () => carrier }
  const svc = new Service(loaded.options, { configFile: file, flags: {} }, log, deps)
  await svc.daemon.start()
  t.teardown(() => svc.daemon.stop())
  return { svc, log }
}

const refused = [
  ['a static peer on none of the LANs', { staticPeers: ['198.19.9.9'] }],
  ['a gateway on none of the LANs', { routes: [{ prefix: '0.0.0.0/0', via: ['198.19.9.1'] }] }],
  ['a key file that group and others may read', {}],
] as const

for (const [what, change] of refused) {
  t.test(`a reload with ${what} is refused and changes nothing, not even the log`, async (t) => {
    const { svc, log } = await service(t)
    if (what.includes('key file')) chmodSync(key, 0o644)
    const newLog = join(dir, `new-${what.length}.log`)
    write({ ...BASE, ...change, logLevel: 'debug', logFile: newLog, failAfter: 7 })
    const r = await svc.reload('spec')
    t.equal(r.ok, false, 'refused')
    t.equal(log.level, 'info', 'the log level is the running one')
    t.notOk(existsSync(newLog), 'the new log file was never opened')
    t.equal(svc.daemon.options.failAfter, 3, 'the thresholds are the running ones')
  })
}

t.test('a reload is checked with the running values of the keys that change only at restart', async (t) => {
  const { svc } = await service(t, { ...BASE, table: 250 })
  // On its own the file passes (tables 300 to 304); faild keeps table 250, so it would use 251 to 254: main.
  const routes = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '0.0.0.0/0'].map((prefix) => ({
    prefix,
    via: ['198.18.1.254'],
  }))
  write({ ...BASE, table: 300, routes, failAfter: 7 })
  const r = await svc.reload('spec')
  t.match(r, {
    ok: false,
    error:
      /\/table: 253 is a kernel table .*faild uses tables 250 to 254 \(checked with the running table, which changes only at restart\)$/,
  })
  t.equal(svc.daemon.options.failAfter, 3, 'nothing applied')
  t.same(svc.daemon.options.routes, [], 'no gateway route')
  write({ ...BASE, table: 300, routes: routes.slice(0, 2), failAfter: 7 })
  t.match(await svc.reload('spec'), { ok: true, message: /changed but applied only at restart: table/ }, 'two fit')
})

t.test('a reload while faild stops is refused: the stop is removing the tables a reload would renumber', async (t) => {
  const { svc } = await service(t)
  write({ ...BASE, failAfter: 7 })
  const stopped = svc.daemon.stop()
  t.match(await svc.reload('spec'), { ok: false, error: 'faild is stopping: not reloaded' })
  await stopped
  t.equal(svc.daemon.options.failAfter, 3)
})

t.test('a good reload applies the log, the hook and the daemon together', async (t) => {
  const { svc, log } = await service(t)
  const newLog = join(dir, 'good.log')
  write({ ...BASE, logLevel: 'debug', logFile: newLog, failAfter: 7 })
  const r = await svc.reload('spec')
  t.match(r, { ok: true, message: /reloaded/ })
  t.equal(log.level, 'debug')
  t.equal(logFileOf(log)?.path, newLog, 'logs to the new file')
  t.equal(svc.daemon.options.failAfter, 7)
})

t.test('a deeply nested file is refused; reloads after any failure still work', async (t) => {
  const { svc } = await service(t)
  writeFileSync(file, `{"staticPeers": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`)
  t.match(await svc.reload('spec'), { ok: false, error: /nested deeper than 16 levels/ }, 'refused, not a crash')
  // A reload that throws, whatever the cause, leaves the queue working.
  const commit = svc.daemon.commit.bind(svc.daemon)
  svc.daemon.commit = async () => {
    throw new RangeError('Maximum call stack size exceeded')
  }
  write({ ...BASE, failAfter: 5 })
  t.match(await svc.reload('spec'), {
    ok: false,
    error: /the new config is running, but applying it failed part-way: Maximum call stack/,
  })
  svc.daemon.commit = commit
  const r = await svc.reload('spec')
  t.match(r, { ok: true }, 'the next reload works')
  t.equal(svc.daemon.options.failAfter, 5)
})

t.test('with no file at start, a reload reads the default file once it exists, and from then on', async (t) => {
  const made = join(dir, 'made-later.json')
  rmSync(made, { force: true })
  const flags = { lans: BASE.lans, requestor: true, interval: 0.1 }
  const loaded = loadOptions(undefined, flags)
  if (!loaded.ok) throw new Error(loaded.errors.join('; '))
  const deps = { clock: new StallClock(), ip, socketFactory: new Sockets().factory, carrierWatch: () => carrier }
  const log = makeLogger({ level: 'info', silent: true })
  const svc = new Service(loaded.options, { configFile: undefined, defaultFile: made, flags }, log, deps)
  await svc.daemon.start()
  t.teardown(() => svc.daemon.stop())
  t.match(await svc.reload('spec'), { ok: true, message: 'spec: config reloaded, log reopened' }, 'no file yet')
  writeFileSync(made, JSON.stringify({ failAfter: 7 }))
  t.match(await svc.reload('spec'), {
    ok: true,
    message: `spec: config ${made} (made since faild started: read from now on) reloaded, log reopened`,
  })
  t.equal(svc.daemon.options.failAfter, 7, 'its settings applied')
  writeFileSync(made, '{')
  t.match(await svc.reload('spec'), { ok: false, error: /not valid JSON/ }, 'read as if named: a bad one is refused')
  rmSync(made)
  t.match(await svc.reload('spec'), { ok: false, error: /cannot read it/ }, 'and so is its removal')
  t.equal(svc.daemon.options.failAfter, 7, 'the running config kept')
})

t.test("a refused reload still reopens the log: logrotate's SIGHUP moves faild to the new file", async (t) => {
  const logFile = join(dir, 'rotated.log')
  const { svc } = await service(t, { ...BASE, logFile })
  const { renameSync, readFileSync } = await import('node:fs')
  renameSync(logFile, `${logFile}.1`) // logrotate
  write({ ...BASE, logFile, failAfter: 0 }) // a half-edited file
  t.equal((await svc.reload('SIGHUP')).ok, false, 'refused')
  await new Promise((r) => setTimeout(r, 50))
  t.ok(existsSync(logFile), 'a new file')
  t.match(readFileSync(logFile, 'utf8'), /SIGHUP: .*failAfter/, 'where the refusal is said')
})
