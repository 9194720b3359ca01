// Catches the daemon's signals from before it starts until it has stopped: SIGTERM/SIGINT stop, SIGHUP reloads, SIGUSR1 logs the status.
//
// No signal may end faild by Node's default action while it holds routes: a SIGTERM during the
// start (after its rules went in) waits for the start and then stops; a second SIGTERM or a
// Ctrl-C pressed twice, or logrotate's SIGHUP, during the stop does not cut the stop short and
// leave every detour route and rule in the kernel. A SIGHUP during the start reloads once it is
// done: the log logrotate moved meanwhile is reopened.
import { constants } from 'node:os'
import { formatStatus } from '../core/report/status-format.js'
import type { Logger } from '../host/log.js'

/** Milliseconds a stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 10_000

/** Internal errors logged in full; a recurring one would fill the log during the stop. */
const MAX_ERRORS_LOGGED = 3

/** EX_SOFTWARE (sysexits.h): an internal error. */
const EX_SOFTWARE = 70

/** What the signals act on (service.ts's Service). */
export interface Signalled {
  readonly daemon: { stop(): Promise<void>; status(): Parameters<typeof formatStatus>[0] }
  reload(why: string): Promise<unknown>
}

export interface CaughtSignals {
  /** Resolves to the process exit code once the daemon has stopped; at once if a stop was asked during the start. */
  run(): Promise<number>
  /** Let the signals and internal errors go again (Node's default actions): once faild has nothing left to do. */
  release(): void
}

/** Catch the signals from now on; call run() once the daemon has started. */
export function catchSignals(svc: Signalled, log: Logger): CaughtSignals {
  let state: 'starting' | 'running' | 'stopping' = 'starting'
  /** A stop asked during the start. */
  let asked: NodeJS.Signals | undefined
  /** A reload asked during the start (logrotate moved the log, or the config changed after it was read). */
  let hup = false
  let stop: (sig: NodeJS.Signals) => void = () => {}
  let onError: (err: Error) => void = () => {}
  let errors = 0
  const onStop = (sig: NodeJS.Signals) => {
    if (state === 'running') return stop(sig)
    if (state === 'stopping') return log.info(`${sig}: already stopping (faild removes its routes first)`)
    asked ??= sig
    log.info(`${sig}: stopping once the start is done`)
  }
  const onHup = () => {
    if (state === 'running') return void svc.reload('SIGHUP')
    if (state === 'stopping') return log.info('SIGHUP: ignored while stopping')
    hup = true
    log.info('SIGHUP: reloading once the start is done')
  }
  const onUsr1 = () =>
    log.info(state === 'running' ? `status (SIGUSR1):\n${formatStatus(svc.daemon.status())}` : `SIGUSR1: ${state}`)
  process.on('SIGTERM', onStop).on('SIGINT', onStop).on('SIGHUP', onHup).on('SIGUSR1', onUsr1)
  const run = () =>
    new Promise<number>((resolve) => {
      // Stopped, the routes are gone: a signal may end the rest of the exit at once. An internal
      // error is still caught (the pid file, the log's last lines) until release().
      const exit = (code: number) => {
        releaseSignals()
        resolve(code)
      }
      /** Stop; resolve to `done` once stopped (1 if the stop failed and `done` is 0), to `late` if it takes too long. */
      const stopping = (done: number, late: number) => {
        state = 'stopping'
        const force = setTimeout(() => {
          log.error(`stop took over ${STOP_TIMEOUT_MS / 1000}s, exiting anyway`)
          exit(late)
        }, STOP_TIMEOUT_MS)
        svc.daemon
          .stop()
          .then(
            () => exit(done),
            (err: Error) => {
              log.error(`stop failed: ${err.message}`)
              exit(done || 1)
            },
          )
          .finally(() => clearTimeout(force))
      }
      stop = (sig) => {
        log.info(`${sig}: stopping`)
        stopping(0, 128 + constants.signals[sig])
      }
      // Every one caught, not the first only: a second (a timer that throws each interval) would
      // otherwise end faild by Node's default and leave its routes. A stop under way goes on.
      onError = (err) => {
        errors++
        if (errors <= MAX_ERRORS_LOGGED) log.error(`internal error, stopping: ${err.stack ?? err.message}`)
        else if (errors === MAX_ERRORS_LOGGED + 1) log.error('more internal errors: not logged, the stop goes on')
        if (state !== 'stopping') stopping(EX_SOFTWARE, EX_SOFTWARE)
      }
      process.on('uncaughtException', onError)
      state = 'running'
      if (asked) stop(asked)
      else if (hup) void svc.reload('SIGHUP')
    })
  const releaseSignals = () => {
    process.off('SIGTERM', onStop).off('SIGINT', onStop).off('SIGHUP', onHup).off('SIGUSR1', onUsr1)
  }
  const release = () => {
    releaseSignals()
    process.off('uncaughtException', onError)
  }
  return { run, release }
}
