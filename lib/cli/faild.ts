// faild's entry point: read the config and flags, start the daemon, serve faildctl, run until signalled.
import { existsSync } from 'node:fs'
import { type Command, CommanderError } from 'commander'
import { DEFAULT_CONFIG_FILE } from '../config/defaults.js'
import { loadOptions } from '../config/load.js'
import { configText } from '../config/print.js'
import { CONFIG_SCHEMA } from '../config/schema.js'
import type { Options } from '../config/types.js'
import { ControlServer } from '../control/server.js'
import { InterfaceError } from '../core/lans.js'
import { KeyFileError } from '../core/wire/keys.js'
import { loadMetrics, logOptions, Service, type Source } from '../daemon/service.js'
import { catchSignals } from '../daemon/signals.js'
import { Systemd, statusLine } from '../daemon/systemd.js'
import { takeBoot } from '../host/boot-counter.js'
import { systemClock } from '../host/clock.js'
import { systemIp } from '../host/ip-runner.js'
import { closeLogger, type Logger, makeLogger } from '../host/log.js'
import { unwritable } from '../host/log-file.js'
import { MetricsServer } from '../host/metrics-server.js'
import { offlineFile, offlineFileOf } from '../host/offline-file.js'
import { acquirePidFile, releasePidFile } from '../host/pid-file.js'
import { systemdNotify, takeSystemdEnv } from '../host/sd-notify.js'
import { buildCommand, givenFlags } from './faild-command.js'
import { type HostChecks, hostChecks } from './host-checks.js'
import { type Io, stdio } from './io.js'
import { version } from './version.js'

/** The command line as given: the flags set on it, which config file to read, and -n. */
interface CommandLine extends Source {
  readonly check: boolean
}

function parseCommandLine(argv: readonly string[], io: Io): CommandLine | number {
  const cmd: Command = buildCommand(version()).exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err })
  try {
    cmd.parse(argv, { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1
    throw err
  }
  const o = cmd.opts()
  if (o.printSchema) {
    io.out(`${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`)
    return 0
  }
  const configFile =
    (o.config as string | undefined) ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined)
  const defaultFile = o.config === undefined ? DEFAULT_CONFIG_FILE : undefined
  return { flags: givenFlags(cmd), configFile, defaultFile, check: o.check === true }
}

type Prepared =
  | { readonly run: true; readonly options: Options; readonly cl: CommandLine }
  | { readonly run: false; readonly code: number }

/** "error: 2 problems, nothing started:" and the problems, one a line; exit code 1. */
function refuse(io: Io, problems: readonly string[]): number {
  const n = problems.length
  const lines = problems.map((e) => `  ${e}\n`).join('')
  io.err(`error: ${n} problem${n > 1 ? 's' : ''}, nothing started:\n${lines}`)
  return 1
}

/** Everything that can be refused before the host is looked at: flags, the config file, --print-schema. */
function prepare(argv: readonly string[], io: Io): Prepared {
  const cl = parseCommandLine(argv, io)
  if (typeof cl === 'number') return { run: false, code: cl }
  const r = loadOptions(cl.configFile, cl.flags)
  return r.ok ? { run: true, options: r.options, cl } : { run: false, code: refuse(io, r.errors) }
}

/**
 * Parse argv (without node and script): the options, or the exit code when faild should not run.
 * Only the flags and the config: -n gives 0 once they are valid, and prints nothing (main() checks the host).
 */
export function parseArgs(argv: readonly string[], io: Io = stdio): Options | number {
  const p = prepare(argv, io)
  if (!p.run) return p.code
  return p.cl.check ? 0 : p.options
}

/** -n: the host checks too, then "configuration OK" and the effective config as faild.json; the exit code. */
async function check(o: Options, cl: CommandLine, io: Io, checks: HostChecks): Promise<number> {
  const problems = await checks(o)
  if (problems.length > 0)
    return refuse(
      io,
      problems.map((p) => `host: ${p}`),
    )
  io.out(`configuration OK${cl.configFile ? ` (${cl.configFile})` : ''}:\n${configText(o)}`)
  return 0
}

