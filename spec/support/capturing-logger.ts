// A winston logger for specs that keeps every line it is given, with its level and context
// (child loggers' fields), and writes nothing anywhere.
import { Writable } from 'node:stream'
import { createLogger, type Logger, transports } from 'winston'

export interface LogLine {
  readonly level: string
  readonly message: string
  /** The line's other fields: a child logger's context ({ lan: 'A' }) and the call's metadata. */
  readonly meta: Readonly<Record<string, unknown>>
}

export interface CapturingLogger {
  /** Pass this (or its children) to the code under test. */
  readonly log: Logger
  /** Every line logged at or above the level, in order. BOUNDED: the lines one spec logs. */
  readonly lines: LogLine[]
  /** The lines as "level: message", one per line, for t.match. */
  text(): string
  /** The messages logged at `level`. */
  at(level: string): string[]
  clear(): void
}

export function capturingLogger(level = 'debug'): CapturingLogger {
  const lines: LogLine[] = []
  const sink = new Writable({
    objectMode: true,
    write(info: Record<string, unknown>, _encoding, done) {
      const { level, message, ...rest } = info
      lines.push({ level: String(level), message: String(message), meta: Object.fromEntries(Object.entries(rest)) }) // no winston symbols
      done()
    },
  })
  const log = createLogger({ level, transports: [new transports.Stream({ stream: sink })] })
  return {
    log,
    lines,
    text: () => lines.map((l) => `${l.level}: ${l.message}`).join('\n'),
    at: (lvl) => lines.filter((l) => l.level === lvl).map((l) => l.message),
    clear: () => void (lines.length = 0),
  }
}
