// The --notify hook: runs the operator's program on every route and path change, never blocking faild.
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import type { NotifyEvent } from '../core/report/change-log.js'
import { LogBudget } from '../core/util/log-budget.js'
import type { Logger } from './log.js'

export type { NotifyEvent }

/** Programs running at once; more wait in a queue of MAX_QUEUED, beyond which events are dropped and counted. */
const MAX_RUNNING = 4
const MAX_QUEUED = 256
/**
 * Path and peer events an outsider can cause (950 forged packets once ran the hook 1,005 times):
 * at most this many programs per 10 s; route events, which only a real change causes, always run.
 */
const CHATTER_PER_WINDOW = 50
const CHATTER_WINDOW_MS = 10_000

export function notifyEnv(e: NotifyEvent): Record<string, string> {
  const env: Record<string, string> = { FAILD_EVENT: e.event }
  const put = (k: string, v: string | undefined) => v !== undefined && (env[k] = v)
  put('FAILD_PEER', e.peer)
  put('FAILD_TARGET', e.target)
  put('FAILD_ADDRESS', e.address)
  put('FAILD_LAN', e.lan)
  put('FAILD_OLD_STATE', e.oldState)
  put('FAILD_NEW_STATE', e.newState)
  put('FAILD_ROUTE', e.route)
  put('FAILD_ACTION', e.action)
  return env
}

export class Notifier {
  #program: string
  #timeoutMs: number
  readonly #log: Logger
  readonly #queue: NotifyEvent[] = [] // BOUNDED: MAX_QUEUED
  #running = 0
  /** Callers of idle() waiting for the queue to empty. BOUNDED: one per stop. */
  #idle: Array<() => void> = []
  dropped = 0
  failed = 0
  /** Programs started. */
  runs = 0
  /** Path and peer events not run for the budget. */
  skipped = 0
  readonly #chatter = new LogBudget(CHATTER_PER_WINDOW, CHATTER_WINDOW_MS)
  readonly #now: () => number

  constructor(program: string, timeoutS: number, log: Logger, now: () => number = () => performance.now()) {
    this.#program = program
    this.#timeoutMs = timeoutS * 1000
    this.#log = log
    this.#now = now
  }

  /** Events dropped in this spell of a full queue (0: none now). */
  #dropping = 0

  configure(program: string, timeoutS: number): void {
    this.#program = program
    this.#timeoutMs = timeoutS * 1000
  }

  /** Queue one event (within the budget, for a path or peer event); returns at once. Events run in order, up to MAX_RUNNING at a time. */
  notify(e: NotifyEvent): void {
    if (e.event !== 'route') {
      const budget = this.#chatter.take(this.#now())
      if (budget.summary)
        this.#log.warn(
          `notify: ${budget.summary} more path and peer events were not sent to ${this.#program} (a flood?)`,
        )
      if (!budget.ok) return void this.skipped++
    }
    if (this.#queue.length >= MAX_QUEUED) {
      this.dropped++
      // Said once a spell, not once a life: a later spell may drop route events too.
      if (this.#dropping++ === 0)
        this.#log.warn(`notify: ${MAX_QUEUED} events waiting, dropping more (is ${this.#program} hanging?)`)
      return
    }
    if (this.#dropping > 0) {
      this.#log.warn(`notify: the queue has room again; ${this.#dropping} events were dropped`)
      this.#dropping = 0
    }
    this.#queue.push(e)
    this.#next()
  }

  /** Resolves once every queued program has ended (or been killed), for a clean stop. */
  async idle(timeoutMs: number): Promise<void> {
    if (this.#running === 0 && this.#queue.length === 0) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      this.#idle.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  #next(): void {
    if (this.#running >= MAX_RUNNING) return
    const e = this.#queue.shift()
    if (!e) return
    this.#running++
    this.runs++
    const what = `notify ${this.#program} (${e.event}${e.peer ? ` ${e.peer}` : ''}${e.lan ? ` LAN ${e.lan}` : ''})`
    // Its own process group, so a hung program is killed with whatever it started.
    const child = spawn(this.#program, [], {
      env: { ...process.env, ...notifyEnv(e) },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    })
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)))
    const timer = setTimeout(() => {
      this.#log.warn(`${what}: still running after ${this.#timeoutMs / 1000}s, killed`)
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }, this.#timeoutMs)
    const done = (failure: string | undefined) => {
      clearTimeout(timer)
      if (failure) {
        this.failed++
        this.#log.warn(`${what}: ${failure}${stderr.trim() ? `: ${stderr.trim()}` : ''}`)
      }
      this.#running--
      this.#next()
      if (this.#running === 0 && this.#queue.length === 0) for (const wake of this.#idle.splice(0)) wake()
    }
    child.once('error', (err) => {
      child.removeAllListeners('exit')
      done(`cannot run: ${err.message}`)
    })
    // 'exit', not 'close': a background process the program left may hold stderr open.
    child.once('exit', (code, signal) =>
      setImmediate(() => done(code === 0 ? undefined : signal ? `killed by ${signal}` : `exit ${code}`)),
    )
  }
}
