// Keeps one `ip -json -force -batch -` running and feeds it batches: a route change costs a
// write to a pipe, not the ~5 ms spawn of a new `ip` (failover latency is the product).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { failedLineNo } from '../core/routes/ip-batch.js'
import type { BatchError, BatchResult, IpBatch } from './ip-batch.js'
import { IP_TIMEOUT_MS } from './ip-runner.js'
import type { Logger } from './log.js'

/*
 * Framing. ip reads its input line by line, prints reads (flushed per command) on stdout and
 * errors on stderr, each failure ending in "Command failed -:N", N counting input lines from 1.
 * Every batch ends with two lines: one that prints `lo` on stdout, after the batch's reads, and one
 * that fails on stderr, after the batch's errors (no interface name can hold a '/'). The two pipes
 * are read independently, so a batch is done only when both marks are seen.
 */
const OUT_MARK = 'link show dev lo'
const ERR_MARK = 'link show dev faild/end'
const isOutMark = (line: string): boolean => line.startsWith('[{"ifindex":') && line.includes('"ifname":"lo"')

/** A second death within one batch restarts after this, doubling up to RESTART_MAX_MS. */
const RESTART_MIN_MS = 100
const RESTART_MAX_MS = 5000

interface InFlight {
  /** ip's numbers of the batch's first line and of its ERR_MARK line. */
  readonly first: number
  readonly end: number
  readonly errors: BatchError[]
  readonly output: string[]
  outDone: boolean
  errDone: boolean
  readonly timer: NodeJS.Timeout
  readonly resolve: (r: BatchResult) => void
}

export interface IpBatchProcessOptions {
  /** The argv that runs `ip`: ["ip"], or ["ip", "netns", "exec", "x", "ip"]. */
  readonly command: readonly string[]
  readonly log: Logger
  /** A batch unanswered for this long is failed and the process killed (and restarted). */
  readonly timeoutMs?: number
}

const failed = (message: string): BatchResult => ({ ok: false, errors: [{ line: -1, message }], output: [] })

export class IpBatchProcess implements IpBatch {
  readonly #opt: IpBatchProcessOptions
  #child: ChildProcessWithoutNullStreams | undefined
  /** Resolves when the current child has closed. */
  #closed: Promise<void> = Promise.resolve()
  /** Batches written and not yet answered, oldest first. BOUNDED: callers await each batch. */
  #inFlight: InFlight[] = []
  /** Lines written to the current child: ip's line numbers. */
  #lineNo = 0
  /** Partial lines read from stdout and stderr, and stderr text since the last failure. */
  #out = ''
  #err = ''
  #message: string[] = []
  /** Deaths since the last answered batch: the restart backoff. */
  #deaths = 0
  #restartTimer: NodeJS.Timeout | undefined
  #running = false

  constructor(opt: IpBatchProcessOptions) {
    this.#opt = opt
  }

  /** The child's pid, for specs that kill it. */
  get pid(): number | undefined {
    return this.#child?.pid
  }

