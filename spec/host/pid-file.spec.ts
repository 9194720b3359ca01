// The pid file of lib/pid-file.ts: one faild per host, a stale file replaced, only our own removed.

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { acquirePidFile, releasePidFile, runsFaild } from '../../lib/host/pid-file.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-pid-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

t.test('created with our pid (and its directory), removed on release', async (t) => {
  const path = join(dir, 'run/faild/faild.pid')
  t.equal(acquirePidFile(path), undefined)
  t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`)
  releasePidFile(path)
  t.notOk(existsSync(path))
})

t.test('a live faild holds it: refused with its pid', async (t) => {
  const path = join(dir, 'live.pid')
  // A process whose command line mentions faild, as a running faild's does.
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)', 'faild'], { stdio: 'ignore' })
  t.teardown(() => other.kill())
  writeFileSync(path, `${other.pid}\n`)
  t.equal(acquirePidFile(path), `faild is already running as pid ${other.pid} (pid file ${path}); one faild per host`)
  releasePidFile(path)
  t.ok(existsSync(path), 'release leaves a pid file that is not ours')
})

t.test('a stale file (process gone, or a recycled pid that is not faild) is replaced', async (t) => {
  const path = join(dir, 'stale.pid')
  writeFileSync(path, '999999999\n')
  t.equal(acquirePidFile(path), undefined)
  t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`)
  writeFileSync(path, '1\n') // init: alive, but not faild
  t.equal(acquirePidFile(path), undefined)
  writeFileSync(path, 'garbage')
  t.equal(acquirePidFile(path), undefined)
})

t.test('an unwritable place is a clear error', async (t) => {
  t.match(acquirePidFile('/proc/faild.pid'), /cannot (create|take) (the directory of )?pid file \/proc\/faild\.pid/)
})

t.test('only a process running faild itself holds the lock, not one whose command line mentions it', async (t) => {
  for (const line of ['/usr/local/bin/faild\0-r', 'node\0/usr/lib/node_modules/faild/dist/bin/faild.js\0-r', 'faild']) {
    t.ok(runsFaild(line), JSON.stringify(line))
  }
  for (const line of ['tail\0-f\0/var/log/faild.log', 'vi\0/etc/faild.json', 'faildctl\0status', 'less\0faild-notes']) {
    t.notOk(runsFaild(line), JSON.stringify(line))
  }
  const path = join(dir, 'mentions.pid')
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)', '/var/log/faild.log'], {
    stdio: 'ignore',
  })
  t.teardown(() => other.kill())
  writeFileSync(path, `${other.pid}\n`)
  t.equal(acquirePidFile(path), undefined, 'a stale pid file naming such a process is replaced')
  releasePidFile(path)
})

t.test('the pid file is linked into place whole: nothing is left beside it, taken or refused', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'faild-pid-aside-'))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  const path = join(d, 'faild.pid')
  t.equal(acquirePidFile(path), undefined)
  t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`)
  t.same(readdirSync(d), ['faild.pid'], 'no file aside')
  writeFileSync(path, `${process.ppid}\n`) // a live process: refused (isFaild checks its command line)
  acquirePidFile(path)
  t.same(readdirSync(d), ['faild.pid'], 'none left when refused either')
})
