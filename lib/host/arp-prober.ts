// Probes targets with ARP (neighbour solicitation for IPv6) through the kernel's own neighbour table: a unicast probe each interval (`ip neigh replace ... nud probe`), the answer seen as the entry turning REACHABLE (`ip monitor neigh`).
//
// For boxes that drop ICMP: every IPv4 host answers ARP. Node has no raw sockets, and iputils
// arping sends at most one request a second; the kernel can probe a neighbour on demand, and only
// a genuine ARP reply from the target's address on that interface (or traffic the kernel takes as
// proof of reachability) makes the entry REACHABLE. A unicast probe needs the target's MAC: while
// it is not known, only a broadcast request goes, by a one-shot arping, at most once a second.
// After a probe went unanswered the unicast probes go on (a healed port answers the next one) and
// a broadcast goes too, at most once a second, in case the MAC changed (a VRRP router's does).
//
// IPv6 is the same through the same `ip` processes (ip takes the family from the address): the
// kernel's unicast probe is a neighbour solicitation, and only a solicited advertisement makes the
// entry REACHABLE. There is no arping for IPv6 (ndisc6 is seldom installed): the "broadcast" is a
// one-shot `ping`, whose send makes the kernel resolve the address by multicast solicitation; the
// advertisement shows in the monitor with its MAC, whether or not the target answers the echo.
import { ArpIps, type ArpProcesses, realProcesses } from './arp-processes.js'
import type { Clock } from './clock.js'
import type { Logger } from './log.js'
import type { AnswerHandler, ProbeTarget } from './pinger.js'

export { type ArpProcesses, RESPAWN_MS } from './arp-processes.js'

/** A broadcast ARP request at most this often per target (each is an arping process). */
const BROADCAST_EVERY_MS = 1000

/** "198.18.1.2 dev etha lladdr 4e:..:01 REACHABLE" or "fd00:1::fe dev etha lladdr ... router REACHABLE" (also "Deleted ...", or FAILED without lladdr). */
export function parseNeighLine(
  line: string,
): { address: string; dev: string; mac?: string; state: string; deleted?: true } | undefined {
  const m = /^(Deleted )?([0-9a-f.:]+) dev (\S+)(?: lladdr ([0-9a-f:]{17}))?.* ([A-Z]+)\s*$/.exec(line.trim())
  if (!m) return undefined
  const deleted = m[1] ? { deleted: true as const } : {}
  return { address: m[2]!, dev: m[3]!, ...(m[4] ? { mac: m[4] } : {}), state: m[5]!, ...deleted }
}

interface Probe {
  readonly target: ProbeTarget
  readonly text: string
  /** An IPv6 target: neighbour solicitation, and a one-shot ping as its broadcast. */
  readonly six: boolean
  mac: string | undefined
  /** Probed since the last answer: a broadcast goes too (the MAC may have changed). */
  pending: boolean
  lastBroadcast: number
  /** A static entry: the kernel never probes it; said once, never answered. */
  permanent: boolean
}

export class ArpProber {
  readonly #probes: Probe[]
  readonly #log: Logger
  readonly #ips: ArpIps
  #timer: NodeJS.Timeout | undefined
  #onAnswer: AnswerHandler = () => {}
  #stopped = false
  readonly #processes: ArpProcesses
  /** Targets whose arping failed, already warned about (once each). BOUNDED: the targets. */
  readonly #warned = new Set<Probe>()

