// Service addresses at work: claimed at start (daemon/address-claim.ts), moved to a working interface when theirs fails, left or removed at stop.
import { ADDRESS_TABLE_OFFSET } from '../config/defaults.js'
import { lanTrouble, newHistory, placement, remember, type ServiceAddress } from '../core/addresses/placement.js'
import type { EngineView } from '../core/engine/view.js'
import type { Lan } from '../core/lans.js'
import type { NotifyEvent } from '../core/report/change-log.js'
import { lanName } from '../core/report/status-report.js'
import type { TargetView } from '../core/targets/targets.js'
import type { HeldAddress } from '../core/wire/message.js'
import type { IpRunner } from '../host/ip-runner.js'
import type { Logger } from '../host/log.js'
import { NdiscSysctls, type Sysctl } from '../host/ndisc-sysctl.js'
import { type AddressItem, addressText, claimAll, foreignOn } from './address-claim.js'
import { OneAtATime } from './one-at-a-time.js'
import { mover4, mover6, type ReplyOptions } from './service-mover.js'

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

export class ServiceAddresses {
  readonly #deps: ServiceAddressesDeps
  readonly #items: AddressItem[]
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
    await claimAll(this.#items, this.#deps, this.#sysctls)
    this.#started = true
    this.#tell()
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
        this.#deps.log.warn(`address ${addressText(spec)}: ${(err as Error).message}`)
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

  async #move(item: AddressItem, to: number, why: string): Promise<void> {
    const { lans, log, notify } = this.#deps
    const { spec } = item
    const it = addressText(spec)
    const from = item.current === undefined ? undefined : lans[item.current]?.iface
    const iface = lans[to]!.iface
    try {
      await item.mover.move(iface, from, foreignOn(spec, lans[to]))
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
      `address ${it} moved ${from ?? '-'} -> ${iface} (LAN ${lanName(lans, to)}; ${why}), ` +
        `announced with ${item.mover.announced}`,
    )
    notify?.({ event: 'address', address: it, lan: lanName(lans, to), action: 'move' })
  }
}
