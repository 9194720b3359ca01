// faild's entry point: parse the command line, start the daemon, stop it cleanly on a signal.
import { closeSync, openSync, readFileSync } from 'node:fs'
import { CommanderError } from 'commander'
import { systemClock } from './clock.js'
import { Daemon } from './daemon.js'
import { InterfaceError } from './interfaces.js'
import { systemIp } from './ip.js'
import { closeLogger, makeLogger } from './log.js'
import { buildCommand, toOptions, type Options } from './options.js'

export interface Io {
  readonly out: (s: string) => void
  readonly err: (s: string) => void
}

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }

/** Seconds a stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 10_000

export function version(): string {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'faild' && pkg.version) return pkg.version
    } catch {
      // not here: look one level up
    }
  }
  return 'unknown'
}

/** Parse argv (without node and script); undefined with the exit code when faild should not run. */
export function parseArgs(argv: readonly string[], io: Io = stdio): Options | number {
  const cmd = buildCommand(version())
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
  try {
    cmd.parse(argv, { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1
    throw err
  }
  return toOptions(cmd.opts())
}

/** Why `file` cannot be appended to, or undefined. (winston would create missing directories.) */
function unwritable(file: string): string | undefined {
  try {
    closeSync(openSync(file, 'a'))
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

/** Run faild until SIGTERM or SIGINT; resolves to the process exit code. */
export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  const opt = parseArgs(argv, io)
  if (typeof opt === 'number') return opt
  const bad = opt.logFile === undefined ? undefined : unwritable(opt.logFile)
  if (bad) {
    io.err(`error: option '-l, --log-file <file>' argument '${opt.logFile}' cannot be opened for appending: ${bad}\n`)
    return 1
  }
  const log = makeLogger({ verbose: opt.verbose, file: opt.logFile })
  const daemon = new Daemon(opt, { clock: systemClock, log, ip: systemIp })
  try {
    await daemon.start()
  } catch (err) {
    const flag = err instanceof InterfaceError ? 'option -i/--interface: ' : ''
    log.error(`cannot start: ${flag}${(err as Error).message}`)
    await daemon.stop().catch(() => {})
    await closeLogger(log)
    return 1
  }
  const code = await new Promise<number>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal).off('SIGINT', onSignal)
      log.info(`${sig}: stopping`)
      const force = setTimeout(() => {
        log.error(`stop took over ${STOP_TIMEOUT_MS / 1000}s, exiting anyway`)
        resolve(128 + (sig === 'SIGINT' ? 2 : 15))
      }, STOP_TIMEOUT_MS)
      daemon.stop().then(
        () => resolve(0),
        (err: Error) => {
          log.error(`stop failed: ${err.message}`)
          resolve(1)
        },
      ).finally(() => clearTimeout(force))
    }
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal)
    process.once('uncaughtException', (err) => {
      log.error(`internal error, stopping: ${err.stack ?? err.message}`)
      daemon.stop().finally(() => resolve(70))
    })
  })
  await closeLogger(log)
  return code
}
