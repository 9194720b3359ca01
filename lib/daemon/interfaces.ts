// Follows the LAN interfaces live: a rename, an interface deleted and created again, plugged in late, or given a new address.
//
// The netlink monitor says that a link or an address changed; this reads `ip -json addr show`
// once (one read at a time, and one more if something changed meanwhile) and moves each LAN to
// what its interface is now (core/lan-follow.ts). A new name only changes what routes name; a
// new address rebinds the LAN's sockets and tells the engine, which meets the peers there again
// if the subnet changed. Carrier is the monitor's own business, as before.

import type { Effect } from '../core/engine/effects.js'
import type { OwnLan } from '../core/engine/pairing.js'
import type { OwnIPv6 } from '../core/engine/trust6.js'
import { follow } from '../core/lan-follow.js'
import { sameGlobal6, sameLinkLocal } from '../core/lan-ipv6.js'
import { engineAddress, type IpLink, isIPv6Only, type Lan, ownLan, type ServiceSet } from '../core/lans.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import { formatIPv6 } from '../core/util/ipv6.js'
import type { Clock, Timer } from '../host/clock.js'
import { type IpRunner, ipJson } from '../host/ip-runner.js'
import type { Logger } from '../host/log.js'
import { OneAtATime } from './one-at-a-time.js'

export interface InterfacesDeps {
  readonly ip: IpRunner
  readonly log: Logger
  /** The LANs, updated in place: every component reads this one array. */
  readonly lans: Lan[]
  /** Pairing's view of the same LANs, updated in place. */
  readonly own: OwnLan[]
  readonly rebind: (lan: number) => Promise<void>
  /** The engine's address and prefix for this host on `lan` now, and its IPv6 address there. */
  readonly readdress: (lan: number, address: number, prefixLen: number, ipv6?: OwnIPv6) => Effect[]
  /** Carry out the engine's effects. */
  readonly run: (effects: Effect[]) => void
  /** Plan the routes again (they name the interfaces and addresses). */
  readonly replan: () => void
  readonly clock: Pick<Clock, 'setTimeout'>
  /** faild's IPv4 service addresses: never taken for a LAN's own (core/lans.ts lanAddress). */
  readonly services?: ServiceSet
}

/**
 * A change is read this long after it: a rename or a new address is not urgent, while a carrier
 * loss is, and spawning `ip` at that very moment took CPU from the failover itself.
 */
export const SETTLE_MS = 100

/** A LAN whose sockets could not be bound again is tried again this often, change or none: until then it hears nothing. */
export const REBIND_RETRY_MS = 5000

const where = (l: Lan) => (l.address === 0 ? 'none' : `${formatIPv4(l.address)}/${l.prefixLen}`)
const where6 = (l: Lan) => (l.ipv6 ? `${formatIPv6(l.ipv6.address)}/${l.ipv6.prefixLen}` : 'none')

export class Interfaces {
  readonly #deps: InterfacesDeps
  readonly #reads = new OneAtATime(() => this.#read())
  #settling: Timer | undefined
  #retrying: Timer | undefined
  /** LANs whose rebind failed, said once until it works. BOUNDED: the LANs. */
  readonly #unbound = new Set<number>()

  constructor(deps: InterfacesDeps) {
    this.#deps = deps
  }

  /** A link or address changed somewhere: read the interfaces again, a little later (coalesced). */
  changed(): void {
    if (this.#settling || this.#reads.stopped) return
    this.#settling = this.#deps.clock.setTimeout(() => {
      this.#settling = undefined
      this.#reads.request()
    }, SETTLE_MS)
  }

  /** Resolves once no read is in progress or asked for. */
  settled(): Promise<void> {
    return this.#reads.settled()
  }

  /** Resolves once the current read is done. */
  stop(): Promise<void> {
    this.#settling?.cancel()
    this.#retrying?.cancel()
    return this.#reads.stop()
  }

  /** Read again later: a LAN whose bind failed has no sockets, and the change that would fix it may never come. */
  #retry(): void {
    if (this.#retrying || this.#reads.stopped) return
    this.#retrying = this.#deps.clock.setTimeout(() => {
      this.#retrying = undefined
      this.#reads.request()
    }, REBIND_RETRY_MS)
  }

  async #read(): Promise<void> {
    let links: IpLink[]
    try {
      links = await ipJson<IpLink[]>(this.#deps.ip, ['addr', 'show'])
    } catch (err) {
      this.#deps.log.warn(`cannot read the interfaces: ${(err as Error).message}; LANs stay as they were`)
      return
    }
    let moved = false
    for (const [i, lan] of this.#deps.lans.entries()) {
      const next = follow(lan, links, this.#deps.services)
      if (next === lan || this.#reads.stopped) continue
      moved = (await this.#move(i, lan, next)) || moved
    }
    if (moved) this.#deps.replan()
  }

  /** Put LAN `i` where its interface is now; true if routes may name something else. */
  async #move(i: number, before: Lan, next: Lan): Promise<boolean> {
    const { log, lans, own } = this.#deps
    const it = `LAN ${next.label}`
    const ownBefore = own[i]!
    lans[i] = next
    own[i] = ownLan(next)
    const readdressed = next.address !== before.address || next.prefixLen !== before.prefixLen
    // An IPv6-only LAN's sockets are bound to its interface by index (the link-local's scope, the
    // multicast group): one deleted and created again, same name and link-local, needs new ones.
    const relinked = isIPv6Only(next) && (!sameLinkLocal(before, next) || next.ifindex !== before.ifindex)
    if (readdressed || relinked || next.broadcast !== before.broadcast) {
      try {
        await this.#deps.rebind(i)
      } catch (err) {
        lans[i] = before // read again at the next change, or the retry
        own[i] = ownBefore
        if (!this.#unbound.has(i))
          log.warn(`${it} (${next.iface}): ${(err as Error).message}; tried again every ${REBIND_RETRY_MS / 1000} s`)
        this.#unbound.add(i)
        this.#retry()
        return false
      }
      if (this.#unbound.delete(i)) log.info(`${it} (${next.iface}): its sockets are bound again`)
    }
    if (next.iface !== before.iface)
      log.warn(`${it}: interface ${before.iface} is now called ${next.iface}; routes follow it`)
    const readdressed6 = !sameGlobal6(before, next)
    if (readdressed6) log.info(`${it} (${next.iface}): IPv6 address ${where6(before)} -> ${where6(next)}`)
    if (!readdressed && !readdressed6) return next.iface !== before.iface
    if (readdressed) log.info(`${it} (${next.iface}): address ${where(before)} -> ${where(next)}; probing from it`)
    // On an IPv6-only LAN the engine knows this host by its handle (core/link-handles.ts).
    const mine = engineAddress(next)
    this.#deps.run(this.#deps.readdress(i, mine.address, mine.prefixLen, next.ipv6))
    return true
  }
}
