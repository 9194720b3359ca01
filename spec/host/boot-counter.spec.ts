// The boot counter of lib/host/boot-counter.ts: every run's boot id is larger than the last, clock or no clock.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { clockBoot, nextBoot, parseBoot, takeBoot } from '../../lib/host/boot-counter.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-boot-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const DAY = 86_400_000
const NOW = Date.UTC(2026, 11, 5)

t.test('the clock gives deciseconds since 2025, never 0', async (t) => {
  t.equal(clockBoot(Date.UTC(2025, 0, 1) + 1234), 12)
  t.equal(clockBoot(Date.UTC(2024, 0, 1)), 1, 'a clock before 2025 still gives a valid id')
})

t.test('the next boot is after the last one, and not behind the clock', async (t) => {
  t.equal(nextBoot(undefined, NOW), clockBoot(NOW))
  t.equal(nextBoot(clockBoot(NOW) + 50, NOW), clockBoot(NOW) + 51, 'the clock went back: the counter still grows')
  t.equal(nextBoot(5, NOW), clockBoot(NOW), 'an old counter: the clock is the floor')
  t.equal(nextBoot(0xffffffff, NOW), clockBoot(NOW), 'the counter at its end starts again from the clock')
})

t.test('only a decimal u32 is a counter', async (t) => {
  t.equal(parseBoot('123\n'), 123)
  for (const bad of ['', 'x', '-1', '0', '1.5', '4294967296', '99999999999', '12 34']) {
    t.equal(parseBoot(bad), undefined, JSON.stringify(bad))
  }
})

t.test('a reboot with the clock set back a day still gets a larger boot id', async (t) => {
  mkdirSync(join(dir, 'var/lib'), { recursive: true })
  const state = join(dir, 'var/lib/faild')
  const first = takeBoot(state, NOW)
  t.same(first, { id: clockBoot(NOW) }, 'created with its directory')
  const second = takeBoot(state, NOW - DAY)
  t.equal(second.id, first.id + 1)
  t.equal(readFileSync(join(state, 'boot'), 'utf8'), `${second.id}\n`, 'kept for the next run')
  t.equal(takeBoot(state, NOW + DAY).id, clockBoot(NOW + DAY), 'the clock ahead of the counter wins')
})

t.test('a damaged counter starts again from the clock, and says so', async (t) => {
  const state = join(dir, 'damaged')
  mkdirSync(state)
  writeFileSync(join(state, 'boot'), 'garbage')
  const b = takeBoot(state, NOW)
  t.equal(b.id, clockBoot(NOW))
  t.match(b.problem, /held no boot counter/)
  t.equal(readFileSync(join(state, 'boot'), 'utf8'), `${b.id}\n`, 'repaired')
})

t.test('a counter that cannot be kept: the clock, with the reason', async (t) => {
  const file = join(dir, 'a-file')
  writeFileSync(file, '')
  const b = takeBoot(join(file, 'sub'), NOW)
  t.equal(b.id, clockBoot(NOW))
  t.match(b.problem, /cannot keep the boot counter in .*a-file\/sub\/boot/)
  t.match(takeBoot(join(dir, 'no/such/parent'), NOW).problem, /ENOENT/, 'parents are not made')
  t.match(takeBoot('/proc/no-such', NOW).problem, /cannot keep/, 'under /proc too (no endless mkdir)')
  if (process.getuid?.() !== 0) {
    const ro = join(dir, 'read-only')
    mkdirSync(ro)
    chmodSync(ro, 0o555)
    t.match(takeBoot(ro, NOW).problem, /EACCES/)
  }
})
