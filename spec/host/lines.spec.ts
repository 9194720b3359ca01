// host/lines.ts: whole lines from a stream, whatever its chunks.
import { PassThrough } from 'node:stream'
import t from 'tap'
import { readLines } from '../../lib/host/lines.js'

t.test('a line cut across chunks comes whole, once its end has come', async (t) => {
  const out = new PassThrough()
  const got: string[][] = []
  readLines(out, (lines) => got.push(lines))
  out.write('one\ntw')
  await new Promise((r) => setImmediate(r))
  out.write('o\nthree')
  await new Promise((r) => setImmediate(r))
  t.same(got, [['one'], ['two']], 'the tail without its newline held back')
  out.write('\n')
  await new Promise((r) => setImmediate(r))
  t.same(got.at(-1), ['three'])
})

t.test('no stream, no lines', async (t) => {
  t.doesNotThrow(() => readLines(null, () => t.fail('a line from nothing')))
})
