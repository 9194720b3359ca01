// The key file checks of lib/host/key-file.ts: a regular file, owned by root or faild's user, mode 0600.
import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { readKeyFile } from '../../lib/host/key-file.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-keyfile-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const KEY = `${'k'.repeat(32)}\n`
const euid = process.geteuid?.() ?? 0

const file = (name: string, text = KEY, mode = 0o600) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  chmodSync(path, mode)
  return path
}

t.test('a FIFO is refused at once instead of hanging the start', async (t) => {
  const fifo = join(dir, 'fifo')
  execFileSync('mkfifo', ['-m', '600', fifo])
  t.throws(() => readKeyFile(fifo), { name: 'KeyFileError', message: /fifo is not a regular file/ })
})

t.test('a directory is no key file', async (t) => {
  const d = join(dir, 'd')
  mkdirSync(d, { mode: 0o700 })
  t.throws(() => readKeyFile(d), { message: /d is not a regular file/ })
})

t.test('a key owned by another user is refused: it could have been written by them', async (t) => {
  const path = file('theirs')
  if (euid === 0) chownSync(path, 4321, 4321)
  const as = euid === 0 ? 0 : euid + 1 // not root: pretend faild runs as someone else
  t.throws(() => readKeyFile(path, as), { message: /owned by uid \d+, not root or faild's user .*chown it/ })
})

t.test('a file of megabytes is no key file', async (t) => {
  t.throws(() => readKeyFile(file('big', 'k'.repeat(100_000))), {
    message: /100000 bytes: a key file holds a key or two/,
  })
})

t.test('a good one is read', async (t) => {
  t.equal(readKeyFile(file('good')).length, 1)
})
