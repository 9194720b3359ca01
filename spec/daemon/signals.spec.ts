// lib/daemon/signals.ts: no signal ends faild mid-start or mid-stop; a stop asked during the start comes once started.
import t, { type Test } from 'tap'
import { catchSignals, type Signalled } from '../../lib/daemon/signals.js'
import { capturingLogger } from '../support/capturing-logger.js'

/** A service whose stop waits until `finish()`; counts stops and reloads. */
function service() {
  let finish: () => void = () => {}
  const svc = {
    stops: 0,
    reloads: 0,
    daemon: {
      stop: () => {
        svc.stops++
        return new Promise<void>((done) => {
          finish = done
        })
      },
      status: () => {
        throw new Error('not asked in these specs')
      },
    },
    reload: async () => {
      svc.reloads++
    },
  }
  return { svc: svc as typeof svc & Signalled, finish: () => finish() }
}

/** The signals caught for a service whose stop waits for `finish()`; let go at the test's end. */
function caughtFor(t: Test) {
  const { svc, finish } = service()
  const { log, text } = capturingLogger()
  const caught = catchSignals(svc, log)
  t.teardown(caught.release)
  return { svc, finish, caught, text }
}

const turn = () => new Promise((r) => setImmediate(r))
const signal = (sig: NodeJS.Signals) => process.emit(sig as 'SIGTERM', sig)

t.test('a SIGTERM during the start: nothing stops until it is done, then the stop comes at once', async (t) => {
  const { svc, finish, caught, text } = caughtFor(t)
  signal('SIGTERM')
  signal('SIGHUP')
  await turn()
  t.equal(svc.stops, 0, 'not while starting')
  t.equal(svc.reloads, 0, 'a SIGHUP while starting is not a reload')
  const code = caught.run()
  t.equal(svc.stops, 1, 'stopping once started')
  finish()
  t.equal(await code, 0)
  t.match(text(), /SIGTERM: stopping once the start is done[\s\S]*SIGHUP: reloading once the start is done/)
  t.equal(svc.reloads, 0, 'the stop asked wins: no reload')
})

t.test('a SIGHUP during the start (logrotate at boot) reloads once started', async (t) => {
  const { svc, finish, caught } = caughtFor(t)
  signal('SIGHUP')
  signal('SIGHUP')
  await turn()
  t.equal(svc.reloads, 0, 'not while starting')
  const code = caught.run()
  t.equal(svc.reloads, 1, 'one reload once started, however many came')
  signal('SIGTERM')
  finish()
  t.equal(await code, 0)
})

t.test('a second SIGTERM, a Ctrl-C and a SIGHUP during the stop do not cut it short', async (t) => {
  const { svc, finish } = service()
  const before = process.listenerCount('SIGHUP')
  const { log, text } = capturingLogger()
  const caught = catchSignals(svc, log)
  t.teardown(caught.release)
  const code = caught.run()
  signal('SIGHUP')
  await turn()
  t.equal(svc.reloads, 1, 'running: SIGHUP reloads')
  signal('SIGTERM')
  signal('SIGTERM')
  signal('SIGINT')
  signal('SIGHUP')
  await turn()
  t.equal(svc.stops, 1, 'one stop')
  t.equal(svc.reloads, 1, 'no reload while stopping')
  t.equal(process.listenerCount('SIGTERM') > 0 && process.listenerCount('SIGHUP') > 0, true, 'still caught')
  finish()
  t.equal(await code, 0)
  t.equal(process.listenerCount('SIGHUP'), before, 'stopped: let go')
  t.match(text(), /SIGTERM: already stopping[\s\S]*SIGINT: already stopping[\s\S]*SIGHUP: ignored while stopping/)
})

t.test('release lets the signals go', async (t) => {
  const { svc } = service()
  const before = process.listenerCount('SIGTERM')
  const caught = catchSignals(svc, capturingLogger().log)
  t.equal(process.listenerCount('SIGTERM'), before + 1)
  caught.release()
  t.equal(process.listenerCount('SIGTERM'), before)
})

t.test(
  'internal errors: the first starts the stop, later ones are caught too (one uncaught would end faild with its routes)',
  async (t) => {
    const { svc, finish } = service()
    const { log, text } = capturingLogger()
    const caught = catchSignals(svc, log)
    t.teardown(caught.release)
    const before = process.listenerCount('uncaughtException')
    const code = caught.run()
    const raise = (err: Error) => (process.emit as (e: string, err: Error) => boolean)('uncaughtException', err)
    for (let i = 0; i < 6; i++) raise(new Error(`timer ${i}`))
    t.equal(process.listenerCount('uncaughtException'), before + 1, 'still caught after the first')
    t.equal(svc.stops, 1, 'one stop')
    finish()
    t.equal(await code, 70, 'EX_SOFTWARE')
    t.equal(process.listenerCount('uncaughtException'), before + 1, 'stopped: still caught while faild exits')
    caught.release()
    t.equal(process.listenerCount('uncaughtException'), before, 'released: let go')
    t.equal(text().match(/internal error, stopping/g)?.length, 3, 'three in full')
    t.match(text(), /more internal errors: not logged, the stop goes on/)
  },
)
