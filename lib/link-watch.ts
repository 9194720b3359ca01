// Watches carrier on this host's LAN interfaces through netlink (a long-running `ip -o monitor link`).
import { spawn, type ChildProcess } from 'node:child_process'
import { ipJson, type IpRunner } from './ip.js'
import type { Logger } from './log.js'

export type CarrierHandler = (iface: string, carrier: boolean) => void

/** Reports carrier changes of the LAN interfaces; the daemon's only view of link state. */
export interface CarrierWatch {
  start(onChange: CarrierHandler): Promise<void>
  stop(): Promise<void>
}

/**
 * One line of `ip -o monitor link`, e.g. "3: etha@if5: <NO-CARRIER,BROADCAST,UP> mtu 1500 ...":
 * the interface and whether it has carrier (LOWER_UP). A deleted interface has none.
 */
export function parseLinkLine(line: string): { iface: string; carrier: boolean } | undefined {
  const m = /^(Deleted )?\d+: ([^:@\s]+)(?:@\S+)?: <([^>]*)>/.exec(line.trim())
  if (!m) return undefined
  const flags = m[3]!.split(',')
  return { iface: m[2]!, carrier: !m[1] && flags.includes('LOWER_UP') }
}

/** Respawn a monitor that died, at most this often. */
const RESPAWN_MS = 1000

export class LinkWatch implements CarrierWatch {
  readonly #ifaces: ReadonlySet<string>
  readonly #ip: IpRunner
  readonly #log: Logger
  /** Last carrier reported per watched interface (keyed by name; BOUNDED: the LAN interfaces). */
  readonly #carrier = new Map<string, boolean>()
  #child: ChildProcess | undefined
  #stopped = false
  #onChange: CarrierHandler = () => {}

  constructor(ifaces: readonly string[], deps: { ip: IpRunner; log: Logger }) {
    this.#ifaces = new Set(ifaces)
    this.#ip = deps.ip
    this.#log = deps.log
  }

  /** Start watching, then report the current carrier of every interface that has none now. */
  async start(onChange: CarrierHandler): Promise<void> {
    this.#onChange = onChange
    this.#spawn()
    const links = await ipJson<Array<{ ifname: string; flags?: string[] }>>(this.#ip, ['link', 'show'])
    for (const l of links) if (this.#ifaces.has(l.ifname)) this.#report(l.ifname, l.flags?.includes('LOWER_UP') ?? false)
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#child?.stdin?.end()
    this.#child = undefined
  }

  #report(iface: string, carrier: boolean): void {
    if (!this.#ifaces.has(iface) || this.#carrier.get(iface) === carrier) return
    const first = !this.#carrier.has(iface)
    this.#carrier.set(iface, carrier)
    if (!first || !carrier) this.#onChange(iface, carrier) // at start, only a missing carrier is news
  }

  /**
   * The monitor runs under sh, which kills it when our end of its stdin closes: when faild stops,
   * and also when faild dies by SIGKILL, so no `ip monitor` outlives the daemon.
   */
  #spawn(): void {
    const child = spawn('sh', ['-c', 'ip -o monitor link & read _; kill $! 2>/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] })
    this.#child = child
    let partial = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const lines = (partial + d).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) {
        const ev = parseLinkLine(line)
        if (ev) this.#report(ev.iface, ev.carrier)
      }
    })
    child.on('error', (err) => this.#log.warn(`link monitor: ${err.message}`))
    child.on('close', () => {
      if (this.#stopped) return
      this.#log.warn(`link monitor exited; restarting in ${RESPAWN_MS} ms (carrier changes meanwhile are found by probes)`)
      setTimeout(() => !this.#stopped && this.#spawn(), RESPAWN_MS).unref()
    })
  }
}
