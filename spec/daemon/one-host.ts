// One daemon on two fake LANs with a peer the spec plays by hand: a clock that can stall, sockets
// that record what is sent and queue what is delivered, a fake `ip` and carrier watch.

import type dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import { parseArgs } from '../../lib/cli/faild.js'
import type { Options } from '../../lib/config/types.js'
import { parseIPv4 } from '../../lib/core/util/ipv4.js'
import { encode } from '../../lib/core/wire/codec.js'
import type { Message } from '../../lib/core/wire/message.js'
import { decodePacket, toV1 } from '../../lib/core/wire/v1-bridge.js'
import { Daemon, type DaemonDeps } from '../../lib/daemon/daemon.js'
import type { CarrierWatch } from '../../lib/host/carrier-watch.js'
import type { Clock, Timer } from '../../lib/host/clock.js'
import type { IpResult, IpRunner } from '../../lib/host/ip-runner.js'
import { type Logger, makeLogger } from '../../lib/host/log.js'
import { ackFrom } from '../support/messages.js'

export const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
}

/** A clock whose `stall` fires every timer due by then in one turn, as libuv does after a stall. */
export class StallClock implements Clock {
  t = 0
  timers: Array<{ at: number; fn: () => void }> = []
  now = (): number => this.t
  setTimeout(fn: () => void, ms: number): Timer {
    const timer = { at: this.t + Math.max(0, ms), fn }
    this.timers.push(timer)
    return { cancel: () => void (this.timers = this.timers.filter((x) => x !== timer)) }
  }
  /** Fire the timers due by `t + ms`, one per turn with the I/O between, as a live loop does. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms
    for (let guard = 0; guard < 1000; guard++) {
      const next = Math.min(...this.timers.map((x) => x.at))
      if (next > end) break
      this.t = next
      this.#fire()
      await turns(20)
    }
    this.t = end
  }
  /** The loop was blocked for `ms`: every timer due by then fires in this one turn, in time order. */
  stall(ms: number): void {
    this.t += ms
    this.#fire()
  }
  #fire(): void {
    const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at)
    this.timers = this.timers.filter((x) => x.at > this.t)
    for (const x of due) x.fn()
  }
}

/** This host's sockets: what it sends is recorded; `deliver` puts a datagram in its receive queue. */
export class Sockets {
  readonly sent: Message[] = []
  readonly bound: EventEmitter[] = []
  factory = (): dgram.Socket => {
    const s = Object.assign(new EventEmitter(), {
      bind: (_: unknown, cb: () => void) => setImmediate(cb),
      send: (data: Buffer) => {
        // Either wire version, as a v1 message in the sender's LAN order (this host's).
        const r = decodePacket(data)
        if (r.ok) this.sent.push(toV1(r.packet))
      },
      close: (cb: () => void) => setImmediate(cb),
      setBroadcast: () => {},
      setRecvBufferSize: () => {},
      getRecvBufferSize: () => 8 << 20,
    })
    this.bound.push(s)
    return s as unknown as dgram.Socket
  }
  /** Queued in the socket: read at the next poll for I/O. */
  deliver(lan: number, from: string, msg: Message): void {
    setImmediate(() => this.bound[2 * lan]!.emit('message', encode(msg), { address: from, port: 4207 }))
  }
}

export const ip: IpRunner = {
  async run(args: readonly string[]): Promise<IpResult> {
    const lan = (name: string, x: number) => ({
      ifname: name,
      flags: ['UP', 'LOWER_UP'],
      addr_info: [{ family: 'inet', local: `198.18.${x}.1`, prefixlen: 24, broadcast: `198.18.${x}.255` }],
    })
    const stdout = args.join(' ') === '-json addr show' ? JSON.stringify([lan('etha', 1), lan('ethb', 2)]) : '[]'
    return { code: 0, stdout, stderr: '' }
  },
}

export const carrier: CarrierWatch = { start: async () => {}, stop: async () => {} }
export const PEER = [parseIPv4('198.18.1.2')!, parseIPv4('198.18.2.2')!]

/** The peer's ACK to our INQ on `lan`. */
export const ack = (inq: Message, lan: number): Message =>
  ackFrom({ from: PEER[0]!, addresses: PEER, boot: 7 }, inq.from, { lan, seq: inq.seq })

/** A started daemon with `argv`'s options (and `more` deps); its log lines are captured as "level: message". */
export async function oneHost(argv: readonly string[], opt: Partial<Options> = {}, more: Partial<DaemonDeps> = {}) {
  const clock = new StallClock()
  const sockets = new Sockets()
  const lines: string[] = []
  const log: Logger = makeLogger({ level: 'debug', silent: true })
  log.on('data', (info: { level: string; message: string }) => lines.push(`${info.level}: ${info.message}`))
  const options = { ...(parseArgs(argv) as Options), ...opt }
  const daemon = new Daemon(options, {
    ...{ clock, log, ip, socketFactory: sockets.factory, carrierWatch: () => carrier },
    ...more,
  })
  await daemon.start()
  await turns(5) // the first INQs go out once the sockets are drained
  /** ACK the latest INQ on every LAN, as the peer would. */
  const answer = () => {
    const inqs = sockets.sent.filter((m) => m.kind === 'inq' && m.intervalMs > 0)
    for (const lan of [0, 1])
      sockets.deliver(lan, `198.18.${lan + 1}.2`, ack(inqs.filter((m) => m.lan === lan).at(-1)!, lan))
  }
  const paths = () => daemon.status().peers.flatMap((p) => p.paths.map((x) => `${x.lan} ${x.state}`))
  return { clock, sockets, lines, log, daemon, answer, paths }
}