  /** Start ip and run an empty batch: resolves once it answers, throws if it cannot. */
  async start(): Promise<void> {
    if (this.#running) return
    this.#running = true
    this.#spawn()
    const r = await this.run([])
    if (r.ok) return
    await this.stop()
    const why = r.errors.map((e) => e.message).join('; ')
    throw new Error(`cannot run ${this.#opt.command.join(' ')} -batch -: ${why}`)
  }

  /** Close ip's input (it exits at the end of it) and fail what is still in flight. */
  async stop(): Promise<void> {
    this.#running = false
    clearTimeout(this.#restartTimer)
    const child = this.#child
    this.#child = undefined
    this.#failAll('ip -batch process stopped')
    if (!child) return
    const kill = setTimeout(() => child.kill('SIGKILL'), this.#opt.timeoutMs ?? IP_TIMEOUT_MS)
    child.stdin.end()
    await this.#closed
    clearTimeout(kill)
  }

  run(lines: readonly string[]): Promise<BatchResult> {
    const bad = lines.find((l) => /[\n\r]/.test(l) || l.endsWith('\\'))
    if (bad !== undefined) throw new RangeError(`not one ip -batch line: ${JSON.stringify(bad)}`)
    const child = this.#child
    if (!child) {
      return Promise.resolve(failed(`ip -batch process ${this.#running ? 'restarting' : 'not started'}`))
    }
    const first = this.#lineNo + 1
    this.#lineNo += lines.length + 2
    const end = this.#lineNo
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#onTimeout(child), this.#opt.timeoutMs ?? IP_TIMEOUT_MS)
      const b: InFlight = { first, end, errors: [], output: [], outDone: false, errDone: false, timer, resolve }
      this.#inFlight.push(b)
      child.stdin.write(`${[...lines, OUT_MARK, ERR_MARK].join('\n')}\n`)
    })
  }

  #spawn(): void {
    const [cmd, ...pre] = this.#opt.command
    const args = [...pre, '-json', '-force', '-batch', '-']
    const child = spawn(cmd ?? 'ip', args, { stdio: ['pipe', 'pipe', 'pipe'] })
    this.#child = child
    this.#lineNo = 0
    this.#out = this.#err = ''
    this.#message = []
    let gone = false
    let closed: () => void = () => {}
    this.#closed = new Promise((resolve) => (closed = resolve))
    const died = (why: string) => {
      if (gone) return
      gone = true
      closed()
      if (this.#child === child) this.#onDeath(why)
    }
    child.stdout.setEncoding('utf8').on('data', (d: string) => this.#child === child && this.#onStdout(d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => this.#child === child && this.#onStderr(d))
    child.stdin.on('error', () => {}) // EPIPE: it died, and 'close' says how
    child.on('error', (err) => died(err.message))
    child.on('close', (code, signal) => died(signal ? `killed by ${signal}` : `exited with ${code}`))
  }

  /** Fail what was in flight (the caller retries), and start a new ip: at once, then with backoff. */
  #onDeath(why: string): void {
    this.#child = undefined
    const n = this.#inFlight.length
    this.#failAll(`ip -batch process ${why}`)
    if (!this.#running) return
    const delay = this.#deaths === 0 ? 0 : Math.min(RESTART_MIN_MS * 2 ** (this.#deaths - 1), RESTART_MAX_MS)
    this.#deaths++
    const when = delay ? ` in ${delay} ms` : ''
    this.#opt.log.error(`ip -batch process ${why}, ${n} batch(es) in flight failed; restarting it${when}`)
    if (delay === 0) return this.#spawn()
    this.#restartTimer = setTimeout(() => this.#running && this.#spawn(), delay)
  }

  #onTimeout(child: ChildProcessWithoutNullStreams): void {
    if (this.#child !== child) return
    const ms = this.#opt.timeoutMs ?? IP_TIMEOUT_MS
    this.#opt.log.error(`ip -batch process gave no answer in ${ms} ms: killing it`)
    child.kill('SIGKILL')
  }

  #onStdout(data: string): void {
    const lines = (this.#out + data).split('\n')
    this.#out = lines.pop()!
    for (const line of lines) {
      const b = this.#inFlight.find((x) => !x.outDone)
      if (!b) continue // nothing asked for it: ip prints nothing unasked
      if (isOutMark(line)) b.outDone = true
      else if (line.trim()) b.output.push(line)
    }
    this.#settle()
  }

  #onStderr(data: string): void {
    const lines = (this.#err + data).split('\n')
    this.#err = lines.pop()!
    for (const line of lines) {
      const n = failedLineNo(line)
      if (n === undefined) {
        if (line.trim()) this.#message.push(line.trim())
        continue
      }
      const message = this.#message.join('; ')
      this.#message = []
      const b = this.#inFlight.find((x) => !x.errDone)
      if (!b) continue
      if (n === b.end) b.errDone = true
      else if (n === b.end - 1)
        b.outDone = true // no `lo` to print: the stdout mark will not come
      else b.errors.push({ line: n - b.first, message })
    }
    this.#settle()
  }

  /** Answer the batches both of whose marks were seen; they finish in the order written. */
  #settle(): void {
    while (this.#inFlight[0]?.outDone && this.#inFlight[0].errDone) {
      const b = this.#inFlight.shift()!
      clearTimeout(b.timer)
      this.#deaths = 0
      b.resolve({ ok: b.errors.length === 0, errors: b.errors, output: b.output })
    }
  }

  #failAll(message: string): void {
    for (const b of this.#inFlight.splice(0)) {
      clearTimeout(b.timer)
      b.resolve(failed(message))
    }
  }
}
