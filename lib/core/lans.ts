// This host's LANs: chosen from `ip -json addr show` output, labelled A, B, C..., and found by address (core/lan-follow.ts follows them).

import type { OwnLan } from './engine/pairing.js'
import { type IpAddrInfo, type LanIPv6, lanIPv6 } from './lan-ipv6.js'
import { HANDLE_PREFIX_LEN, ownHandle } from './link-handles.js'
import { parseIPv4, sameSubnet } from './util/ipv4.js'
import { MAX_LANS } from './wire/constants.js'

/** A LAN of this host; its IPv6 addresses (LanIPv6) are absent on an IPv4-only LAN. */
export interface Lan extends LanIPv6 {
  readonly index: number
  /** "A", "B", "C"... in LAN order. */
  readonly label: string
  readonly iface: string
  /** The interface's index: a rename keeps it, a deleted and re-created interface gets a new one. 0: not known. */
  readonly ifindex?: number
  /**
   * 0 while the interface is absent or has no IPv4 address on a subnet (dynamicInterfaces), and on
   * an IPv6-only LAN (isIPv6Only).
   */
  readonly address: number
  readonly prefixLen: number
  /**
   * The interface's broadcast address; 0 where it has none (`ip addr add A/24 dev X` sets none
   * without `brd +`). Only listened on: INQs go to 255.255.255.255 (see host/transport.ts).
   */
  readonly broadcast: number
  /** Lower is preferred to carry a dead path's traffic (default: the LAN index). */
  readonly preference: number
  /** The configured LAN name's tag on the wire (core/wire/lan-tag.ts); 0: none, pair by subnet. */
  readonly nameTag: number
}

/** The subset of `ip -json addr show` output faild reads. */
export interface IpLink {
  readonly ifindex?: number
  readonly ifname: string
  readonly flags?: readonly string[]
  readonly addr_info?: readonly IpAddrInfo[]
}

export const lanLabel = (index: number): string => String.fromCharCode(65 + index)

/**
 * An interface name faild can use: as the kernel allows it (dev_valid_name: 1-15 bytes, not . or
 * .., no / : or white space), less what `ip -batch` reads as syntax ('#' starts a comment anywhere
 * on a line, quotes group words), so that no name can cut or reshape a batch line.
 */
export const IFNAME = '^(?!\\.\\.?$)[^/:#"\'\\s\\u0000-\\u001f\\u007f]{1,15}$'
export const IFNAME_RE = new RegExp(IFNAME, 'u')

/** Reported to the operator as a bad -i/--interface value (or no usable interface at all). */
export class InterfaceError extends Error {
  override readonly name = 'InterfaceError'
}

/** A /32 (a service or loopback address) has no LAN around it to probe. */
const MAX_LAN_PREFIX = 31

/** faild's service addresses: never a LAN's own (see lanAddress). */
export type ServiceSet = ReadonlySet<number>
const NONE: ServiceSet = new Set()

/**
 * The interface's first IPv4 address with a broadcast address, else its first on a subnet; never
 * a service address faild moves (`services`): on a NIC that lost its own address, one put there
 * (without a broadcast address, and as the primary of another subnet) would pass for the LAN's.
 */
function lanAddress(link: IpLink, services: ServiceSet) {
  const inet = (link.addr_info ?? []).filter((x) => {
    const a = parseIPv4(x.local ?? '')
    return x.family === 'inet' && a !== undefined && (x.prefixlen ?? 32) <= MAX_LAN_PREFIX && !services.has(a)
  })
  return inet.find((x) => parseIPv4(x.broadcast ?? '') !== undefined) ?? inet[0]
}

/**
 * A LAN probed over IPv6: its interface has no IPv4 address on a subnet, but a global or ULA IPv6
 * address (by whose subnet peers pair it) and a link-local one (where it probes from).
 */
export const isIPv6Only = (l: Lan): boolean => l.address === 0 && l.ipv6 !== undefined && l.linkLocal !== undefined

/** This host's address on LAN `l` as the engine knows it: its handle on an IPv6-only LAN (core/link-handles.ts). */
export const engineAddress = (l: Lan): { address: number; prefixLen: number } =>
  isIPv6Only(l) ? { address: ownHandle(l.index), prefixLen: HANDLE_PREFIX_LEN } : l

/** The LAN `link` makes as the `index`th, as it is now; undefined: it has no address a LAN needs. */
export function toLan(link: IpLink, index: number, services: ServiceSet = NONE): Lan | undefined {
  const a = lanAddress(link, services)
  if (!a) return toIPv6Lan(link, index)
  return {
    index,
    label: lanLabel(index),
    iface: link.ifname,
    ...(link.ifindex === undefined ? {} : { ifindex: link.ifindex }),
    address: parseIPv4(a.local!)!,
    prefixLen: a.prefixlen!,
    broadcast: parseIPv4(a.broadcast ?? '') ?? 0,
    preference: index,
    nameTag: 0,
    ...lanIPv6(link.addr_info ?? []),
  }
}

