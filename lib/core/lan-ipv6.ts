// A LAN interface's IPv6 addresses, from `ip -json addr show`: its global or ULA address and prefix, and its link-local address.
import { type IPv6, isLinkLocal6, isRoutable6, parseIPv6, sameIPv6 } from './util/ipv6.js'

/** One entry of an interface's addr_info, as `ip -json addr show` gives it (the fields read here). */
export interface IpAddrInfo {
  readonly family?: string
  readonly local?: string
  readonly prefixlen?: number
  readonly broadcast?: string
  readonly scope?: string
  /** Set while duplicate address detection runs: the kernel does not let it be used yet. */
  readonly tentative?: boolean
  readonly dadfailed?: boolean
  /** Its preferred lifetime is over: the kernel picks it for nothing new. */
  readonly deprecated?: boolean
  /** An RFC 4941 privacy address: replaced every day or so, so never a LAN's address. */
  readonly temporary?: boolean
}

/** What a LAN knows of its interface's IPv6; each part absent when the interface has none usable. */
export interface LanIPv6 {
  /** The global or ULA address peers will route to, and its prefix length. */
  readonly ipv6?: { readonly address: IPv6; readonly prefixLen: number }
  /** The fe80::/10 address, IPv6 probes' source and a next hop on the LAN. */
  readonly linkLocal?: IPv6
}

/** An address the kernel will use now, not one to be replaced soon. */
const usable = (x: IpAddrInfo): boolean =>
  x.family === 'inet6' && !x.tentative && !x.dadfailed && !x.deprecated && !x.temporary

/**
 * The first usable scope-global address that is global unicast or ULA, preferring one on a subnet
 * (a DHCPv6 address is a /128, its subnet known only from the router's advertisements), and the
 * first usable link-local address.
 */
export function lanIPv6(addrs: readonly IpAddrInfo[]): LanIPv6 {
  const parsed = addrs.filter(usable).flatMap((x) => {
    const address = parseIPv6(x.local ?? '')
    return address ? [{ x, address }] : []
  })
  const global = parsed.filter(({ x, address }) => x.scope === 'global' && isRoutable6(address))
  const g = global.find(({ x }) => (x.prefixlen ?? 128) < 128) ?? global[0]
  const ll = parsed.find(({ x, address }) => x.scope === 'link' && isLinkLocal6(address))
  return {
    ...(g ? { ipv6: { address: g.address, prefixLen: g.x.prefixlen ?? 128 } } : {}),
    ...(ll ? { linkLocal: ll.address } : {}),
  }
}

const sameOptional = (a: IPv6 | undefined, b: IPv6 | undefined): boolean => (a && b ? sameIPv6(a, b) : a === b)

/** The same global or ULA address and prefix (or none on both). */
export const sameGlobal6 = (a: LanIPv6, b: LanIPv6): boolean =>
  sameOptional(a.ipv6?.address, b.ipv6?.address) && a.ipv6?.prefixLen === b.ipv6?.prefixLen

/** The same link-local address (or none on both). */
export const sameLinkLocal = (a: LanIPv6, b: LanIPv6): boolean => sameOptional(a.linkLocal, b.linkLocal)

export const sameLanIPv6 = (a: LanIPv6, b: LanIPv6): boolean => sameGlobal6(a, b) && sameLinkLocal(a, b)
