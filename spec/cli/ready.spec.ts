// READY=1 (lib/cli/faild.ts startServing) comes only after the sockets are bound, the kernel reconciled
// (leftover routes removed, rules installed) and the control socket and metrics listen; never on a refused start.
import type dgram from 'node:dgram'
import t from 'tap'
import { type Front, parseArgs, startServing } from '../../lib/cli/faild.js'
import type { Options } from '../../lib/config/types.js'
import { Metrics } from '../../lib/daemon/metrics.js'
import { Service } from '../../lib/daemon/service.js'
import { Systemd } from '../../lib/daemon/systemd.js'
import type { IpResult } from '../../lib/host/ip-runner.js'
import { makeLogger } from '../../lib/host/log.js'
import { MetricsServer } from '../../lib/host/metrics-server.js'
import { carrier, ip, Sockets, StallClock } from '../daemon/one-host.js'
import { FakeClock } from '../support/fake-clock.js'

/** A faild whose every step of starting is written to `order`, as is each systemd message. */
function world(opt: Partial<Options>, ruleAdd: Partial<IpResult> = { code: 0 }) {
  const order: string[] = []
  const sockets = new Sockets()
  const socketFactory = (): dgram.Socket => {
    const s = sockets.factory()
    const bind = s.bind.bind(s) as (o: unknown, cb: () => void) => void
    const bound = (cb: () => void) => () => {
      order.push('bind')
      cb()
    }
    return Object.assign(s, { bind: (o: unknown, cb: () => void) => bind(o, bound(cb)) })
  }
  const fakeIp = {
    async run(args: readonly string[], input?: string): Promise<IpResult> {
      const cmd = args.join(' ')
      if (cmd.includes('rule show') || (input ?? '').includes('rule show')) order.push('read rules')
      if ((input ?? '').includes('rule add')) {
        order.push('rules added')
        return { code: 0, stdout: '', stderr: '', ...ruleAdd }
      }
      return ip.run(args)
    },
  }
  const log = makeLogger({ level: 'error', silent: true })
  const o = { ...(parseArgs(['-r', '-t', '0.1']) as Options), ...opt }
  const deps = { clock: new StallClock(), ip: fakeIp, socketFactory, carrierWatch: () => carrier }
  const svc = new Service(o, { configFile: undefined, flags: {} }, log, deps, Metrics)
  const systemd = new Systemd({
    clock: new FakeClock(),
    watchdogUsec: 1_000_000,
    status: () => 'status',
    send: async (lines) => {
      order.push(lines[0]!)
      return true
    },
  })
  const control = { start: async () => void order.push('control') }
  const metrics = svc.metrics && new MetricsServer(svc.metrics)
  const front: Front = { control, metrics, systemd }
  t.teardown(async () => {
    await systemd.stop()
    await metrics?.stop()
    await svc.daemon.stop()
  })
  return { order, svc, front, log, metrics }
}

t.test('READY=1 after every socket is bound, the rules read and added, the control socket up', async (t) => {
  const { order, svc, front, log } = world({})
  t.equal(await startServing(svc, front, log), undefined, 'started')
  t.equal(order.at(-1), 'READY=1', 'READY=1 last')
  t.equal(order.filter((x) => x === 'READY=1').length, 1, 'once')
  const ready = order.indexOf('READY=1')
  t.ok(order.lastIndexOf('bind') >= 0 && order.lastIndexOf('bind') < ready, 'after the last socket is bound')
  t.ok(order.indexOf('read rules') < order.indexOf('rules added'), 'leftovers read (and removed) first')
  t.ok(order.indexOf('rules added') < ready, 'after the rules are installed')
  t.ok(order.indexOf('control') < ready, 'after the control socket listens')
})

t.test('with --metrics: READY=1 once /metrics listens', async (t) => {
  const { order, svc, front, log, metrics } = world({ metrics: { host: '127.0.0.1', port: 0 } })
  t.ok(metrics, 'a metrics server')
  t.equal(await startServing(svc, front, log), undefined)
  t.equal(order.at(-1), 'READY=1')
})

t.test('a config key on none of the LANs: the start is refused naming the key, not the interface flag', async (t) => {
  const { svc, front, log } = world({ staticPeers: [0xc6130909] })
  const lines: string[] = []
  log.on('data', (i: { message: string }) => lines.push(i.message))
  t.equal(await startServing(svc, front, log), 1)
  t.match(lines.join('\n'), /^cannot start: \/staticPeers\/0: 198\.19\.9\.9 is on none of this host's LANs$/m)
})

t.test('a refused start never says READY=1: rules refused, or the metrics port taken', async (t) => {
  const refused = world({}, { code: 2, stdout: '', stderr: 'RTNETLINK answers: Operation not permitted' })
  t.equal(await startServing(refused.svc, refused.front, refused.log), 1)
  t.notOk(refused.order.includes('READY=1'), 'no READY=1 when the rules cannot be added')
  const taken = new MetricsServer({ contentType: 'text/plain', text: async () => '' })
  const { port } = await taken.start('127.0.0.1', 0)
  t.teardown(() => taken.stop())
  const clash = world({ metrics: { host: '127.0.0.1', port } })
  const lines: string[] = []
  clash.log.on('data', (i: { message: string }) => lines.push(i.message))
  t.equal(await startServing(clash.svc, clash.front, clash.log), 1)
  t.notOk(clash.order.includes('READY=1'), 'no READY=1 when --metrics cannot listen')
  t.match(lines.join('\n'), /cannot start: option --metrics: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/)
})
