// The key file of lib/keys.ts: owner-only, one or two secrets long enough, ids that tell them apart.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { KeyFileError, keyId, parseKeys } from '../../../lib/core/wire/keys.js'
import { readKeyFile } from '../../../lib/host/key-file.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-keys-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const A = 'a'.repeat(32)
const B = 'b'.repeat(32)

t.test('one or two keys, comments and blank lines ignored, the first signs', async (t) => {
  t.same(
    parseKeys(`# cluster key\n${A}\n`).map((k) => k.secret.toString()),
    [A],
  )
  const two = parseKeys(`${B}\n\n${A}\n`)
  t.same(
    two.map((k) => k.secret.toString()),
    [B, A],
  )
  t.same(
    two.map((k) => k.id),
    [keyId(Buffer.from(B)), keyId(Buffer.from(A))],
  )
})

const bad: Array<[string, RegExp]> = [
  ['', /holds no key/],
  ['# only a comment\n', /holds no key/],
  [`${A}\n${B}\n${'c'.repeat(32)}\n`, /holds 3 keys; at most 2/],
  ['short\n', /key 1 is 5 bytes; at least 16/],
]
for (const [text, re] of bad) {
  t.test(`refuses ${JSON.stringify(text.slice(0, 20))}`, async (t) => t.throws(() => parseKeys(text), re))
}

t.test('the file must be readable by its owner only', async (t) => {
  const path = join(dir, 'key')
  writeFileSync(path, `${A}\n`)
  chmodSync(path, 0o644)
  t.throws(() => readKeyFile(path), {
    name: 'KeyFileError',
    message: /readable or writable by group or others \(mode 644\): chmod 600 it/,
  })
  chmodSync(path, 0o640)
  t.throws(() => readKeyFile(path), KeyFileError)
  chmodSync(path, 0o600)
  t.equal(readKeyFile(path).length, 1)
  t.throws(() => readKeyFile(join(dir, 'missing')), /missing: ENOENT/)
})
