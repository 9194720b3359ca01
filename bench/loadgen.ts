// The scale bench's load generator (bench/loadgen/loadgen.c): builds it, gives it faild's own packets, runs it, and says when a row is not evidence.
//
// The C program knows nothing of the wire format: it sends the datagrams written here with
// faild's encoder and patches the sequence number and an ACK's target at the offsets in WIRE.
// It prints what it meant to do and what it did; invalidWhy() turns a generator that fell behind
// into a reason, so the row is reported as invalid instead of as a figure.
import { execFileSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rttEvery } from '../lib/core/engine/answering.js'
import { toPacket } from '../lib/core/engine/pairing.js'
import { parseIPv4 } from '../lib/core/util/ipv4.js'
import type { Message } from '../lib/core/wire/message.js'
import { encodeV2 } from '../lib/core/wire/v2.js'
import type { Host, Lab, Proc } from '../spec/lab/harness/netlab.js'
import { simAddress } from './sim-address.js'

const SOURCE = fileURLToPath(new URL('../../bench/loadgen/loadgen.c', import.meta.url))

/** Where wire format 2 keeps what the generator patches or reads (README "Wire format"). */
const WIRE = { seq: 12, to: 16, type: 3, flags: 23, header: 24, answerAllBit: 0x01, inq: 1, ack: 2 }

export type LoadMode = 'responders' | 'spread' | 'burst'

/** One of the generator's JSON lines: counters since its start. */
export interface LoadStats {
  readonly t: number
  readonly inqIntended: number
  readonly inqSent: number
  /** INQs heard from the daemon, ACKs it asked for, ACKs sent, ACKs heard from it. */
  readonly inqRx: number
  readonly ackAsked: number
  readonly ackSent: number
  readonly ackRx: number
  readonly otherRx: number
  /** Datagrams the kernel dropped at the generator's socket (SO_RXQ_OVFL). */
  readonly overflow: number
  readonly sendErrors: number
  readonly lateMaxMs: number
  readonly lateP99Ms: number
}

/** Compile the generator (once per bench run); throws a clear error without a C compiler. */
export function buildLoadgen(dir: string): string {
  const bin = join(dir, 'loadgen')
  if (existsSync(bin)) return bin
  try {
    execFileSync('cc', ['-O2', '-o', bin, SOURCE], { stdio: 'pipe' })
  } catch (err) {
    throw new Error(`the scale bench needs a C compiler (apt-get install gcc): ${(err as Error).message}`)
  }
  return bin
}

/** The templates file: offsets, then per host and LAN its address and an INQ, an asking INQ and an ACK. */
export function writeTemplates(path: string, n: number, mode: LoadMode, intervalMs: number, prefixLen: number): void {
  // Each simulated host asks for a round-trip sample as faild would among its n peers (answering.ts).
  const fields = [
    WIRE.seq,
    WIRE.to,
    WIRE.type,
    WIRE.flags,
    WIRE.header,
    WIRE.answerAllBit,
    WIRE.inq,
    WIRE.ack,
    n,
    rttEvery(n),
  ]
  const head = Buffer.alloc(fields.length * 4)
  fields.forEach((v, i) => head.writeInt32LE(v, 4 * i))
  const parts: Buffer[] = [head]
  const boot = randomInt(1, 2 ** 31)
  for (let i = 0; i < n; i++) {
    const addresses = [0, 1].map((lan) => parseIPv4(simAddress(lan, i))!)
    const own = addresses.map((address) => ({ address, prefixLen, nameTag: 0 }))
    const interval = mode === 'responders' ? 0 : intervalMs
    const common = {
      from: addresses[0]!,
      boot,
      seq: 0,
      intervalMs: interval,
      addresses,
      down: [],
      outOfService: 0,
      cluster: 0,
    }
    for (const lan of [0, 1]) {
      const at = Buffer.alloc(4)
      at.writeUInt32BE(addresses[lan]!, 0)
      const inq: Message = { kind: 'inq', lan, ...common, intervalMs: intervalMs, answer: [] }
      const ask: Message = { kind: 'inq', lan, ...common, intervalMs: intervalMs }
      const ack: Message = { kind: 'ack', lan, to: 1, ...common }
      parts.push(at)
      for (const m of [inq, ask, ack]) {
        const data = encodeV2(toPacket(m, own))
        const len = Buffer.alloc(2)
        len.writeUInt16LE(data.length, 0)
        parts.push(len, data)
      }
    }
  }
  writeFileSync(path, Buffer.concat(parts))
}

export interface LoadOptions {
  readonly bin: string
  readonly templates: string
  readonly n: number
  readonly mode: LoadMode
  readonly intervalMs: number
  readonly daemon: readonly [string, string]
  readonly seconds: number
  /** Run pinned to this CPU (taskset -c). */
  readonly cpu?: number
}

/** Start the generator in host h; resolves once its socket is bound. */
export async function startLoadgen(lab: Lab, h: Host, o: LoadOptions): Promise<Proc> {
  const args = [`4207`, `${o.n}`, `${o.intervalMs}`, o.mode, o.daemon[0], o.daemon[1], o.templates, `${o.seconds}`]
  const p =
    o.cpu === undefined ? lab.spawn(h, o.bin, args) : lab.spawn(h, 'taskset', ['-c', `${o.cpu}`, o.bin, ...args])
  await p.waitFor(/^ready/m, 10_000)
  return p
}

/** Every counter line the generator printed so far. */
export function loadStats(p: Proc): LoadStats[] {
  return p.output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LoadStats)
}

/** The counters between two lines: what happened in that window. */
export function between(a: LoadStats, b: LoadStats): LoadStats {
  const d = (k: keyof LoadStats) => b[k] - a[k]
  return {
    t: d('t'),
    inqIntended: d('inqIntended'),
    inqSent: d('inqSent'),
    inqRx: d('inqRx'),
    ackAsked: d('ackAsked'),
    ackSent: d('ackSent'),
    ackRx: d('ackRx'),
    otherRx: d('otherRx'),
    overflow: d('overflow'),
    sendErrors: d('sendErrors'),
    lateMaxMs: b.lateMaxMs,
    lateP99Ms: b.lateP99Ms,
  }
}

/** Within this share of what it meant to do, the generator kept up. */
const SHORT = 0.02

/**
 * Why a window's figures are not evidence of the daemon (the generator fell behind), or undefined.
 * `expectedInqs`: INQs it should have sent in the window (0 for responders).
 */
export function invalidWhy(w: LoadStats, expectedInqs: number, intervalMs: number): string | undefined {
  if (w.inqRx === 0) return 'it heard no INQ from the daemon'
  if (expectedInqs > 0 && w.inqSent < (1 - SHORT) * expectedInqs)
    return `it sent ${w.inqSent} INQs of ${Math.round(expectedInqs)} intended (${pct(w.inqSent / expectedInqs)})`
  if (w.ackSent < (1 - SHORT) * w.ackAsked)
    return `it answered ${w.ackSent} of ${w.ackAsked} INQs asked (${pct(w.ackSent / w.ackAsked)})`
  if (w.overflow > 0) return `its socket dropped ${w.overflow} datagrams`
  if (w.sendErrors > 0) return `${w.sendErrors} sends failed`
  if (w.lateP99Ms > intervalMs / 4) return `its timer ran ${w.lateP99Ms} ms late (p99)`
  return undefined
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`
