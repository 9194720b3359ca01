// The one winston logger: stderr always (from the first line), plus an append-only file with -l.
import { createLogger, format, transports, type Logger } from 'winston'

export type { Logger }

export interface LogOptions {
  /** 0: info, 1 (-v): debug, packets included. */
  readonly verbose: number
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

export function makeLogger(opts: LogOptions): Logger {
  const level = opts.verbose > 0 ? 'debug' : 'info'
  const fmt = format.combine(format.timestamp(), line)
  const sinks: Array<transports.ConsoleTransportInstance | transports.FileTransportInstance> = [
    new transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'], silent: opts.silent ?? false }),
  ]
  if (opts.file) sinks.push(new transports.File({ filename: opts.file, options: { flags: 'a' } }))
  return createLogger({ level, format: fmt, transports: sinks })
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
