// The LANs taken offline with faildctl, kept beside the pid file so that a restart keeps them off and a reboot (which clears /run) does not.
//
// `faildctl offline` promises a LAN stays off until `faildctl online`. Held in memory only, a
// watchdog restart, Restart=on-failure, or a restart for a restart-only key would put a drained
// LAN back into service in the middle of its maintenance, and say nothing.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'

/** Where the LANs offline are kept: the pid file's name with `.offline` for `.pid` (/run/faild/faild.offline). */
export const offlineFileOf = (pidFile: string): string => `${pidFile.replace(/\.pid$/, '')}.offline`

/** What a restart needs: the interfaces offline when faild last ran, and where to keep them now. */
export interface OfflineStore {
  /** The interfaces kept offline; a file that cannot be read is thrown as its reason. */
  read(): string[]
  /** Keep `ifaces` (none: the file is removed); throws why it cannot. */
  write(ifaces: readonly string[]): void
}

/** Interface names, one a line: the same rule as the kernel's (at most 15 bytes, no '/', no space). */
const IFACE = /^[^\s/]{1,15}$/

export function offlineFile(path: string): OfflineStore {
  return {
    read() {
      let text: string
      try {
        text = readFileSync(path, 'utf8')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw err
      }
      const lines = text.split('\n').filter((l) => l !== '')
      const bad = lines.find((l) => !IFACE.test(l))
      if (bad !== undefined) throw new Error(`${path}: ${JSON.stringify(bad.slice(0, 40))} is no interface name`)
      return lines
    },
    write(ifaces) {
      if (ifaces.length === 0) {
        try {
          unlinkSync(path)
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
        }
        return
      }
      // Renamed into place: a crash leaves the old list or the new one, never half.
      const tmp = `${path}.new`
      writeFileSync(tmp, ifaces.map((i) => `${i}\n`).join(''), { mode: 0o600 })
      renameSync(tmp, path)
    },
  }
}
