// Runs the started daemon until a signal ends it: SIGTERM/SIGINT stop, SIGHUP reloads, SIGUSR1 logs the status.
import { constants } from 'node:os'
import { formatStatus } from '../core/report/status-format.js'
import type { Logger } from '../host/log.js'
import type { Service } from './service.js'

/** Milliseconds a stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 10_000

/** EX_SOFTWARE (sysexits.h): an internal error. */
const EX_SOFTWARE = 70

/** Resolves to the process exit code once the daemon has stopped. */
export function runUntilSignalled(svc: Service, log: Logger): Promise<number> {
  const daemon = svc.daemon
  return new Promise<number>((resolve) => {
    const onHup = () => void svc.reload('SIGHUP')
    const onUsr1 = () => log.info(`status (SIGUSR1):\n${formatStatus(daemon.status())}`)
    const onSignal = (sig: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal).off('SIGINT', onSignal).off('SIGHUP', onHup).off('SIGUSR1', onUsr1)
      log.info(`${sig}: stopping`)
      const force = setTimeout(() => {
        log.error(`stop took over ${STOP_TIMEOUT_MS / 1000}s, exiting anyway`)
        resolve(128 + constants.signals[sig])
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
      daemon.stop().finally(() => resolve(EX_SOFTWARE))
    })
  })
}
