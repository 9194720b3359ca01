// The boot id of each run, kept as a counter in the state directory so that it only ever grows.
//
// Keyed peers drop packets of an earlier run of a host as replays, so a run must have a larger boot
// id than every run before it, even when the wall clock went back across a reboot (no RTC battery,
// NTP not yet synced). The counter file makes that hold; the clock is the fallback when the file
// cannot be kept, and the floor otherwise (so hosts without a state directory still order their runs).
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The boot id the wall clock gives: deciseconds since 2025 (grows until 2038), never 0. A clock
 * before 2025 (no RTC) gives 1, not a wrapped u32 that would order every later run before it.
 */
export function clockBoot(wallMs: number): number {
  return Math.min(0xffffffff, Math.max(1, Math.floor((wallMs - Date.UTC(2025, 0, 1)) / 100)))
}

/** The next boot id after `last` (undefined: none kept): larger than it, and not behind the clock. */
export function nextBoot(last: number | undefined, wallMs: number): number {
  const floor = clockBoot(wallMs)
  if (last === undefined || last >= 0xffffffff) return floor
  return Math.max(floor, last + 1)
}

/** The counter as the file holds it: a decimal u32 and a newline; undefined if it is anything else. */
export function parseBoot(text: string): number | undefined {
  const s = text.trim()
  if (!/^\d{1,10}$/.test(s)) return undefined
  const n = Number(s)
  return n >= 1 && n <= 0xffffffff ? n : undefined
}

export interface Boot {
  readonly id: number
  /** Why the counter could not be kept (the id then came from the clock alone); undefined: kept. */
  readonly problem?: string
}

/**
 * Take the next boot id from `dir`/boot and write it back before the run uses it (written to a
 * temporary file, synced, then renamed: a power cut leaves the old or the new value, never half).
 */
export function takeBoot(dir: string, wallMs: number = Date.now()): Boot {
  const path = join(dir, 'boot')
  let text: string | undefined
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return problem(path, err, wallMs)
  }
  const last = text === undefined ? undefined : parseBoot(text)
  const id = nextBoot(last, wallMs)
  try {
    makeDir(dir)
    const tmp = `${path}.tmp`
    const fd = openSync(tmp, 'w', 0o644)
    try {
      writeSync(fd, `${id}\n`)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (err) {
    return problem(path, err, wallMs)
  }
  if (text !== undefined && last === undefined) return { id, problem: `${path} held no boot counter; started again` }
  return { id }
}

/** The directory itself, not its parents (a recursive mkdir loops for ever under /proc on Node 20). */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o755 })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
}

function problem(path: string, err: unknown, wallMs: number): Boot {
  return { id: clockBoot(wallMs), problem: `cannot keep the boot counter in ${path}: ${(err as Error).message}` }
}
