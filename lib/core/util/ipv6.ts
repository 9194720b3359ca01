// IPv6 addresses as routes and trust rules use them: text to 16 bytes and back, subnets, and what kind of address one is.
//
// The text forms come from core/wire/address.ts (one strict parser, one RFC 5952 formatter for
// the whole project); this file adds what a host's IPv6 address means on a LAN. No zone ids.
import { formatAddress, parseAddress } from '../wire/address.js'

/** 16 bytes, network order. Compare with sameIPv6, never with ===. */
export type IPv6 = Uint8Array

/** Parse IPv6 text (any RFC 4291 form, a trailing dotted quad allowed); undefined for IPv4 or anything else. */
export function parseIPv6(text: string): IPv6 | undefined {
  const a = parseAddress(text)
  return a?.family === 6 ? a.bytes : undefined
}

/** RFC 5952 text: lowercase, no leading zeros, the longest zero run as "::". */
export const formatIPv6 = (a: IPv6): string => formatAddress(6, a)

export function sameIPv6(a: IPv6, b: IPv6): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false
  return true
}

/** True when both addresses fall in the same /prefixLen network (0 to 128). */
export function sameSubnet6(a: IPv6, b: IPv6, prefixLen: number): boolean {
  const whole = prefixLen >> 3
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false
  const bits = prefixLen & 7
  if (bits === 0) return true
  const mask = (0xff << (8 - bits)) & 0xff
  return (a[whole]! & mask) === (b[whole]! & mask)
}

/**
 * What an address is, by its prefix (RFC 4291 section 2.4, RFC 4193 for ULA). `global` and `ula`
 * are what a host's LAN address, a route and a peer's advertised address may be; `link-local` is
 * a LAN's own (probes, next hops), never routed; the rest is never a host's address on a LAN.
 */
export type Kind6 = 'unspecified' | 'loopback' | 'v4-mapped' | 'multicast' | 'link-local' | 'ula' | 'global'

const isZero = (a: IPv6, from: number, to: number): boolean => a.subarray(from, to).every((b) => b === 0)

export function kindOf6(a: IPv6): Kind6 {
  if (a[0] === 0xff) return 'multicast' // ff00::/8
  if (a[0] === 0xfe && (a[1]! & 0xc0) === 0x80) return 'link-local' // fe80::/10
  if ((a[0]! & 0xfe) === 0xfc) return 'ula' // fc00::/7
  if (isZero(a, 0, 10)) {
    if (a[10] === 0xff && a[11] === 0xff) return 'v4-mapped' // ::ffff:0:0/96, an IPv4 peer in IPv6 clothes
    if (isZero(a, 10, 15)) {
      if (a[15] === 0) return 'unspecified'
      if (a[15] === 1) return 'loopback'
    }
  }
  return 'global'
}

/** Global unicast or ULA: an address faild may route and a peer may advertise. */
export const isRoutable6 = (a: IPv6): boolean => {
  const k = kindOf6(a)
  return k === 'global' || k === 'ula'
}

export const isLinkLocal6 = (a: IPv6): boolean => kindOf6(a) === 'link-local'

/**
 * True when `a` can be a unicast host on the network of `net`/`prefixLen`: routable (above),
 * inside it, and not its subnet-router anycast address (the prefix with a zero interface id,
 * RFC 4291 section 2.6.1), which a /127 (RFC 6164) and a /128 do not have.
 */
export function isHostOn6(a: IPv6, net: IPv6, prefixLen: number): boolean {
  if (!isRoutable6(a) || !sameSubnet6(a, net, prefixLen)) return false
  if (prefixLen >= 127) return true
  return !isZeroHost(a, prefixLen)
}

/** The bits after the first `prefixLen` are all zero. */
function isZeroHost(a: IPv6, prefixLen: number): boolean {
  for (let bit = prefixLen; bit < 128; bit++) if ((a[bit >> 3]! >> (7 - (bit & 7))) & 1) return false
  return true
}
