// Keeps the ARP prober's two `ip` processes running: `ip -o monitor neigh`, whose lines it reads, and `ip -batch -`, which takes its probes.
import { type ChildProcess, spawn } from 'node:child_process'
import type { Clock } from './clock.js'
import { type IpResult, runProcess } from './ip-runner.js'
import { readLines } from './lines.js'
import type { Logger } from './log.js'
import { Respawned, type Started } from './respawned.js'

/** An `ip` process of the prober's that exited is started again after this. */
export const RESPAWN_MS = 1000

/** The processes the prober starts; fakes in specs. */
export interface ArpProcesses {
  /** A long-running `ip` (the monitor, the batch), its stdin and stdout piped. */
  readonly spawnIp: (args: readonly string[]) => ChildProcess
  /** A one-shot arping or ping, to its end. */
  readonly run: (cmd: string, args: readonly string[]) => Promise<IpResult>
}

export const realProcesses: ArpProcesses = {
  spawnIp: (args) => spawn('ip', args, { stdio: ['pipe', 'pipe', 'ignore'] }),
  run: (cmd, args) => runProcess(cmd, args, undefined, 3000),
}

export class ArpIps {
  /** Kept running: probes that cannot go or be seen read as a dead target. */
  readonly #monitor: Respawned<ChildProcess>
  readonly #batch: Respawned<ChildProcess>
  readonly #processes: ArpProcesses
  readonly #log: Logger
  readonly #onLine: (line: string) => void

  constructor(processes: ArpProcesses, log: Logger, onLine: (line: string) => void, clock?: Clock) {
    this.#processes = processes
    this.#log = log
    this.#onLine = onLine
    const timing = { firstMs: RESPAWN_MS, clock }
    this.#monitor = new Respawned(() => this.#spawnMonitor(), { ...timing, end: (c) => c.kill() })
    this.#batch = new Respawned(() => this.#spawnBatch(), { ...timing, end: (c) => c.stdin?.end() })
  }

  start(): void {
    this.#monitor.start()
    this.#batch.start()
  }

  /** Started and not stopped (while a respawn is due too). */
  get started(): boolean {
    return this.#batch.child !== undefined
  }

  /** Lines for `ip -batch`; while a respawn is due they go to the one that exited, and are lost. */
  write(lines: readonly string[]): void {
    this.#batch.child?.stdin?.write(`${lines.join('\n')}\n`)
  }

  stop(): void {
    this.#monitor.stop()
    this.#batch.stop()
  }

  #spawnMonitor(): Started<ChildProcess> {
    const child = this.#processes.spawnIp(['-o', 'monitor', 'neigh'])
    readLines(child.stdout, (lines) => {
      for (const line of lines) this.#onLine(line)
    })
    return this.#said(child, 'ip monitor neigh')
  }

  #spawnBatch(): Started<ChildProcess> {
    const child = this.#processes.spawnIp(['-force', '-batch', '-'])
    child.stdin?.on('error', () => {}) // ip gone: 'close' starts another
    child.stdout?.resume() // nothing to read: drained, never blocking ip
    return this.#said(child, 'ip -batch')
  }

  /** An `ip` of ours that cannot run, or exits, is said: the latter the first time, not every second. */
  #said(child: ChildProcess, what: string): Started<ChildProcess> {
    child.on('error', (e) => this.#log.warn(`ARP probes: cannot run ${what}: ${e.message}`))
    const exited = (code: number | null, inARow: number) =>
      inARow === 0 && this.#log.warn(`ARP probes: ${what} exited (${code}); started again every ${RESPAWN_MS / 1000} s`)
    return { child, exited }
  }
}
