// Probes targets with ICMP echo (IPv4 or IPv6): one long-running iputils `ping` per target, bound to the target's LAN interface, each answer reported.
//
// Node has no raw sockets; iputils ping does, checks that a reply carries its own id and sequence
// (so only genuine answers are printed), flushes a line per reply when piped, and keeps its own
// interval (root may go down to 2 ms). One process per target, not one per probe: spawning ten
// processes a second per target would cost more than everything else faild does. iputils ping
// (since 20190709) takes either family and prints an IPv6 reply in the same words.
import { type ChildProcess, type ChildProcessByStdio, spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import { formatAddress, parseAddress } from '../core/wire/address.js'
import type { Clock } from './clock.js'
import { readLines } from './lines.js'
import type { Logger } from './log.js'
import { Respawned, type Started } from './respawned.js'

/** What the prober needs of a target: where to send and through which interface. */
export interface ProbeTarget {
  /** Its address as text, of either family (IPv6 in RFC 5952 form, as ping and ip print it). */
  readonly address: string
  readonly iface: () => string
}

/** One spelling per address, whatever the text: ping's and ours compared. */
export function sameAddressText(a: string, b: string): boolean {
  const x = parseAddress(a)
  const y = parseAddress(b)
  return x !== undefined && y !== undefined && formatAddress(x.family, x.bytes) === formatAddress(y.family, y.bytes)
}

export type AnswerHandler = (target: number, rttMs: number | undefined) => void

/** Starts a ping (node:child_process spawn; a fake in specs). */
export type Spawn = (command: string, args: readonly string[]) => ChildProcessByStdio<null, Readable, Readable>
const spawnPiped: Spawn = (command, args) => spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })

/** "64 bytes from 198.18.1.254: icmp_seq=3 ttl=64 time=0.052 ms" (or "from fd00:1::fe: ..."); not a duplicate. */
export function parsePingLine(line: string): { from: string; rttMs: number | undefined } | undefined {
  const m = /^\d+ bytes from ([0-9A-Fa-f.:]+): icmp_seq=\d+ ttl=\d+(?: time=([0-9.]+) ms)?/.exec(line)
  // A duplicate answers a probe already answered: one probe, one good packet.
  if (!m || line.includes('(DUP!)')) return undefined
  return { from: m[1]!, rttMs: m[2] === undefined ? undefined : Number(m[2]) }
}

/** A dead ping is started again at most this often. */
const RESPAWN_MS = 1000

export class Pinger {
  readonly #targets: readonly ProbeTarget[]
  readonly #log: Logger
  /** One ping per target, by index. */
  readonly #pings: Array<Respawned<ChildProcess>>
  #intervalMs = 1000
  #onAnswer: AnswerHandler = () => {}
  /** Targets whose ping failed, already warned about (once each). BOUNDED: the targets. */
  readonly #warned = new Set<number>()

  readonly #spawnPing: Spawn

  constructor(targets: readonly ProbeTarget[], log: Logger, spawnPing: Spawn = spawnPiped, clock?: Clock) {
    this.#targets = targets
    this.#log = log
    this.#spawnPing = spawnPing
    const timing = { firstMs: RESPAWN_MS, end: (c: ChildProcess) => c.kill(), clock }
    this.#pings = targets.map((_, i) => new Respawned(() => this.#spawn(i), timing))
  }

  start(intervalMs: number, onAnswer: AnswerHandler): void {
    this.#intervalMs = intervalMs
    this.#onAnswer = onAnswer
    for (const p of this.#pings) p.start()
  }

  /** A new interval (a reload): every ping starts again at it. */
  restart(intervalMs: number): void {
    if (intervalMs === this.#intervalMs) return
    this.#intervalMs = intervalMs
    // One that died starts now and its respawn due is called off: two would both answer, one unkilled.
    for (const p of this.#pings) p.start()
  }

  stop(): void {
    for (const p of this.#pings) p.stop()
  }

  #spawn(i: number): Started<ChildProcess> {
    const t = this.#targets[i]!
    const address = t.address
    const args = ['-n', '-i', (this.#intervalMs / 1000).toFixed(3), '-I', t.iface(), address]
    const child = this.#spawnPing('ping', args)
    readLines(child.stdout, (lines) => {
      for (const line of lines) {
        const a = parsePingLine(line)
        if (a && sameAddressText(a.from, address)) this.#onAnswer(i, a.rttMs)
      }
    })
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-500)))
    child.on('error', (e) => this.#warn(i, `cannot run ping: ${e.message} (apt-get install iputils-ping)`))
    const exited = (code: number | null) =>
      this.#warn(i, `ping ${args.join(' ')} exited (${code}): ${err.trim() || 'no message'}; started again`)
    return { child, exited }
  }

  #warn(i: number, message: string): void {
    if (this.#warned.has(i)) return
    this.#warned.add(i)
    this.#log.warn(`target ${this.#targets[i]!.address}: ${message}`)
  }
}
