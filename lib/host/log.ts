// The one winston logger: stderr always (from the first line), plus an append-only file with -l.
import { createLogger, format, type Logger, transports } from 'winston'
import type { LogFormat, LogLevel } from '../config/types.js'
import { LogFile } from './log-file.js'

export type { Logger }

export interface LogOptions {
  readonly level: LogLevel
  /** Text lines (default) or one JSON object per line. */
  readonly format?: LogFormat
  readonly file?: string | undefined
  /** Silence stderr (specs). */
  readonly silent?: boolean
}

const line = format.printf(({ timestamp, level, message, ...meta }) => {
  const ctx = Object.entries(meta)
    .filter(([k]) => typeof k === 'string')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')
  return `${String(timestamp)} faild[${process.pid}] ${level}: ${String(message)}${ctx ? ` (${ctx})` : ''}`
})

const pid = format((info) => {
  info.pid = process.pid
  return info
})

/** Each file transport's writer, to close it and to say where the log goes. */
const files = new WeakMap<object, LogFile>()

/** The file the logger appends to, if any. */
export function logFileOf(log: Logger): LogFile | undefined {
  for (const t of log.transports) {
    const f = files.get(t)
    if (f) return f
  }
  return undefined
}

function settings(opts: LogOptions) {
  const fmt =
    opts.format === 'json'
      ? format.combine(format.timestamp(), pid(), format.json())
      : format.combine(format.timestamp(), line)
  const sinks: Array<transports.ConsoleTransportInstance | transports.StreamTransportInstance> = [
    new transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'], silent: opts.silent ?? false }),
  ]
  // Not winston's File transport: its queue holds the whole logger back when the disk is full.
  if (opts.file) {
    const file = new LogFile(opts.file)
    const sink = new transports.Stream({ stream: file })
    files.set(sink, file)
    sinks.push(sink)
  }
  return { level: opts.level, format: fmt, transports: sinks }
}

export function makeLogger(opts: LogOptions): Logger {
  return createLogger(settings(opts))
}

/**
 * New level, format or file (SIGHUP): the file is closed and opened again by name, so after
 * logrotate moved it the next line goes to a new file.
 */
export function reconfigureLogger(log: Logger, opts: LogOptions): void {
  const old = [...log.transports]
  const before = logFileOf(log)
  log.configure(settings(opts))
  const after = logFileOf(log)
  if (before && after) after.inherit(before)
  for (const t of old) {
    t.close?.()
    files.get(t)?.end()
  }
}

/** Flush and close every transport, so the last lines reach the file before exit. */
export async function closeLogger(log: Logger): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000)
    log.on('finish', () => {
      clearTimeout(timer)
      resolve()
    })
    log.end()
  })
}
