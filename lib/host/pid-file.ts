// The pid file, which is also the lock that keeps one faild per host.
import { linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Whether a command line (NUL-separated, as /proc/PID/cmdline holds it) runs faild: one of its
 * words is the faild program itself (`faild`, `node .../faild.js`), not merely a word that
 * mentions it (`tail -f /var/log/faild.log`, `vi /etc/faild.json`, `faildctl status`).
 */
export function runsFaild(cmdline: string): boolean {
  return cmdline.split('\0').some((word) => /(^|\/)faild(\.js)?$/.test(word))
}

/** Whether `pid` is a live process running faild (a recycled pid is not). */
function isFaild(pid: number): boolean {
  if (!(pid > 0) || pid === process.pid) return false
  try {
    process.kill(pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  try {
    return runsFaild(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))
  } catch {
    return true // no /proc: trust the live pid
  }
}

/**
 * Create `path` holding our pid. Refuses (with the reason) while another faild holds it; a stale
 * file (its process gone) is replaced. The file is written aside and linked into place, so it is
 * never seen empty (a starter reading an empty file took it for stale, removed it and ran too),
 * and the link is exclusive, so two starting at once cannot both win.
 */
export function acquirePidFile(path: string): string | undefined {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 }) // /run/faild after a reboot
  } catch (err) {
    return `cannot create the directory of pid file ${path}: ${(err as Error).message}`
  }
  const aside = `${path}.${process.pid}`
  try {
    writeFileSync(aside, `${process.pid}\n`, { mode: 0o644 })
  } catch (err) {
    return `cannot create pid file ${path}: ${(err as Error).message}`
  }
  try {
    return take(path, aside)
  } finally {
    rmSync(aside, { force: true })
  }
}

function take(path: string, aside: string): string | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      linkSync(aside, path)
      return undefined
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      if (e.code !== 'EEXIST') return `cannot create pid file ${path}: ${e.message}`
    }
    let pid = NaN
    try {
      pid = Number(readFileSync(path, 'utf8').trim())
    } catch {
      // vanished meanwhile: try again
    }
    if (isFaild(pid)) return `faild is already running as pid ${pid} (pid file ${path}); one faild per host`
    try {
      unlinkSync(path) // stale: its process is gone
    } catch {
      // someone else removed it: try again
    }
  }
  return `cannot take pid file ${path}: another faild is starting`
}

/** Remove the pid file if it is still ours. */
export function releasePidFile(path: string): void {
  try {
    if (Number(readFileSync(path, 'utf8').trim()) === process.pid) unlinkSync(path)
  } catch {
    // already gone
  }
}
