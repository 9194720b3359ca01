// The composition root of lib/daemon.ts with fakes at every edge: a virtual clock, an in-memory
// two-LAN network of UDP sockets, a recording `ip` and a carrier watch driven by the test.

import type dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import t, { type Test } from 'tap'
import { parseArgs } from '../../lib/cli/faild.js'
import type { Options } from '../../lib/config/types.js'
import { Daemon } from '../../lib/daemon/daemon.js'
import type { CarrierHandler, CarrierWatch } from '../../lib/host/carrier-watch.js'
import type { Clock, Timer } from '../../lib/host/clock.js'
import type { IpResult, IpRunner } from '../../lib/host/ip-runner.js'
import { makeLogger } from '../../lib/host/log.js'

/** Let setImmediate chains (socket delivery, draining, planning) run to completion. */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r))
}

class FakeClock implements Clock {
  t = 0
  #timers: Array<{ at: number; fn: () => void }> = []
  now = (): number => this.t
  setTimeout(fn: () => void, ms: number): Timer {
    const timer = { at: this.t + Math.max(0, ms), fn }
    this.#timers.push(timer)
    return { cancel: () => void (this.#timers = this.#timers.filter((x) => x !== timer)) }
  }
  /** Run every timer due within `ms`, in time order, letting I/O settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms
    for (let guard = 0; guard < 10_000; guard++) {
      const next = this.#timers.reduce((m, x) => Math.min(m, x.at), Infinity)
      if (next > end) break
      this.t = next
      const due = this.#timers.filter((x) => x.at <= this.t)
      this.#timers = this.#timers.filter((x) => x.at > this.t)
      for (const x of due) x.fn()
      await flush()
    }
    this.t = end
    await flush()
  }
}

/** Two LANs of UDP sockets in memory. A "dead" address neither sends nor receives (a dead port). */
class Network {
  readonly sockets = new Map<string, FakeSocket>() // keyed by "host|address:port"
  readonly dead = new Set<string>()

  factory(host: number): () => dgram.Socket {
    return () => new FakeSocket(this, host) as unknown as dgram.Socket
  }

  deliver(from: string, data: Buffer, port: number, to: string): void {
    if (this.dead.has(from) || this.dead.has(to)) return
    for (const [key, sock] of this.sockets) {
      const [host, where] = key.split('|') as [string, string]
      const own = (lan: string) => `198.18.${lan}.${host}`
      if (where !== `${to}:${port}`) continue
      if (to.endsWith('.255') && this.dead.has(own(to.split('.')[2]!))) continue
      setImmediate(() => sock.emit('message', Buffer.from(data), { address: from, port }))
    }
  }
}

class FakeSocket extends EventEmitter {
  #key = ''
  #address = ''
  constructor(
    readonly net: Network,
    readonly host: number,
  ) {
    super()
  }
  bind(opt: { address: string; port: number }, cb: () => void): void {
    this.#key = `${this.host}|${opt.address}:${opt.port}`
    this.#address = opt.address
    if (this.net.sockets.has(this.#key)) {
      setImmediate(() => this.emit('error', new Error('bind EADDRINUSE')))
      return
    }
    this.net.sockets.set(this.#key, this)
    setImmediate(cb)
  }
  send(data: Buffer, port: number, address: string): void {
    this.net.deliver(this.#address, data, port, address)
  }
  close(cb: () => void): void {
    this.net.sockets.delete(this.#key)
    setImmediate(cb)
  }
  setBroadcast(): void {}
  setRecvBufferSize(): void {}
  getRecvBufferSize(): number {
    return 8 << 20
  }
}

/** `ip` for host n: two LAN interfaces, a routing table kept from the batches, and a record of the route batches. */
class FakeIp implements IpRunner {
  batches: string[] = []
  /** The kernel's view: faild's routes by "dst table", and its rules by priority. */
  routes = new Map<string, Record<string, string>>()
  rules = new Map<number, Record<string, string | number>>()
  constructor(readonly n: number) {}
  async run(args: readonly string[], input?: string): Promise<IpResult> {
    const cmd = args.join(' ')
    const ok = (stdout = ''): IpResult => ({ code: 0, stdout, stderr: '' })
    if (cmd === '-json addr show') {
      const lan = (name: string, x: number) => ({
        ifname: name,
        flags: ['BROADCAST', 'UP', 'LOWER_UP'],
        addr_info: [{ family: 'inet', local: `198.18.${x}.${this.n}`, prefixlen: 24, broadcast: `198.18.${x}.255` }],
      })
      return ok(
        JSON.stringify([{ ifname: 'lo', flags: ['LOOPBACK', 'UP'], addr_info: [] }, lan('etha', 1), lan('ethb', 2)]),
      )
    }
    if (cmd.startsWith('-json route show')) return ok(JSON.stringify([...this.routes.values()]))
    if (cmd.startsWith('-json rule show')) return ok(JSON.stringify([...this.rules.values()]))
    if (cmd === '-force -batch -') {
      const lines = (input ?? '').trim().split('\n')
      for (const l of lines) this.#apply(l.split(' '))
      const routes = lines.filter((l) => l.startsWith('route'))
      if (routes.length) this.batches.push(routes.join('\n'))
    }
    return ok()
  }

  #apply(w: string[]): void {
    const at = (k: string) => w[w.indexOf(k) + 1]!
    const dst = w[2]!.replace(/\/32$/, '')
    if (w[0] === 'route' && w[1] === 'replace') {
      this.routes.set(`${dst} ${at('table')}`, {
        dst,
        gateway: at('via'),
        dev: at('dev'),
        prefsrc: at('src'),
        table: at('table'),
      })
    } else if (w[0] === 'route' && w[1] === 'del') this.routes.delete(`${dst} ${at('table')}`)
    else if (w[0] === 'rule' && w[1] === 'add')
      this.rules.set(Number(at('pref')), { priority: Number(at('pref')), table: at('table'), protocol: at('protocol') })
    else if (w[0] === 'rule' && w[1] === 'del') this.rules.delete(Number(at('pref')))
  }
}

class FakeCarrier implements CarrierWatch {
  onChange: CarrierHandler = () => {}
  async start(onChange: CarrierHandler): Promise<void> {
    this.onChange = onChange
  }
  async stop(): Promise<void> {}
}

/** The options a lab host runs with, from the real parser. */
const options = parseArgs(['-r', '-t', '0.1', '-f', '3', '-s', '3']) as Options

async function cluster(t: Test, hosts: number, opt: Partial<Options> = {}) {
  const net = new Network()
  const clock = new FakeClock()
  const nodes = Array.from({ length: hosts }, (_, i) => {
    const n = i + 1
    const ip = new FakeIp(n)
    const carrier = new FakeCarrier()
    const lines: string[] = []
    const log = makeLogger({ level: 'info', silent: true })
    log.on('data', (info: { level: string; message: string }) => lines.push(`${info.level}: ${info.message}`))
    const daemon = new Daemon(
      { ...options, ...opt },
      { clock, log, ip, socketFactory: net.factory(n), carrierWatch: () => carrier },
    )
    return { n, ip, carrier, lines, daemon }
  })
  for (const x of nodes) await x.daemon.start()
  t.teardown(async () => {
    for (const x of nodes) await x.daemon.stop()
  })
  return { net, clock, nodes }
}

const swap = (peer: number, me: number) =>
  `route replace 198.18.1.${peer}/32 via 198.18.2.${peer} dev ethb src 198.18.1.${me} table 4207 proto 250`
const restore = (peer: number) => `route del 198.18.1.${peer}/32 table 4207 proto 250`

t.test('a dead LAN A port: both ends swap after f missed ACKs and restore after s good ones', async (t) => {
  const { net, clock, nodes } = await cluster(t, 2)
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]]
  await clock.advance(500)
  t.same([a.ip.batches, b.ip.batches], [[], []], 'converged: nothing swapped')
  t.match(a.lines.join('\n'), /peer 198\.18\.1\.2 LAN A: unknown -> up/)

  net.dead.add('198.18.1.2')
  await clock.advance(150)
  t.same([a.ip.batches, b.ip.batches], [[], []], 'an interval and a half: two misses (its INQ and our ACK), not yet')
  await clock.advance(200)
  t.same(a.ip.batches, [swap(2, 1)], 'the third miss: host 1 routes host 2 A via B in one batch')
  t.same(b.ip.batches, [swap(1, 2)], 'and host 2 routes host 1 A via B')
  t.match(
    a.lines.join('\n'),
    /peer 198\.18\.1\.2 LAN A: up -> down \(missed 3\/3, good 0\/3\): route 198\.18\.1\.2 via 198\.18\.2\.2 dev ethb src 198\.18\.1\.1/,
  )

  net.dead.delete('198.18.1.2')
  await clock.advance(500)
  t.same(a.ip.batches.slice(1), [restore(2)], 'healed: restored once, no flapping')
  t.same(b.ip.batches.slice(1), [restore(1)])
})

t.test('carrier loss: the host and its peers swap at once, without waiting for misses', async (t) => {
  const { net, clock, nodes } = await cluster(t, 2)
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]]
  await clock.advance(500)
  net.dead.add('198.18.1.2')
  b.carrier.onChange('etha', false)
  await flush()
  t.same(b.ip.batches, [swap(1, 2)], 'the host with the pulled cable swaps at once')
  t.same(a.ip.batches, [swap(2, 1)], 'and its peer, told over LAN B, swaps before any timer ran')
  t.match(b.lines.join('\n'), /LAN A \(etha\): carrier lost/)
  t.match(a.lines.join('\n'), /peer says its LAN is out of service/)
})

t.test('a responder-only host counts missed INQs and swaps too', async (t) => {
  const { net, clock, nodes } = await cluster(t, 2)
  const [a] = nodes as [(typeof nodes)[0]]
  await a.daemon.stop() // host 1 comes back as a responder only (no -r)
  const ip = new FakeIp(1)
  const log = makeLogger({ level: 'info', silent: true })
  const responder = new Daemon(
    { ...options, requestor: false },
    { clock, log, ip, socketFactory: net.factory(1), carrierWatch: () => new FakeCarrier() },
  )
  await responder.start()
  t.teardown(() => responder.stop())
  await clock.advance(500)
  net.dead.add('198.18.1.2')
  await clock.advance(500)
  t.same(ip.batches, [swap(2, 1)])
})

t.test('malformed packets are dropped and counted; the first of each kind is a warning', async (t) => {
  const { net, clock, nodes } = await cluster(t, 1)
  const [a] = nodes as [(typeof nodes)[0]]
  for (let i = 0; i < 3; i++) net.deliver('198.18.1.9', Buffer.from('not faild'), 4207, '198.18.1.1')
  await clock.advance(10)
  t.equal(a.daemon.status().packets.drops.ERR_TOO_SHORT, 3)
  t.equal(
    a.lines.filter((l) => l.startsWith('warn:') && l.includes('ERR_TOO_SHORT')).length,
    1,
    'one warning, then counted quietly',
  )
  t.match(a.daemon.stats(), /dropped 3 \(ERR_TOO_SHORT 3\)/)
})

t.test('a second daemon on the same address refuses to start and changes nothing', async (t) => {
  const { net, clock } = await cluster(t, 1)
  const ip = new FakeIp(1)
  const log = makeLogger({ level: 'info', silent: true })
  const second = new Daemon(options, {
    clock,
    log,
    ip,
    socketFactory: net.factory(1),
    carrierWatch: () => new FakeCarrier(),
  })
  await t.rejects(second.start(), { message: /EADDRINUSE/ })
  t.same(ip.batches, [], 'no route or rule touched')
})

t.test('every interval the kernel is checked: a route deleted by hand comes back, a stray one goes', async (t) => {
  const { net, clock, nodes } = await cluster(t, 2)
  const [a] = nodes as [(typeof nodes)[0]]
  await clock.advance(500)
  net.dead.add('198.18.1.2')
  await clock.advance(500)
  t.same(a.ip.batches, [swap(2, 1)])
  a.ip.routes.clear() // an operator's `ip route flush table 4207`
  a.ip.routes.set('198.18.1.77 4207', {
    dst: '198.18.1.77',
    gateway: '198.18.2.77',
    dev: 'ethb',
    prefsrc: '198.18.1.1',
    table: '4207',
  })
  await clock.advance(1000)
  t.same([...a.ip.routes.keys()], ['198.18.1.2 4207'], 'the swap is back and the stray route gone')
  t.match(
    a.lines.join('\n'),
    /the kernel differs from what faild installed, putting it right: route 198\.18\.1\.2 via 198\.18\.2\.2 dev ethb src 198\.18\.1\.1 missing; stray route 198\.18\.1\.77/,
  )
})

t.test('reconfigure: thresholds apply at once, keys bound at start wait for a restart', async (t) => {
  const { net, clock, nodes } = await cluster(t, 2)
  const [a] = nodes as [(typeof nodes)[0]]
  await clock.advance(500)
  const pending = await a.daemon.reconfigure({ ...options, failAfter: 6, port: 5000 })
  t.same(pending, ['port'])
  t.equal(a.daemon.options.port, 4207, 'the port stays what the sockets are bound to')
  net.dead.add('198.18.1.2')
  await clock.advance(250)
  t.same(a.ip.batches, [], 'three misses are no longer enough')
  await clock.advance(150)
  t.same(a.ip.batches, [swap(2, 1)], 'six are')
  t.match(a.daemon.status(), {
    failAfter: 6,
    routes: [
      {
        route: '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1',
        table: 4207,
        why: /peer 198\.18\.1\.2 down on LAN A \(missed 6\/6/,
      },
    ],
  })
})

t.test('reconfigure: a new maxPeers applies to the peer table at once', async (t) => {
  const { clock, nodes } = await cluster(t, 3, { maxPeers: 1 })
  const [a] = nodes as [(typeof nodes)[0]]
  await clock.advance(500)
  t.equal(a.daemon.status().peers.length, 1, 'one peer tracked, the other dropped')
  await a.daemon.reconfigure({ ...options, maxPeers: 2 })
  await clock.advance(300)
  t.equal(a.daemon.status().peers.length, 2, 'the raised bound lets the second in')
})

t.test(
  'a route change planned while the kernel is being checked is applied right after, not a deadline later',
  async (t) => {
    const { net, clock, nodes } = await cluster(t, 2)
    const [a] = nodes as [(typeof nodes)[0]]
    await clock.advance(800)
    // Hold host 1's reads of the kernel until released: the reconcile at t=1000 stays in flight.
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const run = a.ip.run.bind(a.ip)
    a.ip.run = async (args, input) => {
      if (args[0] === '-json' && args[1] === 'route') await gate
      return run(args, input)
    }
    net.dead.add('198.18.1.2')
    await clock.advance(400) // the reconcile starts (held); three misses plan the swap meanwhile
    t.same(a.ip.batches, [], 'nothing applied while the read is held')
    release()
    await flush()
    t.same(a.ip.batches, [swap(2, 1)], 'the swap follows the reconcile at once, without waiting for a timer')
  },
)
