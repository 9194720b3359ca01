// Watches carrier on this host's LAN interfaces, and whether the kernel's routes may have changed, through netlink (one long-running `ip -o monitor`).
//
// The same monitor reports routes, rules and addresses, so the kernel check reads the tables only
// after something changed there (or a link or address change, which flushes routes without a
// route message of its own: IPv4 routes removed at link down are not announced).
import { type ChildProcess, spawn } from 'node:child_process'
import { type IpRunner, ipJson } from './ip-runner.js'
import { readLines } from './lines.js'
import type { Logger } from './log.js'
import { Respawned, type Started } from './respawned.js'

export type CarrierHandler = (iface: string, carrier: boolean) => void

/** What else the monitor reports: `kernel`, any change (routes too); `interfaces`, a link or address changed. */
export interface WatchHandlers {
  readonly kernel?: () => void
  readonly interfaces?: () => void
}

/** Reports carrier changes of the LAN interfaces; the daemon's only view of link state. */
export interface CarrierWatch {
  /** A LAN interface absent at start has no carrier until it appears. */
  start(onChange: CarrierHandler, on?: WatchHandlers): Promise<void>
  stop(): Promise<void>
  /** True while the kernel's changes are being watched (else the kernel check reads every time). */
  watchesKernel?(): boolean
}

/** One line of `ip -o monitor address`: "2: eth0    inet 198.18.1.1/24 brd ...", or "Deleted 2: ...". */
export const isAddressLine = (line: string): boolean => /^(Deleted )?\d+: \S+\s+inet6? /.test(line)

/**
 * One line of `ip -o monitor link`, e.g. "3: etha@if5: <NO-CARRIER,BROADCAST,UP> mtu 1500 ...":
 * the interface index and name, and whether it has carrier (LOWER_UP). A deleted one has none.
 */
export function parseLinkLine(line: string): { index: number; iface: string; carrier: boolean } | undefined {
  const m = /^(Deleted )?(\d+): ([^:@\s]+)(?:@\S+)?: <([^>]*)>/.exec(line.trim())
  if (!m) return undefined
  const flags = m[4]!.split(',')
  return { index: Number(m[2]), iface: m[3]!, carrier: !m[1] && flags.includes('LOWER_UP') }
}

/** Respawn a monitor that died, at most this often. */
const RESPAWN_MS = 1000
/** A monitor that lived this long was working: its exit starts the count of quick ones again. */
const LIVED_MS = 10_000
/** A monitor that keeps dying is started again at most this seldom. */
const RESPAWN_MAX_MS = 30_000

/** `ip` monitors; a reader of our pipe on fd 3 (not holding stdout) kills it at EOF; sh waits for ip alone. */
const MONITOR =
  'exec 3<&0; ip -o monitor link route rule address </dev/null & m=$!; ' +
  '(read _ <&3; kill $m 2>/dev/null) >/dev/null 2>&1 & r=$!; wait $m; kill $r 2>/dev/null'

