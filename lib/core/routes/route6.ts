// What an IPv6 route of faild's is, the key of its slot in a routing table, and how logs name it.
//
// The IPv4 Route keeps its uint32 addresses (core/routes/route.ts); an IPv6 one holds 16-byte
// addresses, so the two are kept apart until the planner speaks both families.
import { formatIPv6, type IPv6, sameIPv6 } from '../util/ipv6.js'

/** Route `dst/len` in `table` via `via` (absent: on-link) out of `dev`, keeping source `src`. */
export interface Route6 {
  readonly table: number
  readonly dst: IPv6
  /** 128 for a host route to a peer; shorter for a gateway route. */
  readonly len: number
  /** A global, ULA or link-local next hop on `dev`; absent for an on-link route. */
  readonly via?: IPv6
  readonly dev: string
  readonly src: IPv6
}

/** One key per routing-table slot: table, destination and prefix length. */
export const route6Key = (r: Pick<Route6, 'table' | 'dst' | 'len'>): string =>
  `${r.table}:${formatIPv6(r.dst)}/${r.len}`

const sameVia = (a?: IPv6, b?: IPv6): boolean => (a && b ? sameIPv6(a, b) : a === b)

export const sameRoute6 = (a: Route6, b: Route6): boolean =>
  a.table === b.table &&
  a.len === b.len &&
  a.dev === b.dev &&
  sameIPv6(a.dst, b.dst) &&
  sameVia(a.via, b.via) &&
  sameIPv6(a.src, b.src)

/** "fd00:1:a::2 via fd00:1:b::2 dev ethb src fd00:1:a::1" (host routes) or "::/0 via ..." for logs and ip. */
export function describeRoute6(r: Route6): string {
  const dst = r.len === 128 ? formatIPv6(r.dst) : `${formatIPv6(r.dst)}/${r.len}`
  const via = r.via ? ` via ${formatIPv6(r.via)}` : ''
  // `::`: the kernel cleared it, its address deleted (ip6-batch.ts).
  const src = r.src.every((b) => b === 0) ? ' (its source address gone)' : ` src ${formatIPv6(r.src)}`
  return `${dst}${via} dev ${r.dev}${src}`
}
