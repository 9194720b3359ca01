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
import type { Logger } from './log.js'

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
  #children: Array<ChildProcess | undefined> = []
  #intervalMs = 1000
  #stopped = false
  #onAnswer: AnswerHandler = () => {}
  /** Targets whose ping failed, already warned about (once each). BOUNDED: the targets. */
  readonly #warned = new Set<number>()

  readonly #spawnPing: Spawn

  constructor(targets: readonly ProbeTarget[], log: Logger, spawnPing: Spawn = spawnPiped) {
    this.#targets = targets
    this.#log = log
    this.#spawnPing = spawnPing
  }

  start(intervalMs: number, onAnswer: AnswerHandler): void {
    this.#intervalMs = intervalMs
    this.#onAnswer = onAnswer
    this.#targets.forEach((_, i) => this.#spawn(i))
  }

  /** A new interval (a reload): every ping starts again at it. */
  restart(intervalMs: number): void {
    if (intervalMs === this.#intervalMs) return
    this.#intervalMs = intervalMs
    const old = this.#children
    this.#children = []
    for (const c of old) c?.kill()
    this.#targets.forEach((_, i) => this.#spawn(i))
  }

  stop(): void {
    this.#stopped = true
    for (const c of this.#children) c?.kill()
    this.#children = []
  }

  #spawn(i: number): void {
    if (this.#stopped) return
    const t = this.#targets[i]!
    const address = t.address
    const args = ['-n', '-i', (this.#intervalMs / 1000).toFixed(3), '-I', t.iface(), address]
    const child = this.#spawnPing('ping', args)
    this.#children[i] = child
    let partial = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const lines = (partial + d).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) {
        const a = parsePingLine(line)
        if (a && sameAddressText(a.from, address)) this.#onAnswer(i, a.rttMs)
      }
    })
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-500)))
    child.on('error', (e) => this.#warn(i, `cannot run ping: ${e.message} (apt-get install iputils-ping)`))
    child.on('close', (code) => {
      if (this.#stopped || this.#children[i] !== child) return
      this.#children[i] = undefined
      this.#warn(i, `ping ${args.join(' ')} exited (${code}): ${err.trim() || 'no message'}; started again`)
      // Unless a restart (a reload) has started one in the meantime: two would both answer, one unkilled.
      setTimeout(() => this.#children[i] === undefined && this.#spawn(i), RESPAWN_MS).unref()
    })
  }

  #warn(i: number, message: string): void {
    if (this.#warned.has(i)) return
    this.#warned.add(i)
    this.#log.warn(`target ${this.#targets[i]!.address}: ${message}`)
  }
}
