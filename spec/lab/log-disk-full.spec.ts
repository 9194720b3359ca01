// A full log disk (a 1 MiB tmpfs in a private mount namespace): stderr keeps printing, memory stays bounded, the file resumes.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t from 'tap'

const logJs = resolve('dist/lib/host/log.js')

/** Runs inside the namespace: fills the disk, logs through it, frees it, logs again; prints what it saw. */
const script = `
import { appendFileSync, readFileSync, rmSync } from 'node:fs'
import { makeLogger, closeLogger } from ${JSON.stringify(logJs)}
const dir = process.argv[2]
const file = dir + '/faild.log'
const log = makeLogger({ level: 'info', file })
log.info('before the disk fills')
await new Promise((r) => setTimeout(r, 100))
try { for (;;) appendFileSync(dir + '/filler', 'x'.repeat(1024)) } catch {}
try { for (;;) appendFileSync(dir + '/filler', 'x') } catch {}
const rss0 = process.memoryUsage().rss
for (let i = 0; i < 20000; i++) {
  log.info('while full ' + i + ' ' + 'y'.repeat(200))
  if (i % 500 === 0) await new Promise((r) => setImmediate(r))
}
await new Promise((r) => setTimeout(r, 200))
const rss1 = process.memoryUsage().rss
rmSync(dir + '/filler')
let text = ''
for (let i = 0; i < 400 && !text.includes('after free'); i++) {
  log.info('after free ' + i)
  await new Promise((r) => setTimeout(r, 100))
  text = readFileSync(file, 'utf8')
}
await closeLogger(log)
process.stdout.write(JSON.stringify({ rss0, rss1, text }))
`

t.test(
  'a full log disk never silences stderr, keeps memory bounded, and the file resumes once space returns',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'faild-logfull-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const mnt = join(dir, 'mnt')
    const js = join(dir, 'run.mjs')
    writeFileSync(js, script)
    const r = spawnSync(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        `mkdir -p "$1" && mount -t tmpfs -o size=1m tmpfs "$1" && exec node "$2" "$1"`,
        'sh',
        mnt,
        js,
      ],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    )
    t.equal(r.status, 0, r.stderr.slice(-2000))
    const out = JSON.parse(r.stdout) as { rss0: number; rss1: number; text: string }
    const stderr = r.stderr.split('\n')
    t.equal(
      stderr.filter((l) => l.includes('while full')).length,
      20_000,
      'stderr printed every line while the disk was full',
    )
    t.ok(
      stderr.some((l) => l.includes('after free')),
      'and after',
    )
    t.ok(out.rss1 - out.rss0 < 40 * 1024 * 1024, `memory bounded: RSS ${out.rss0 >> 20} to ${out.rss1 >> 20} MiB`)
    t.match(
      out.text,
      /warn: (\.\.\. )?\d+ log lines lost while .*faild\.log.*ENOSPC/,
      'the file says how many lines it lost, and why',
    )
    t.match(out.text, /info: after free/, 'lines resume without a SIGHUP')
    t.comment(`RSS ${out.rss0 >> 20} -> ${out.rss1 >> 20} MiB; ${out.text.split('\n').length} lines in the file`)
  },
)
