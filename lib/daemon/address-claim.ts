// Service addresses at start: each kept where it is on one of its interfaces, refused when it is on another, else claimed on the first with carrier unless another host answers for it.
import { onSubnet6 } from '../core/addresses/lines6.js'
import type { LanHistory, ServiceAddress } from '../core/addresses/placement.js'
import type { Lan } from '../core/lans.js'
import { lanName } from '../core/report/status-report.js'
import { formatIPv4, sameSubnet } from '../core/util/ipv4.js'
import { type IpRunner, ipJson } from '../host/ip-runner.js'
import type { Logger } from '../host/log.js'
import type { NdiscSysctls } from '../host/ndisc-sysctl.js'
import type { Mover } from './service-mover.js'

/** One service address at work: placed by the start, then moved by daemon/service-addresses.ts. */
export interface AddressItem {
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

/** "198.18.1.100/24" or "2001:db8:1::100/64". */
export const addressText = (spec: ServiceAddress): string => `${spec.ipv6 ?? formatIPv4(spec.address)}/${spec.len}`

/** LAN `l`'s own subnet does not hold the address: it was moved there from another LAN's. */
export function foreignOn(spec: ServiceAddress, l: Lan | undefined): boolean {
  if (l === undefined) return false
  if (spec.ipv6 !== undefined) return !onSubnet6(l, spec.ipv6)
  return l.address !== 0 && !sameSubnet(spec.address, l.address, l.prefixLen)
}

export interface ClaimDeps {
  readonly ip: IpRunner
  readonly log: Logger
  /** The LANs, live (an interface may be renamed). */
  readonly lans: readonly Lan[]
}

/** Every address placed, one after the other (see ServiceAddresses.start). Throws naming the key. */
export async function claimAll(items: readonly AddressItem[], deps: ClaimDeps, sysctls: NdiscSysctls): Promise<void> {
  const up = items.length > 0 ? await carrier(deps) : new Set<string>()
  if (items.some((i) => i.spec.ipv6 !== undefined) && sysctls.dadForced())
    deps.log.warn(
      'net.ipv6.conf.all.accept_dad is on: the kernel runs DAD at every move of an IPv6 service ' +
        'address, which can fail against the copy it replaces on the same link; set it to 0 in /etc/sysctl.d/',
    )
  for (const item of items) await claim(item, up, deps)
}

/** One address at start: kept where it is on one of its interfaces, else claimed (see claimAll). */
async function claim(item: AddressItem, up: ReadonlySet<string>, deps: ClaimDeps): Promise<void> {
  const { spec, mover, key } = item
  const it = addressText(spec)
  await mover.release(false) // a crashed run's rule and route
  const holders = await mover.holders()
  const ifaceOf = (l: number) => deps.lans[l]?.iface
  const stray = holders.find((h) => !spec.lans.some((l) => ifaceOf(l) === h))
  if (stray !== undefined) throw new Error(`${key}: ${it} is on ${stray}, not one of its interfaces: nothing claimed`)
  const on = spec.lans.find((l) => holders.includes(ifaceOf(l) ?? ''))
  // A crash between a move's two steps leaves a copy on two of its interfaces: the move takes the other off.
  const other = holders.find((h) => on !== undefined && h !== ifaceOf(on))
  const lan = on ?? spec.lans.find((l) => up.has(ifaceOf(l) ?? '')) ?? spec.lans[0]!
  const iface = deps.lans[lan]!.iface
  if (on === undefined) {
    const why = await mover.duplicate(iface)
    if (why) throw new Error(`${key}: ${it} is in use by another host (${why}): nothing claimed`)
  }
  item.claimed = on === undefined
  await mover.move(iface, other, foreignOn(spec, deps.lans[lan]))
  item.current = lan
  // Kept where an earlier run moved it: the LANs ahead of it count as failed, so failback: false keeps it there.
  if (on !== undefined) for (const l of spec.lans.slice(0, spec.lans.indexOf(on))) item.history.failed.add(l)
  // So does a LAN without carrier now: until the carrier watch reports, the engine says it has it.
  if (up.size > 0) for (const l of spec.lans) if (!up.has(ifaceOf(l) ?? '')) item.history.failed.add(l)
  deps.log.info(`address ${it} ${on === undefined ? 'claimed' : 'kept'} on ${iface} (LAN ${lanName(deps.lans, lan)})`)
}

/**
 * The interfaces with carrier (LOWER_UP) now: the start runs before the carrier watch, so the
 * engine would say every LAN has it, and the address would go on the first even with its cable
 * out (where DAD never ends, and arping -D fails or hears nothing).
 */
async function carrier(deps: ClaimDeps): Promise<Set<string>> {
  try {
    const links = await ipJson<Array<{ ifname: string; flags?: string[] }>>(deps.ip, ['link', 'show'])
    return new Set(links.filter((l) => l.flags?.includes('LOWER_UP')).map((l) => l.ifname))
  } catch (err) {
    deps.log.warn(`cannot read carrier: ${(err as Error).message}; addresses claimed on their first interface`)
    return new Set()
  }
}
