// faild's entry point: read the config and flags, start the daemon, serve faildctl, handle signals.
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { CommanderError, type Command } from 'commander'
import { systemClock } from '../host/clock.js'
import { DEFAULT_CONFIG_FILE, readConfigFile, resolveConfig } from '../config/resolve.js'
import { CONFIG_SCHEMA } from '../config/schema.js'
import { ControlServer, type Reply, type Request } from '../control/server.js'
import { Daemon } from '../daemon/daemon.js'
import { InterfaceError } from '../core/lans.js'
import { KeyFileError } from '../core/wire/keys.js'
import { systemIp } from '../host/ip-runner.js'
import { closeLogger, makeLogger, reconfigureLogger, type LogOptions, type Logger } from '../host/log.js'
import { Notifier } from '../host/notify.js'
import { buildCommand, givenFlags, type Options } from './faild-command.js'
import { acquirePidFile, releasePidFile } from '../host/pid-file.js'
import { formatStatus } from '../core/report/status-format.js'

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

/** The command line as given: the flags set on it, and which config file to read. */
interface CommandLine {
  readonly flags: Record<string, unknown>
  /** undefined: no file (none given, and the default is absent). */
  readonly configFile: string | undefined
  readonly check: boolean
}

function parseCommandLine(argv: readonly string[], io: Io): CommandLine | number {
  const cmd: Command = buildCommand(version())
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
  try {
    cmd.parse(argv, { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1
    throw err
  }
  const o = cmd.opts()
  if (o.printSchema) {
    io.out(JSON.stringify(CONFIG_SCHEMA, null, 2) + '\n')
    return 0
  }
  const configFile = (o.config as string | undefined) ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined)
  return { flags: givenFlags(cmd), configFile, check: o.check === true }
}

/** The file (if any) with the flags over it; every error at once, as lines. */
function loadOptions(cl: CommandLine): { ok: true; options: Options } | { ok: false; errors: string[] } {
  let file: unknown
  if (cl.configFile !== undefined) {
    const r = readConfigFile(cl.configFile)
    if (!r.ok) return { ok: false, errors: [`config ${cl.configFile}: ${r.error}`] }
    file = r.value
  }
  const r = resolveConfig(file, cl.flags, cl.configFile)
  return r.ok ? r : { ok: false, errors: r.errors.map((e) => `config ${cl.configFile ?? '(flags)'}: ${e}`) }
}

type Prepared = { readonly run: true; readonly options: Options; readonly cl: CommandLine } | { readonly run: false; readonly code: number }

/** Everything that can be refused before anything runs: flags, the config file, -n, --print-schema. */
function prepare(argv: readonly string[], io: Io): Prepared {
  const cl = parseCommandLine(argv, io)
  if (typeof cl === 'number') return { run: false, code: cl }
  const r = loadOptions(cl)
  if (!r.ok) {
    const n = r.errors.length
    io.err(`error: ${n} problem${n > 1 ? 's' : ''}, nothing started:\n${r.errors.map((e) => `  ${e}\n`).join('')}`)
    return { run: false, code: 1 }
  }
  if (cl.check) {
    io.out(`configuration OK${cl.configFile ? ` (${cl.configFile})` : ''}:\n${JSON.stringify(r.options, null, 2)}\n`)
    return { run: false, code: 0 }
  }
  return { run: true, options: r.options, cl }
}

/** Parse argv (without node and script): the options, or the exit code when faild should not run. */
export function parseArgs(argv: readonly string[], io: Io = stdio): Options | number {
  const p = prepare(argv, io)
  return p.run ? p.options : p.code
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

const logOptions = (o: Options): LogOptions => ({ level: o.logLevel, format: o.logFormat, file: o.logFile })

/** The running daemon with what surrounds it: logger, hook, control socket. */
class Service {
  readonly #cl: CommandLine
  readonly #log: Logger
  readonly daemon: Daemon
  #notifier: Notifier | undefined
  #reloading: Promise<Reply> = Promise.resolve({ ok: true })

  constructor(options: Options, cl: CommandLine, log: Logger) {
    this.#cl = cl
    this.#log = log
    this.#notifier = options.notify ? new Notifier(options.notify, options.notifyTimeout, log) : undefined
    this.daemon = new Daemon(options, {
      clock: systemClock,
      log,
      ip: systemIp,
      version: version(),
      notify: (e) => this.#notifier?.notify(e),
    })
  }

  async handle(req: Request): Promise<Reply> {
    switch (req.command) {
      case 'status':
        return { ok: true, status: this.daemon.status() }
      case 'offline':
      case 'online': {
        const r = this.daemon.setOffline(req.lan, req.command === 'offline')
        return r.ok ? { ok: true, message: r.message } : { ok: false, error: r.message }
      }
      case 'reload':
        return this.reload('faildctl reload')
    }
  }

  /** SIGHUP or faildctl reload: one at a time. A bad file is logged and the running config kept. */
  reload(why: string): Promise<Reply> {
    this.#reloading = this.#reloading.then(() => this.#reload(why))
    return this.#reloading
  }

  async #reload(why: string): Promise<Reply> {
    const log = this.#log
    const r = loadOptions(this.#cl)
    if (!r.ok) {
      for (const e of r.errors) log.error(`${why}: ${e}`)
      log.error(`${why}: the config is not valid; the running one is kept`)
      return { ok: false, error: `config not valid, running config kept:\n${r.errors.join('\n')}` }
    }
    const o = r.options
    const bad = o.logFile === undefined ? undefined : unwritable(o.logFile)
    if (bad) {
      log.error(`${why}: log file ${o.logFile}: ${bad}; the running config is kept`)
      return { ok: false, error: `log file ${o.logFile}: ${bad}` }
    }
    reconfigureLogger(log, logOptions(o))
    if (o.notify) {
      if (this.#notifier) this.#notifier.configure(o.notify, o.notifyTimeout)
      else this.#notifier = new Notifier(o.notify, o.notifyTimeout, log)
    } else this.#notifier = undefined
    try {
      const pending = await this.daemon.reconfigure(o)
      const rest = pending.length ? `; changed but applied only at restart: ${pending.join(', ')}` : ''
      const message = `${why}: config${this.#cl.configFile ? ` ${this.#cl.configFile}` : ''} reloaded, log reopened${rest}`
      log.info(message)
      return { ok: true, message }
    } catch (err) {
      log.error(`${why}: ${(err as Error).message}; the running config is kept`)
      return { ok: false, error: (err as Error).message }
    }
  }

  async idle(): Promise<void> {
    await this.#notifier?.idle(2000)
  }
}

/** Run faild until SIGTERM or SIGINT; resolves to the process exit code. */
export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  const p = prepare(argv, io)
  if (!p.run) return p.code
  const opt = p.options
  const bad = opt.logFile === undefined ? undefined : unwritable(opt.logFile)
  if (bad) {
    io.err(`error: option '-l, --log-file <file>' argument '${opt.logFile}' cannot be opened for appending: ${bad}\n`)
    return 1
  }
  const locked = acquirePidFile(opt.pidFile)
  if (locked) {
    io.err(`error: ${locked}\n`)
    return 1
  }
  const log = makeLogger(logOptions(opt))
  const svc = new Service(opt, p.cl, log)
  const control = new ControlServer(opt.controlSocket, (req) => svc.handle(req))
  const code = await run(svc, control, log)
  await control.stop()
  await svc.idle()
  releasePidFile(opt.pidFile)
  await closeLogger(log)
  return code
}

async function run(svc: Service, control: ControlServer, log: Logger): Promise<number> {
  const daemon = svc.daemon
  try {
    await daemon.start()
    await control.start()
  } catch (err) {
    const flag = err instanceof InterfaceError ? 'option -i/--interface: ' : err instanceof KeyFileError ? 'option --key-file: ' : ''
    log.error(`cannot start: ${flag}${(err as Error).message}`)
    await daemon.stop().catch(() => {})
    return 1
  }
  return new Promise<number>((resolve) => {
    const onHup = () => void svc.reload('SIGHUP')
    const onUsr1 = () => log.info(`status (SIGUSR1):\n${formatStatus(daemon.status())}`)
    const onSignal = (sig: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal).off('SIGINT', onSignal).off('SIGHUP', onHup).off('SIGUSR1', onUsr1)
      log.info(`${sig}: stopping`)
      const force = setTimeout(() => {
        log.error(`stop took over ${STOP_TIMEOUT_MS / 1000}s, exiting anyway`)
        resolve(128 + (sig === 'SIGINT' ? 2 : 15))
      }, STOP_TIMEOUT_MS)
      daemon
        .stop()
        .then(
          () => resolve(0),
          (err: Error) => {
            log.error(`stop failed: ${err.message}`)
            resolve(1)
          },
        )
        .finally(() => clearTimeout(force))
    }
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal).on('SIGHUP', onHup).on('SIGUSR1', onUsr1)
    process.once('uncaughtException', (err) => {
      log.error(`internal error, stopping: ${err.stack ?? err.message}`)
      daemon.stop().finally(() => resolve(70))
    })
  })
}
