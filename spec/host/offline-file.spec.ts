// The LANs offline kept across a restart (lib/host/offline-file.ts): a list of interfaces, written whole or not at all.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { offlineFile, offlineFileOf } from '../../lib/host/offline-file.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-offline-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

t.test('beside the pid file, named after it', async (t) => {
  t.equal(offlineFileOf('/run/faild/faild.pid'), '/run/faild/faild.offline')
  t.equal(offlineFileOf('/var/run/faild-b.lock'), '/var/run/faild-b.lock.offline')
})

t.test('written, read back, and removed when no LAN is offline', async (t) => {
  const path = join(dir, 'faild.offline')
  const store = offlineFile(path)
  t.same(store.read(), [], 'none yet')
  store.write(['ethb', 'eth.20'])
  t.equal(readFileSync(path, 'utf8'), 'ethb\neth.20\n')
  t.equal(statSync(path).mode & 0o777, 0o600)
  t.same(store.read(), ['ethb', 'eth.20'])
  store.write([])
  t.notOk(existsSync(path), 'removed')
  store.write([])
  t.pass('removing it twice is fine')
})

t.test('a file that is not a list of interfaces is refused, naming it', async (t) => {
  const path = join(dir, 'bad.offline')
  writeFileSync(path, 'ethb\nnot an interface\n')
  t.throws(() => offlineFile(path).read(), { message: `${path}: "not an interface" is no interface name` })
  t.throws(() => offlineFile(join(dir, 'missing-dir', 'x')).write(['etha']), { code: 'ENOENT' })
})
