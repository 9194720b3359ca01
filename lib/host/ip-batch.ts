// How route-table runs `ip -batch` lines, and the simple way: one `ip` process per batch.
import { parseBatchErrors } from '../core/routes/ip-batch.js'
import type { IpRunner } from './ip-runner.js'

/** One failed line: its index in the batch (-1: the batch as a whole, e.g. ip died) and ip's message. */
export interface BatchError {
  readonly line: number
  readonly message: string
}

export interface BatchResult {
  /** Every line succeeded. */
  readonly ok: boolean
  readonly errors: readonly BatchError[]
  /** What the read (`... show`) lines printed, one JSON document per successful read, in order. */
  readonly output: readonly string[]
}

/**
 * Runs batches of `ip` lines as `ip -json -force -batch -` would: every line is tried, whatever
 * failed before it. Lines must not contain a newline. start() and stop() bracket its use.
 */
export interface IpBatch {
  start(): Promise<void>
  stop(): Promise<void>
  run(lines: readonly string[]): Promise<BatchResult>
}

/** "RTNETLINK answers: File exists (route replace ...)" for logs. */
export function batchErrorText(r: BatchResult, lines: readonly string[]): string {
  const one = (e: BatchError) => (e.line >= 0 ? `${e.message || 'failed'} (${lines[e.line]})` : e.message)
  return r.errors.map(one).join('; ')
}

/** A line that prints what it finds: run on its own, with -json. */
const isRead = (line: string): boolean => /^\S+ show\b/.test(line)

/**
 * One `ip` per batch of writes, and one per read, through an IpRunner: the way of a fake runner
 * in specs, and the fallback when the runner cannot say how to start a long-lived `ip`.
 */
export class SpawnBatch implements IpBatch {
  readonly #ip: IpRunner

  constructor(ip: IpRunner) {
    this.#ip = ip
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async run(lines: readonly string[]): Promise<BatchResult> {
    const errors: BatchError[] = []
    const output: string[] = []
    for (let i = 0; i < lines.length; ) {
      if (isRead(lines[i]!)) {
        const r = await this.#ip.run(['-json', ...lines[i]!.split(' ')])
        if (r.code === 0) output.push(r.stdout.trim() || '[]')
        else errors.push({ line: i, message: r.stderr.trim() || `exit ${r.code}` })
        i++
        continue
      }
      let end = i
      while (end < lines.length && !isRead(lines[end]!)) end++
      const r = await this.#ip.run(['-force', '-batch', '-'], `${lines.slice(i, end).join('\n')}\n`)
      if (r.code !== 0) {
        const { failures, rest } = parseBatchErrors(r.stderr)
        for (const f of failures) errors.push({ line: i + f.lineNo - 1, message: f.message })
        if (failures.length === 0) errors.push({ line: -1, message: rest || `ip exited with ${r.code}` })
      }
      i = end
    }
    return { ok: errors.length === 0, errors, output }
  }
}
