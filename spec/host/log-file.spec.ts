// The log file writer of lib/host/log-file.ts: a full disk costs lines, never stderr, memory or faild.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { closeLogger, makeLogger } from '../../lib/host/log.js'
import { LogFile, type LogFs, RETRY_MS } from '../../lib/host/log-file.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-logfile-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

/** A disk that is full while `full` is set; what reached it is in `written`. */
function disk() {
  const d = { full: false, written: [] as string[], opens: 0 }
  const fs: LogFs = {
    open: () => ++d.opens,
    write: (_fd, text) => {
      if (d.full) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
      d.written.push(text)
    },
    close: () => {},
  }
  return { d, fs }
}

t.test(
  'a full disk: lines are counted, not held; once space returns the first line says how many were lost',
  async (t) => {
    const { d, fs } = disk()
    let now = 0
    const f = new LogFile('/var/log/faild.log', fs, () => now)
    f.append('one\n')
    d.full = true
    for (let i = 0; i < 10_000; i++) f.append(`lost ${i}\n`)
    t.equal(f.lost, 10_000, 'every line counted')
    t.equal(f.writableLength, 0, 'nothing buffered')
    d.full = false
    now = RETRY_MS - 1
    f.append('still waiting\n')
    t.same(d.written, ['one\n'], 'not tried again before the retry time')
    now = RETRY_MS
    f.append('back\n')
    t.match(d.written[1], /warn: 10001 log lines lost while \/var\/log\/faild\.log could not be written \(ENOSPC\)\n$/)
    t.equal(d.written[2], 'back\n')
    t.equal(d.opens, 2, 'reopened by name after the failure')
  },
)

t.test(
  'a real full device (/dev/full): stderr keeps every line (winston File let 965 of 20,000 through)',
  async (t) => {
    let lines = 0
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string | Uint8Array) => {
      if (String(chunk).includes('faild-logfile-spec')) lines++
      return true
    }) as typeof process.stderr.write
    t.teardown(() => void (process.stderr.write = write))
    const log = makeLogger({ level: 'info', file: '/dev/full' })
    for (let i = 0; i < 20_000; i++) {
      log.info(`faild-logfile-spec ${i}`)
      if (i % 1000 === 0) await new Promise((r) => setImmediate(r))
    }
    await closeLogger(log)
    process.stderr.write = write
    t.equal(lines, 20_000)
  },
)

t.test('a file that works gets every line, in order', async (t) => {
  const path = join(dir, 'ok.log')
  const log = makeLogger({ level: 'info', file: path, silent: true })
  for (let i = 0; i < 100; i++) log.info(`line ${i}`)
  await closeLogger(log)
  const lines = readFileSync(path, 'utf8').trim().split('\n')
  t.equal(lines.length, 100)
  t.match(lines[99], /info: line 99$/)
})

t.test('lines lost before a reopen (SIGHUP) are said by the file that replaces it', async (t) => {
  const { d, fs } = disk()
  const old = new LogFile('/var/log/faild.log', fs)
  d.full = true
  for (let i = 0; i < 5; i++) old.append(`lost ${i}\n`)
  d.full = false
  const reopened = new LogFile('/var/log/faild.log', fs)
  reopened.inherit(old)
  reopened.append('after\n')
  t.match(d.written, [
    /warn: 5 log lines lost while \/var\/log\/faild\.log could not be written \(ENOSPC\)\n$/,
    'after\n',
  ])
  const moved = new LogFile('/srv/faild.log', fs)
  const again = new LogFile('/var/log/faild.log', fs)
  d.full = true
  again.append('lost\n')
  d.full = false
  moved.inherit(again)
  moved.append('x\n')
  t.match(
    d.written.at(-2),
    /1 log lines lost while \/srv\/faild\.log could not be written \(ENOSPC in \/var\/log\/faild\.log\)/,
  )
})
