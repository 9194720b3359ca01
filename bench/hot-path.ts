// The per-packet cost of faild's own code: the scale row's traffic replayed into a real Daemon through fake sockets, no kernel, no lab.
//
// The scale bench (scale.ts) measures faild whole, with the kernel and Node's socket layer in the
// figure; this one leaves both out, so a change to the packet path shows in microseconds per
// packet within seconds and without root. The traffic is the generator's (loadgen.c): N
// requestors, each sending an INQ on both LANs per interval, spread over it, asking for an ACK
// as faild's peers would (answering.ts rttEvery), and answering the daemon's INQs that ask them.
// The clock is simulated, so the figure is CPU time per packet, not whether faild keeps up.
//
//   node dist/bench/hot-path.js [--peers N] [--rounds R] [--cpu-prof]   (default 1000 peers, 300 rounds)
import type dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import { parseArgs } from '../lib/cli/faild.js'
import type { Options } from '../lib/config/types.js'
import { rttEvery } from '../lib/core/engine/answering.js'
import { toPacket } from '../lib/core/engine/pairing.js'
import { parseIPv4 } from '../lib/core/util/ipv4.js'
import type { Message } from '../lib/core/wire/message.js'
import { decodePacket } from '../lib/core/wire/v1-bridge.js'
import { encodeV2 } from '../lib/core/wire/v2.js'
import { Daemon } from '../lib/daemon/daemon.js'
import type { IpRunner } from '../lib/host/ip-runner.js'
import { makeLogger } from '../lib/host/log.js'
import { FakeClock } from '../spec/support/fake-clock.js'
import { simAddress } from './sim-address.js'

const INTERVAL_MS = 100
/** Rounds per block of the CPU figure (see main). */
const BLOCK = 10
/** The generator's slices: an interval's INQs go out in this many steps. */
const SLICES = 100
/** Where wire format 2 keeps the sequence number (as loadgen.ts patches it). */
const SEQ_AT = 12

/** Two /16 LANs, as the wide lab has them; every other `ip` command succeeds with nothing to say. */
const ip: IpRunner = {
  async run(args) {
    const lan = (ifname: string, x: number) => ({
      ifname,
      flags: ['UP', 'LOWER_UP'],
      addr_info: [{ family: 'inet', local: `198.${x}.0.1`, prefixlen: 16, broadcast: `198.${x}.255.255` }],
    })
    const stdout = args.join(' ') === '-json addr show' ? JSON.stringify([lan('etha', 18), lan('ethb', 19)]) : '[]'
    return { code: 0, stdout, stderr: '' }
  },
}

/** Peer i's datagrams on `lan`: an INQ that asks no answer, one that asks every receiver, an ACK. */
function templates(i: number, lan: number): { inq: Buffer; ask: Buffer; ack: Buffer } {
  const addresses = [0, 1].map((l) => parseIPv4(simAddress(l, i))!)
  const own = addresses.map((address) => ({ address, prefixLen: 16, nameTag: 0 }))
  const common = { from: addresses[0]!, boot: 7, seq: 0, addresses, down: [], outOfService: 0, cluster: 0 }
  const inq: Message = { kind: 'inq', lan, ...common, intervalMs: INTERVAL_MS, answer: [] }
  const ask: Message = { kind: 'inq', lan, ...common, intervalMs: INTERVAL_MS }
  // The daemon is 198.18.0.1 (its node id: its first LAN's address).
  const ack: Message = { kind: 'ack', lan, to: parseIPv4('198.18.0.1')!, ...common, intervalMs: INTERVAL_MS }
  const wire = (m: Message) => encodeV2(toPacket(m, own))
  return { inq: wire(inq), ask: wire(ask), ack: wire(ack) }
}

const cpuUs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number => a.user - b.user + a.system - b.system

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name)
  return at < 0 ? fallback : Number(process.argv[at + 1])
}