  constructor(targets: readonly ProbeTarget[], log: Logger, processes: ArpProcesses = realProcesses, clock?: Clock) {
    this.#processes = processes
    this.#ips = new ArpIps(processes, log, (line) => this.#onLine(line), clock)
    this.#probes = targets.map((target) => ({
      target,
      text: target.address,
      six: target.address.includes(':'),
      mac: undefined,
      pending: false,
      lastBroadcast: -Infinity,
      permanent: false,
    }))
    this.#log = log
  }

  start(intervalMs: number, onAnswer: AnswerHandler): void {
    if (this.#probes.length === 0) return
    this.#onAnswer = onAnswer
    this.#ips.start()
    this.restart(intervalMs)
  }

  restart(intervalMs: number): void {
    if (this.#stopped || !this.#ips.started) return // not started (or no targets)
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = setInterval(() => this.#probeAll(), intervalMs)
    this.#timer.unref()
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer) clearInterval(this.#timer)
    this.#ips.stop()
  }

  #probeAll(): void {
    const lines: string[] = []
    const broadcasts: Array<[Probe, string]> = []
    const now = performance.now()
    for (const p of this.#probes) {
      if (p.permanent) continue
      const dev = p.target.iface()
      const broadcast = (!p.mac || p.pending) && now - p.lastBroadcast >= BROADCAST_EVERY_MS
      if (broadcast && p.six && p.mac) {
        // No arping for IPv6: the kernel solicits by multicast only an entry it must resolve, and
        // the unicast probes would keep the old MAC's entry for ever. So the entry goes, and the
        // one-shot ping finds the target where it is now (a new MAC after a takeover or a swap).
        lines.push(`neigh del ${p.text} dev ${dev}`)
      } else if (p.mac) {
        const entry = `neigh replace ${p.text} dev ${dev} lladdr ${p.mac}`
        // The kernel sends a probe when an entry enters PROBE, not when it is set to PROBE again:
        // an entry left in PROBE by an unanswered probe would wait for its own one-second
        // retransmission (failback took 0.45-1.2 s). Through STALE it probes at once.
        if (p.pending) lines.push(`${entry} nud stale`)
        lines.push(`${entry} nud probe`)
      }
      if (broadcast) {
        p.lastBroadcast = now
        broadcasts.push([p, dev])
      }
      p.pending = true
    }
    if (lines.length > 0) this.#ips.write(lines)
    // After the lines: an IPv6 entry is gone before the ping that resolves it again.
    for (const [p, dev] of broadcasts) void this.#broadcast(p, dev)
  }

  /** One broadcast request; a reply gives the MAC, and is an answer. */
  async #broadcast(p: Probe, dev: string): Promise<void> {
    if (p.six) return this.#solicit(p, dev)
    const r = await this.#processes.run('arping', ['-c', '1', '-w', '1', '-I', dev, p.text])
    const mac = /reply from [0-9.]+ \[([0-9A-Fa-f:]{17})\]/.exec(r.stdout)?.[1]?.toLowerCase()
    // 1 is no reply; anything else is arping failing (no CAP_NET_RAW, no AF_PACKET under a sandbox).
    if (r.code === 127) this.#warn(p, `cannot run arping (apt-get install iputils-arping): ${r.stderr.trim()}`)
    else if (r.code > 1) this.#warn(p, `arping on ${dev} failed (exit ${r.code}): ${r.stderr.trim() || 'no message'}`)
    if (!mac || this.#stopped) return
    p.mac = mac
    // The unicast probe of the same round may have been answered already: one probe, one answer.
    if (p.pending) this.#answer(p)
  }

  /**
   * An IPv6 target's "broadcast": one echo request makes the kernel solicit the address by
   * multicast; the advertisement reaches #onLine through the monitor (MAC and answer).
   */
  async #solicit(p: Probe, dev: string): Promise<void> {
    const r = await this.#processes.run('ping', ['-n', '-c', '1', '-W', '1', '-I', dev, p.text])
    if (r.code === 127) this.#warn(p, `cannot run ping (apt-get install iputils-ping): ${r.stderr.trim()}`)
  }

  #warn(p: Probe, message: string): void {
    if (this.#warned.has(p)) return
    this.#warned.add(p)
    this.#log.warn(`target ${p.text}: ${message} (said once)`)
  }

  #answer(p: Probe): void {
    p.pending = false
    this.#onAnswer(this.#probes.indexOf(p), undefined)
  }

  #onLine(line: string): void {
    const ev = parseNeighLine(line)
    // An entry going away says its last state, not a new one: faild deletes an IPv6 target's own
    // entry while it is unanswered, and its last REACHABLE would be taken for an answer.
    if (!ev || ev.deleted) return
    const p = this.#probes.find((x) => x.text === ev.address && x.target.iface() === ev.dev)
    if (!p) return
    if (ev.state === 'PERMANENT' && !p.permanent) {
      p.permanent = true
      const kind = p.six ? 'neighbour' : 'ARP'
      this.#log.warn(
        `target ${p.text}: a static ${kind} entry on ${ev.dev}: the kernel never probes it; use method icmp`,
      )
    }
    if (ev.mac) p.mac = ev.mac
    if (ev.state === 'REACHABLE' && p.pending) this.#answer(p)
  }
}