/** Run faild until SIGTERM or SIGINT (or check, with -n); resolves to the process exit code. */
export async function main(
  argv: readonly string[],
  io: Io = stdio,
  checks: HostChecks = hostChecks(),
): Promise<number> {
  const p = prepare(argv, io)
  if (!p.run) return p.code
  if (p.cl.check) return check(p.options, p.cl, io, checks)
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
  const boot = () => bootId(opt.stateDir, log)
  const systemd = systemdSession(log, () => statusLine(svc.daemon.status()))
  const offline = offlineFile(offlineFileOf(opt.pidFile))
  const deps = { clock: systemClock, ip: systemIp, version: version(), boot, observer: systemd?.observer, offline }
  const svc: Service = new Service(opt, p.cl, log, deps, opt.metrics && (await loadMetrics()))
  const control = new ControlServer(opt.controlSocket, (req) => svc.handle(req), svc.events)
  const metrics = svc.metrics && new MetricsServer(svc.metrics)
  // From before the start: a signal must not end faild by Node's default action while it holds routes.
  const signals = catchSignals(svc, log)
  const code = (await startServing(svc, { control, metrics, systemd }, log)) ?? (await signals.run())
  await systemd?.stop()
  await metrics?.stop()
  await control.stop()
  await svc.idle()
  releasePidFile(opt.pidFile)
  await closeLogger(log)
  signals.release()
  return code
}

/** This run's boot id from the counter in `dir`; the clock's, with a warning, when it cannot be kept. */
function bootId(dir: string, log: Logger): number {
  const b = takeBoot(dir)
  if (b.problem) {
    log.warn(
      `${b.problem}; the boot id comes from the clock (with a key, if the clock went back, peers drop ` +
        'this run as a replay until they forget the last one)',
    )
  }
  return b.id
}

/** Started by systemd as Type=notify: the session that tells it READY=1, STATUS= and WATCHDOG=1. */
function systemdSession(log: Logger, status: () => string): Systemd | undefined {
  const env = takeSystemdEnv(process.env, process.pid)
  if (!env) return undefined
  const send = systemdNotify({ socket: env.socket, pid: process.pid, log })
  return new Systemd({ clock: systemClock, send, watchdogUsec: env.watchdogUsec, status })
}

/** What serves once the daemon runs; each may be absent. */
export interface Front {
  readonly control: Pick<ControlServer, 'start'>
  readonly metrics: MetricsServer | undefined
  readonly systemd: Systemd | undefined
}

/** A --metrics address that cannot be bound, told as the option's fault. */
class MetricsBindError extends Error {}

/**
 * Start the daemon (sockets bound, leftovers removed, rules installed: the kernel reconciled), the
 * control socket and the metrics; only then READY=1. The exit code if any is refused.
 */
export async function startServing(svc: Service, front: Front, log: Logger): Promise<number | undefined> {
  try {
    await svc.daemon.start()
    await front.control.start()
    const at = svc.daemon.options.metrics
    if (front.metrics && at) {
      const bound = await front.metrics.start(at.host, at.port).catch((err: Error) => {
        throw new MetricsBindError(`cannot listen on ${at.host}:${at.port}: ${err.message}`)
      })
      log.info(
        `metrics at http://${at.host.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port}/metrics`,
      )
    }
    await front.systemd?.ready()
    return undefined
  } catch (err) {
    // A placement error of a config key names it by its JSON path: only an interface's is the flag's.
    const message = (err as Error).message
    const flag =
      err instanceof InterfaceError && !message.startsWith('/')
        ? 'option -i/--interface: '
        : err instanceof KeyFileError
          ? 'option --key-file: '
          : err instanceof MetricsBindError
            ? 'option --metrics: '
            : ''
    log.error(`cannot start: ${flag}${message}`)
    await svc.daemon.stop().catch(() => {})
    return 1
  }
}