export class CarrierMonitor implements CarrierWatch {
  readonly #ifaces: ReadonlySet<string>
  readonly #ip: IpRunner
  readonly #log: Logger
  /** Last carrier reported per watched interface (keyed by name; BOUNDED: the LAN interfaces). */
  readonly #carrier = new Map<string, boolean>()
  /**
   * Interface index -> the LAN interface's name at start. Events are matched by index, so a
   * renamed interface is still followed; an interface deleted and created again under its old
   * name gets a new index, which is learnt. BOUNDED: the LAN interfaces.
   */
  readonly #byIndex = new Map<number, string>()
  /** The monitor, started again when it dies; one that dies at once again and again (netlink refused) is tried less often. */
  readonly #monitor = new Respawned(() => this.#spawn(), {
    firstMs: RESPAWN_MS,
    maxMs: RESPAWN_MAX_MS,
    livedMs: LIVED_MS,
    end: (c: ChildProcess) => c.stdin?.end(),
  })
  #onChange: CarrierHandler = () => {}
  #onKernel: () => void = () => {}
  #onInterfaces: () => void = () => {}
  /** The monitor has printed its first line or is running since a respawn: changes are seen. */
  #running = false

  constructor(ifaces: readonly string[], deps: { ip: IpRunner; log: Logger }) {
    this.#ifaces = new Set(ifaces)
    this.#ip = deps.ip
    this.#log = deps.log
  }

  /** Start watching, then report the current carrier of every interface that has none now. */
  async start(onChange: CarrierHandler, on: WatchHandlers = {}): Promise<void> {
    this.#onChange = onChange
    if (on.kernel) this.#onKernel = on.kernel
    if (on.interfaces) this.#onInterfaces = on.interfaces
    this.#monitor.start()
    const links = await ipJson<Array<{ ifindex?: number; ifname: string; flags?: string[] }>>(this.#ip, [
      'link',
      'show',
    ])
    for (const l of links) {
      if (!this.#ifaces.has(l.ifname)) continue
      if (l.ifindex !== undefined) this.#byIndex.set(l.ifindex, l.ifname)
      this.#report(l.ifname, l.flags?.includes('LOWER_UP') ?? false)
    }
    for (const iface of this.#ifaces) if (!this.#carrier.has(iface)) this.#report(iface, false)
  }

  /** One monitor line: match it to a LAN interface by index, or by name for a new index. */
  #onLine(ev: { index: number; iface: string; carrier: boolean }): void {
    const known = this.#byIndex.get(ev.index)
    if (known !== undefined) return this.#report(known, ev.carrier)
    if (!this.#ifaces.has(ev.iface)) return
    for (const [i, name] of this.#byIndex) if (name === ev.iface) this.#byIndex.delete(i) // deleted and created again
    this.#byIndex.set(ev.index, ev.iface)
    this.#report(ev.iface, ev.carrier)
  }

  watchesKernel(): boolean {
    return this.#running
  }

  async stop(): Promise<void> {
    this.#running = false
    this.#monitor.stop()
  }

  #report(iface: string, carrier: boolean): void {
    if (!this.#ifaces.has(iface) || this.#carrier.get(iface) === carrier) return
    const first = !this.#carrier.has(iface)
    this.#carrier.set(iface, carrier)
    if (!first || !carrier) this.#onChange(iface, carrier) // at start, only a missing carrier is news
  }

  /**
   * The monitor runs under sh, which kills it when our end of its stdin closes: when faild stops,
   * and also when faild dies by SIGKILL, so no `ip monitor` outlives the daemon. And sh ends with
   * it: a monitor that dies (the OOM killer, a stray kill) closes our pipe and is started again.
   * (sh used to wait on stdin with the pipe open, so a dead monitor went unseen: no carrier, no
   * address change, the kernel check back to once a minute, and nothing said.)
   */
  #spawn(): Started<ChildProcess> {
    const child = spawn('sh', ['-c', MONITOR], {
      stdio: ['pipe', 'pipe', 'ignore'],
    })
    child.on('spawn', () => {
      this.#running = true
      // What changed while it was not running is unknown: the kernel check reads once.
      this.#onKernel()
    })
    readLines(child.stdout, (lines) => {
      if (lines.length > 0) this.#onKernel()
      let interfaces = false
      for (const line of lines) {
        const ev = parseLinkLine(line)
        if (ev) this.#onLine(ev)
        interfaces ||= ev !== undefined || isAddressLine(line)
      }
      if (interfaces) this.#onInterfaces()
    })
    child.on('error', (err) => this.#log.warn(`link monitor: ${err.message}`))
    child.on('close', () => (this.#running = false))
    // Said the first time in a run, not at every try.
    const exited = (_: number | null, inARow: number) =>
      inARow === 0 &&
      this.#log.warn(
        `link monitor exited; restarting in ${RESPAWN_MS} ms, less often while it keeps exiting (carrier changes meanwhile are found by probes)`,
      )
    return { child, exited }
  }
}
