// This host's LANs: chosen from `ip -json addr show` output, labelled A, B, C..., found by address.

import { parseIPv4, sameSubnet } from './util/ipv4.js'
import { MAX_LANS } from './wire/constants.js'

export interface Lan {
  readonly index: number
  /** "A", "B", "C"... in LAN order. */
  readonly label: string
  readonly iface: string
  readonly address: number
  readonly prefixLen: number
  readonly broadcast: number
  /** Lower is preferred to carry a dead path's traffic (default: the LAN index). */
  readonly preference: number
}

/** The subset of `ip -json addr show` output faild reads. */
export interface IpLink {
  readonly ifname: string
  readonly flags?: readonly string[]
  readonly addr_info?: ReadonlyArray<{ family?: string; local?: string; prefixlen?: number; broadcast?: string }>
}

export const lanLabel = (index: number): string => String.fromCharCode(65 + index)

/** Reported to the operator as a bad -i/--interface value (or no usable interface at all). */
export class InterfaceError extends Error {
  override readonly name = 'InterfaceError'
}

function toLan(link: IpLink, index: number): Lan | undefined {
  const a = link.addr_info?.find((x) => x.family === 'inet' && x.broadcast !== undefined)
  const address = parseIPv4(a?.local ?? '')
  const broadcast = parseIPv4(a?.broadcast ?? '')
  if (!a || address === undefined || broadcast === undefined) return undefined
  return {
    index,
    label: lanLabel(index),
    iface: link.ifname,
    address,
    prefixLen: a.prefixlen ?? 32,
    broadcast,
    preference: index,
  }
}

/**
 * With `requested` names, those interfaces in the order given; otherwise every up, non-loopback
 * interface with an IPv4 broadcast address, in name order. Each LAN uses the interface's first
 * such address.
 */
export function selectLans(links: readonly IpLink[], requested: readonly string[]): Lan[] {
  if (requested.length > 0) {
    if (new Set(requested).size !== requested.length)
      throw new InterfaceError(`an interface is named twice: ${requested.join(', ')}`)
    return requested.map((name, i) => {
      const link = links.find((l) => l.ifname === name)
      if (!link) throw new InterfaceError(`'${name}': no such interface`)
      const lan = toLan(link, i)
      if (!lan) throw new InterfaceError(`'${name}': has no IPv4 address with a broadcast address`)
      return lan
    })
  }
  const usable = [...links]
    .filter((l) => l.flags?.includes('UP') && !l.flags.includes('LOOPBACK'))
    .sort((a, b) => (a.ifname < b.ifname ? -1 : a.ifname > b.ifname ? 1 : 0))
    .flatMap((l) => toLan(l, 0) ?? [])
  const lans = usable.slice(0, MAX_LANS).map((l, i) => ({ ...l, index: i, label: lanLabel(i), preference: i }))
  if (lans.length === 0) throw new InterfaceError('no up interface with an IPv4 broadcast address: name them with -i')
  return lans
}

/** The LAN whose subnet holds `address`, or undefined. */
export function lanOf(lans: readonly Lan[], address: number): Lan | undefined {
  return lans.find((l) => sameSubnet(l.address, address, l.prefixLen))
}
