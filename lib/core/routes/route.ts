// What a route of faild's is, the key of its slot in a routing table, and how logs name it.
import { formatIPv4 } from '../util/ipv4.js'

/** Route `dst/len` in `table` via `via` (0: on-link) out of `dev`, keeping source `src`. */
export interface Route {
  readonly table: number
  readonly dst: number
  /** 32 for a host route to a peer; shorter for a gateway route. */
  readonly len: number
  readonly via: number
  readonly dev: string
  readonly src: number
}

/** One key per routing-table slot: table, destination and prefix length. */
export const routeKey = (r: Pick<Route, 'table' | 'dst' | 'len'>): string => `${r.table}:${r.dst}/${r.len}`

export const sameRoute = (a: Route, b: Route): boolean =>
  a.table === b.table && a.dst === b.dst && a.len === b.len && a.via === b.via && a.dev === b.dev && a.src === b.src

/** "198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1" (host routes) or "0.0.0.0/0 via ..." for logs. */
export function describeRoute(r: Route): string {
  const dst = r.len === 32 ? formatIPv4(r.dst) : `${formatIPv4(r.dst)}/${r.len}`
  const via = r.via === 0 ? '' : ` via ${formatIPv4(r.via)}`
  return `${dst}${via} dev ${r.dev} src ${formatIPv4(r.src)}`
}
