// A LAN moved to what its interface is now: found after a rename or re-creation, addresses taken as they come and kept as they go.

import { type LanIPv6, lanIPv6, sameLanIPv6 } from './lan-ipv6.js'
import { IFNAME_RE, type IpLink, type Lan, type ServiceSet, toLan } from './lans.js'

const NONE: ServiceSet = new Set()

/**
 * `lan` as the interfaces are now: its interface found by index (a rename keeps it), else by
 * name (deleted and created again, or plugged in), with its current address. An interface gone, or
 * one whose address is gone, keeps the LAN as it was: sockets stay bound to the address, and all
 * works again when it returns. Unchanged: the same object.
 */
export function follow(lan: Lan, links: readonly IpLink[], services: ServiceSet = NONE): Lan {
  const link =
    (lan.ifindex === undefined ? undefined : links.find((l) => l.ifindex === lan.ifindex)) ??
    links.find((l) => l.ifname === lan.iface)
  if (!link) return lan
  const now = toLan(link, lan.index, services)
  const iface = IFNAME_RE.test(link.ifname) ? link.ifname : lan.iface
  const ifindex = link.ifindex ?? lan.ifindex
  // An IPv4 address gone keeps the LAN as it was, even with IPv6 left (the LAN does not turn IPv6-only).
  const v4 = now && (now.address !== 0 || lan.address === 0)
  const addressed = v4 ? { address: now.address, prefixLen: now.prefixLen, broadcast: now.broadcast } : {}
  const next = { ...lan, iface, ...(ifindex === undefined ? {} : { ifindex }), ...addressed, ...followIPv6(lan, link) }
  const same =
    next.iface === lan.iface &&
    next.ifindex === lan.ifindex &&
    next.address === lan.address &&
    next.prefixLen === lan.prefixLen &&
    next.broadcast === lan.broadcast &&
    sameLanIPv6(next, lan)
  return same ? lan : next
}

/**
 * The LAN's IPv6 addresses as the interface has them now; one gone (or tentative again while a
 * relinked interface redoes duplicate address detection) is kept, as the IPv4 address is.
 */
function followIPv6(lan: Lan, link: IpLink): LanIPv6 {
  const now = lanIPv6(link.addr_info ?? [])
  const ipv6 = now.ipv6 ?? lan.ipv6
  const linkLocal = now.linkLocal ?? lan.linkLocal
  return { ...(ipv6 ? { ipv6 } : {}), ...(linkLocal ? { linkLocal } : {}) }
}
