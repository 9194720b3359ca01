// The log file: every line appended with one write, never buffered, so a full disk costs lines, not faild.
//
// winston's File transport queues lines while its stream is stuck, and the queue holds back the
// logger's pipe, stderr included: a full log disk silenced faild and grew its memory (76 to 113 MB
// in 40 s), and freeing space did not help. This writer never holds a line: one that cannot be
// written is counted and dropped, the file is tried again RETRY_MS later, and the first line that
// reaches it says how many were lost and why.
import { accessSync, closeSync, constants, existsSync, openSync, statSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { Writable } from 'node:stream'

/** How long after a failed write the file is tried again. */
export const RETRY_MS = 5_000

/** The file calls this writer makes; specs inject failing ones. */
export interface LogFs {
  open(path: string): number
  write(fd: number, text: string): void
  close(fd: number): void
}

const realFs: LogFs = {
  open: (path) => openSync(path, 'a', 0o640),
  write: (fd, text) => {
    const bytes = Buffer.from(text)
    // A disk that fills mid-line takes part of it: the rest is lost, and said so, like a refused line.
    if (writeSync(fd, bytes) < bytes.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' })
  },
  close: (fd) => closeSync(fd),
}

/**
 * Why `file` cannot be appended to, or undefined; creates nothing (a refused reload leaves no trace,
 * and winston would create missing directories). A directory is refused: root may write in it, but
 * every line would then be lost, and the line that says so with them.
 */
export function unwritable(file: string): string | undefined {
  try {
    if (existsSync(file) && statSync(file).isDirectory()) return 'a directory'
    accessSync(existsSync(file) ? file : dirname(file), constants.W_OK)
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

export class LogFile extends Writable {
  readonly path: string
  readonly #fs: LogFs
  readonly #now: () => number
  #fd: number | undefined
  /** Lines dropped since the file last took one, and why. */
  lost = 0
  #why = ''
  #retryAt = 0

  constructor(path: string, fs: LogFs = realFs, now: () => number = Date.now) {
    super({ decodeStrings: false })
    this.path = path
    this.#fs = fs
    this.#now = now
  }

  override _write(chunk: string | Buffer, _enc: BufferEncoding, done: (err?: Error) => void): void {
    this.append(String(chunk))
    done() // at once, always: the logger's pipe must never wait on this file
  }

  /** The lines `before` (the file this one replaces at a reopen) lost and never said: this one says them. */
  inherit(before: LogFile): void {
    if (before.lost === 0) return
    this.lost += before.lost
    this.#why = before.path === this.path ? before.#why : `${before.#why} in ${before.path}`
  }

  /** Append one line, or count it lost. */
  append(text: string): void {
    if (this.lost > 0 && this.#now() < this.#retryAt) return void this.lost++
    try {
      this.#fd ??= this.#fs.open(this.path)
      if (this.lost > 0) {
        this.#fs.write(
          this.#fd,
          `${new Date().toISOString()} faild[${process.pid}] warn: ${this.lost} log lines lost while ${this.path} could not be written (${this.#why})\n`,
        )
        this.lost = 0
      }
      this.#fs.write(this.#fd, text)
    } catch (err) {
      this.lost++
      this.#why = (err as NodeJS.ErrnoException).code ?? (err as Error).message
      this.#retryAt = this.#now() + RETRY_MS
      this.#closeFd() // reopened by name on the retry: the disk may be another after a remount
    }
  }

  override _final(done: () => void): void {
    this.#closeFd()
    done()
  }

  #closeFd(): void {
    if (this.#fd === undefined) return
    try {
      this.#fs.close(this.#fd)
    } catch {
      // already gone
    }
    this.#fd = undefined
  }
}