/** An interface without IPv4 as an IPv6-only LAN, if it has what one needs (isIPv6Only). */
function toIPv6Lan(link: IpLink, index: number): Lan | undefined {
  const v6 = lanIPv6(link.addr_info ?? [])
  if (!v6.ipv6 || !v6.linkLocal) return undefined
  const known = link.ifindex === undefined ? {} : { ifindex: link.ifindex }
  const lan = { index, label: lanLabel(index), iface: link.ifname, ...known, address: 0, prefixLen: 32 }
  return { ...lan, broadcast: 0, preference: index, nameTag: 0, ...v6 }
}

/**
 * With `requested` names, those interfaces in the order given; otherwise every up interface that
 * is neither loopback nor point-to-point with an IPv4 address on a subnet (not a /32), or else
 * with what an IPv6-only LAN needs (isIPv6Only), in name order. Each LAN uses the interface's
 * first IPv4 address with a broadcast address, or else its first such address.
 */
export function selectLans(
  links: readonly IpLink[],
  requested: readonly string[],
  dynamic = false,
  services: ServiceSet = NONE,
): Lan[] {
  if (requested.length > 0) {
    if (new Set(requested).size !== requested.length)
      throw new InterfaceError(`an interface is named twice: ${requested.join(', ')}`)
    const lans = requested.map((name, i) => {
      if (!IFNAME_RE.test(name))
        throw new InterfaceError(`'${name}': faild cannot use a name holding '#', a quote or white space (rename it)`)
      const link = links.find((l) => l.ifname === name)
      const lan = link && toLan(link, i, services)
      if (lan) return lan
      if (dynamic) return absentLan(name, i, link?.ifindex)
      if (!link) throw new InterfaceError(`'${name}': no such interface`)
      throw new InterfaceError(
        `'${name}': has no IPv4 address on a subnet (a /31 or wider), nor a global or ULA IPv6 address and a link-local one`,
      )
    })
    if (lans.every((l) => l.address === 0 && !isIPv6Only(l)))
      throw new InterfaceError(
        `none of ${requested.join(', ')} has an IPv4 address on a subnet or an IPv6 address yet: faild needs one`,
      )
    return lans
  }
  const usable = [...links]
    .filter((l) => l.flags?.includes('UP') && !l.flags.includes('LOOPBACK') && !l.flags.includes('POINTOPOINT'))
    .filter((l) => IFNAME_RE.test(l.ifname))
    .sort((a, b) => (a.ifname < b.ifname ? -1 : a.ifname > b.ifname ? 1 : 0))
    .flatMap((l) => toLan(l, 0, services) ?? [])
  const lans = usable.slice(0, MAX_LANS).map((l, i) => ({ ...l, index: i, label: lanLabel(i), preference: i }))
  if (lans.length === 0)
    throw new InterfaceError(
      'no up interface with an IPv4 address on a subnet or a global IPv6 address: name them with -i',
    )
  return lans
}

/** A named LAN whose interface is not there yet, or has no address: probed once it has one. */
function absentLan(iface: string, index: number, ifindex: number | undefined): Lan {
  const known = ifindex === undefined ? {} : { ifindex }
  return {
    index,
    label: lanLabel(index),
    iface,
    ...known,
    address: 0,
    prefixLen: 32,
    broadcast: 0,
    preference: index,
    nameTag: 0,
  }
}

/** The LAN whose subnet holds `address`, or undefined. */
export function lanOf(lans: readonly Lan[], address: number): Lan | undefined {
  return lans.find((l) => sameSubnet(l.address, address, l.prefixLen))
}

/**
 * The node id faild goes by unless configured: the first LAN's IPv4 address (a LAN plugged in
 * later has none yet), else, on a host with IPv6-only LANs, the last 32 bits of the first one's
 * global or ULA address (unique on its subnet unless two hosts share an interface id's low half:
 * an id clash is logged, and -n/nodeId sets another).
 */
export function defaultNodeId(lans: readonly Lan[]): number {
  const v4 = lans.find((l) => l.address !== 0)
  if (v4) return v4.address
  const v6 = lans.find(isIPv6Only)!.ipv6!.address
  return ((v6[12]! << 24) | (v6[13]! << 16) | (v6[14]! << 8) | v6[15]!) >>> 0
}

/** LAN `l` as pairing and the encoder need it (core/engine/pairing.ts). */
export const ownLan = (l: Lan): OwnLan => ({
  address: l.address,
  prefixLen: l.prefixLen,
  nameTag: l.nameTag,
  ...(l.ipv6 ? { ipv6: l.ipv6 } : {}),
  ...(isIPv6Only(l) ? { linkLocal: l.linkLocal! } : {}),
})