async function main(): Promise<void> {
  const n = option('--peers', 1000)
  const rounds = option('--rounds', 300)
  const warm = Math.min(100, rounds)
  const clock = new FakeClock()
  const bound: EventEmitter[] = []
  /** ACKs the daemon's INQs asked for, delivered in the next slice: [lan, peer, seq]. */
  let asked: Array<[number, number, number]> = []
  const index = new Map(Array.from({ length: n }, (_, i) => [parseIPv4(simAddress(0, i))!, i]))
  let sent = 0
  const factory = (): dgram.Socket => {
    const s = Object.assign(new EventEmitter(), {
      bind: (_: unknown, cb: () => void) => setImmediate(cb),
      send: (data: Buffer) => {
        sent++
        const r = decodePacket(data)
        if (!r.ok || r.packet.kind !== 'inq' || r.packet.intervalMs === 0) return
        const lan = r.packet.slot
        const seq = r.packet.seq
        if (r.packet.answerAll) for (let i = 0; i < n; i++) asked.push([lan, i, seq])
        else
          for (const id of r.packet.answer) {
            const i = index.get(id)
            if (i !== undefined) asked.push([lan, i, seq])
          }
      },
      close: (cb: () => void) => setImmediate(cb),
      setBroadcast: () => {},
      setRecvBufferSize: () => {},
      getRecvBufferSize: () => 8 << 20,
    })
    bound.push(s)
    return s as unknown as dgram.Socket
  }
  const log = makeLogger({ level: 'info', silent: true })
  const argv = ['-r', '-t', `${INTERVAL_MS / 1000}`, '-f', '3', '-s', '3', '-i', 'etha', '-i', 'ethb']
  const options = parseArgs(argv) as Options
  const carrierWatch = () => ({ start: async () => {}, stop: async () => {} })
  const daemon = new Daemon(options, { clock, log, ip, socketFactory: factory, carrierWatch })
  await daemon.start()
  const peers = Array.from({ length: n }, (_, i) => [templates(i, 0), templates(i, 1)])
  // Each peer asks for a round-trip sample as faild would among n peers (answering.ts).
  const asking = rttEvery(n)
  const from = peers.map((_, i) => [0, 1].map((lan) => ({ address: simAddress(lan, i), port: 4207, family: 'IPv4' })))
  // The unicast socket of each LAN (a LAN's broadcast socket follows it): where the generator sends.
  const socketOf = (lan: number) => bound[2 * lan]!
  const deliver = (lan: number, i: number, data: Buffer) => socketOf(lan).emit('message', data, from[i]![lan])
  let delivered = 0
  // CPU per packet in blocks of BLOCK rounds: this machine's neighbours steal time in bursts, and
  // the quickest blocks show faild's own cost where the total would show theirs too.
  const blocks: number[] = []
  let cpu0 = process.cpuUsage()
  let counted0 = 0
  let block0 = { cpu: cpu0, delivered: 0 }
  for (let round = 0; round < rounds; round++) {
    if (round === warm) {
      cpu0 = process.cpuUsage()
      counted0 = delivered
    }
    if (round >= warm && (round - warm) % BLOCK === 0) {
      const now = process.cpuUsage()
      if (round > warm) blocks.push(cpuUs(now, block0.cpu) / (delivered - block0.delivered))
      block0 = { cpu: now, delivered }
    }
    for (let slice = 0; slice < SLICES; slice++) {
      const upto = (2 * n * (slice + 1)) / SLICES
      for (let k = Math.floor((2 * n * slice) / SLICES); k < upto; k++) {
        const i = k >> 1
        const lan = k & 1
        const t = peers[i]![lan]!
        // Patched in place, as the generator does: faild keeps no datagram it was given.
        const data = (i + round) % asking === 0 ? t.ask : t.inq
        data.writeUInt32BE(round + 1, SEQ_AT)
        deliver(lan, i, data)
        delivered++
      }
      const acks = asked
      asked = []
      for (const [lan, i, seq] of acks) {
        const data = peers[i]![lan]!.ack
        data.writeUInt32BE(seq, SEQ_AT)
        deliver(lan, i, data)
        delivered++
      }
      clock.advance(INTERVAL_MS / SLICES)
      await new Promise((r) => setImmediate(r))
    }
  }
  const packets = delivered - counted0
  const us = cpuUs(process.cpuUsage(), cpu0) / packets
  const s = daemon.status()
  const up = s.peers.reduce((k, p) => k + p.paths.filter((x) => x.state === 'up').length, 0)
  await daemon.stop()
  blocks.sort((a, b) => a - b)
  const share = (x: number) => `${((x * 2 * n * 1000) / INTERVAL_MS / 1e4).toFixed(1)}%`
  const best = blocks[Math.floor(blocks.length / 10)] ?? us
  console.log(
    `${n} peers, ${rounds - warm} rounds measured: ${packets} packets in, ${sent} out; ${up}/${2 * n} paths up; ` +
      `CPU per packet in: ${us.toFixed(2)} us overall, ${best.toFixed(2)} us in the quickest tenth of ${BLOCK}-round blocks ` +
      `(${share(us)} and ${share(best)} of a core at this rate)`,
  )
}

await main()
