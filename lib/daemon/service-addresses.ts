// Service addresses at work: claimed at start (after checking nobody else answers for them), moved to a working interface when theirs fails, left or removed at stop.
import { ADDRESS_TABLE_OFFSET } from '../config/defaults.js'
import { onSubnet6 } from '../core/addresses/lines6.js'
import {
  type LanHistory,
  lanTrouble,
  newHistory,
  placement,
  remember,
  type ServiceAddress,
} from '../core/addresses/placement.js'
import type { EngineView } from '../core/engine/view.js'
import type { Lan } from '../core/lans.js'
import type { NotifyEvent } from '../core/report/change-log.js'
import type { TargetView } from '../core/targets/targets.js'
import { formatIPv4, sameSubnet } from '../core/util/ipv4.js'
import type { HeldAddress } from '../core/wire/message.js'
import { type IpRunner, ipJson } from '../host/ip-runner.js'
import type { Logger } from '../host/log.js'
import { NdiscSysctls, type Sysctl } from '../host/ndisc-sysctl.js'
import { OneAtATime } from './one-at-a-time.js'
import { type Mover, mover4, mover6, type ReplyOptions } from './service-mover.js'

export interface ServiceAddressesDeps {
  readonly ip: IpRunner
  readonly log: Logger
  /** The LANs, live (an interface may be renamed). */
  readonly lans: readonly Lan[]
  readonly view: () => EngineView
  readonly targets: () => readonly TargetView[]
  readonly notify?: ((e: NotifyEvent) => void) | undefined
  /** Where the addresses are now, after each placement: peers are told (the engine's hold). */
  readonly held?: (held: HeldAddress[]) => void
  readonly table: number
  readonly rulePriority: number
  readonly dryRun: boolean
  /** IPv6 neighbour-discovery sysctls (default: this namespace's /proc/sys). */
  readonly sysctl?: Sysctl
}

/** "198.18.1.100/24" or "2001:db8:1::100/64". */
const textOf = (spec: ServiceAddress): string => `${spec.ipv6 ?? formatIPv4(spec.address)}/${spec.len}`

interface Item {
  readonly spec: ServiceAddress
  readonly key: string
  readonly mover: Mover
  /** The LAN the address is on now; undefined before the start placed it. */
  current: number | undefined
  /** This run's start put it on (it was on no interface): a start that fails takes it off again. */
  claimed?: boolean
  /** The LANs that have worked for it, and those that have failed. */
  readonly history: LanHistory
}

export class ServiceAddresses {
  readonly #deps: ServiceAddressesDeps
  readonly #items: Item[]
  readonly #passes = new OneAtATime(() => this.#pass())
  /** start() went through: a stop leaves the addresses it claimed (unless owned), as the host's services. */
  #started = false
  /** What faild changed of the interfaces' IPv6 sysctls, put back at stop. */
  readonly #sysctls: NdiscSysctls
  /** The addresses of the config: a peer's claim to one of them is never routed. */
  readonly own: ReadonlySet<number>

  constructor(specs: readonly ServiceAddress[], deps: ServiceAddressesDeps) {
    this.#deps = deps
    this.own = new Set(specs.flatMap((s) => (s.ipv6 === undefined ? [s.address] : [])))
    this.#sysctls = new NdiscSysctls(deps.sysctl)
    this.#items = specs.map((spec, i) => {
      const o: ReplyOptions = {
        table: deps.table + ADDRESS_TABLE_OFFSET + i,
        // Ahead of faild's host-route rule: an address's replies take its own interface first.
        priority: Math.max(1, deps.rulePriority - 1),
        dryRun: deps.dryRun,
      }
      const mover =
        spec.ipv6 === undefined ? mover4(spec, o, deps) : mover6({ ...spec, ipv6: spec.ipv6 }, o, deps, this.#sysctls)
      return { spec, key: `/addresses/${i}`, mover, current: undefined, history: newHistory() }
    })
  }

  /**
   * Where each address is, or where it goes: left where it is when it is on one of its interfaces
   * (its reply route set), refused when it is on another, claimed on the first interface with
   * carrier otherwise, unless another host answers for it (nothing claimed then). Throws naming the key.
   */
  async start(): Promise<void> {
    const up = this.#items.length > 0 ? await this.#carrier() : new Set<string>()
    if (this.#items.some((i) => i.spec.ipv6 !== undefined) && this.#sysctls.dadForced())
      this.#deps.log.warn(
        'net.ipv6.conf.all.accept_dad is on: the kernel runs DAD at every move of an IPv6 service ' +
          'address, which can fail against the copy it replaces on the same link; set it to 0 in /etc/sysctl.d/',
      )
    for (const item of this.#items) await this.#claim(item, up)
    this.#started = true
    this.#tell()
  }

  /** One address at start: kept where it is on one of its interfaces, else claimed (see start). */
  async #claim(item: Item, up: ReadonlySet<string>): Promise<void> {
    const { spec, mover, key } = item
    const it = textOf(spec)
    await mover.release(false) // a crashed run's rule and route
    const holders = await mover.holders()
    const ifaceOf = (l: number) => this.#deps.lans[l]?.iface
    const stray = holders.find((h) => !spec.lans.some((l) => ifaceOf(l) === h))
    if (stray !== undefined) throw new Error(`${key}: ${it} is on ${stray}, not one of its interfaces: nothing claimed`)
    const on = spec.lans.find((l) => holders.includes(ifaceOf(l) ?? ''))
    // A crash between a move's two steps leaves a copy on two of its interfaces: the move takes the other off.
    const other = holders.find((h) => on !== undefined && h !== ifaceOf(on))
    const lan = on ?? spec.lans.find((l) => up.has(ifaceOf(l) ?? '')) ?? spec.lans[0]!
    const iface = this.#deps.lans[lan]!.iface
    if (on === undefined) {
      const why = await mover.duplicate(iface)
      if (why) throw new Error(`${key}: ${it} is in use by another host (${why}): nothing claimed`)
    }
    item.claimed = on === undefined
    await mover.move(iface, other, this.#foreign(spec, lan))
    item.current = lan
    // Kept where an earlier run moved it: the LANs ahead of it count as failed, so failback: false keeps it there.
    if (on !== undefined) for (const l of spec.lans.slice(0, spec.lans.indexOf(on))) item.history.failed.add(l)
    this.#deps.log.info(`address ${it} ${on === undefined ? 'claimed' : 'kept'} on ${iface} (LAN ${this.#label(lan)})`)
  }

  /**
   * The interfaces with carrier (LOWER_UP) now: the start runs before the carrier watch, so the
   * engine would say every LAN has it, and the address would go on the first even with its cable
   * out (where DAD never ends, and arping -D fails or hears nothing).
   */
  async #carrier(): Promise<Set<string>> {
    try {
      const links = await ipJson<Array<{ ifname: string; flags?: string[] }>>(this.#deps.ip, ['link', 'show'])
      return new Set(links.filter((l) => l.flags?.includes('LOWER_UP')).map((l) => l.ifname))
    } catch (err) {
      this.#deps.log.warn(`cannot read carrier: ${(err as Error).message}; addresses claimed on their first interface`)
      return new Set()
    }
  }

  /** Tell peers where the addresses are now (faild clients route them over that LAN). */
  #tell(): void {
    // IPv6 addresses are not told yet: the engine's hold is IPv4 (same-subnet clients need no telling).
    const held = this.#items.flatMap(({ spec, current }) =>
      current === undefined || spec.ipv6 !== undefined ? [] : [{ address: spec.address, len: spec.len, lan: current }],
    )
    this.#deps.held?.(held)
  }

  /** Something changed (paths, targets, carrier): move each address to where it belongs (one pass at a time). */
  review(): void {
    if (this.#items.length > 0) this.#passes.request()
  }

  async stop(): Promise<void> {
    await this.#passes.stop()
    for (const { spec, mover, claimed } of this.#items) {
      try {
        // A start that failed leaves the host as it found it: no address it put on.
        await mover.release(spec.owned || (claimed === true && !this.#started))
      } catch (err) {
        this.#deps.log.warn(`address ${textOf(spec)}: ${(err as Error).message}`)
      }
    }
    for (const e of this.#sysctls.restore()) this.#deps.log.warn(`cannot restore ${e}`)
  }

  async #pass(): Promise<void> {
    const view = this.#deps.view()
    const targets = this.#deps.targets()
    for (const item of this.#items) {
      if (item.current === undefined) continue
      const trouble = item.spec.lans.map((l) => lanTrouble(item.spec, l, view, targets))
      remember(item.history, item.spec, trouble, view)
      const failed = item.spec.lans.map((l) => item.history.failed.has(l))
      const to = placement(
        item.spec,
        trouble.map((x) => x === undefined),
        item.current,
        failed,
      )
      if (to === undefined || to === item.current) continue
      const why = trouble[item.spec.lans.indexOf(item.current)]
      await this.#move(item, to, why ?? 'a preferred interface works again')
    }
  }

  async #move(item: Item, to: number, why: string): Promise<void> {
    const { lans, log, notify } = this.#deps
    const { spec } = item
    const it = textOf(spec)
    const from = item.current === undefined ? undefined : lans[item.current]?.iface
    const iface = lans[to]!.iface
    try {
      await item.mover.move(iface, from, this.#foreign(spec, to))
    } catch (err) {
      // The address goes on first: if it is there, it moved, whatever failed after (peers must be told).
      const on: string[] = await item.mover.holders().catch(() => [])
      const e = (err as Error).message
      if (!on.includes(iface))
        return void log.warn(`address ${it}: cannot move to ${iface}: ${e}; tried again at the next change`)
      log.warn(`address ${it}: on ${iface} now, but the rest of the move failed: ${e}`)
    }
    item.current = to
    this.#tell()
    log.warn(
      `address ${it} moved ${from ?? '-'} -> ${iface} (LAN ${this.#label(to)}; ${why}), ` +
        `announced with ${item.mover.announced}`,
    )
    notify?.({ event: 'address', address: it, lan: this.#label(to), action: 'move' })
  }

  /** LAN `lan`'s own subnet does not hold the address: it was moved there from another LAN's. */
  #foreign(spec: ServiceAddress, lan: number): boolean {
    const l = this.#deps.lans[lan]
    if (l === undefined) return false
    if (spec.ipv6 !== undefined) return !onSubnet6(l, spec.ipv6)
    return l.address !== 0 && !sameSubnet(spec.address, l.address, l.prefixLen)
  }

  #label(lan: number): string {
    return this.#deps.lans[lan]?.label ?? `#${lan}`
  }
}
