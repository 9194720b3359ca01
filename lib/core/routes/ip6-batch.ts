// The iproute2 text of faild's IPv6 routes and rules: `ip -6 -batch` lines, and the parsers of
// `ip -6 -json route show` and `ip -6 -json rule show`.
//
// Every line here is run by an `ip -6` process: a rule names no address, so only -6 makes it an
// IPv6 rule (a batch line cannot carry the option). The rules themselves are IPv4's (ruleArgs): the
// same table numbers, priorities and exemption of faild's own UDP port, in the IPv6 rule list, with
// IPv6's own gateway prefix lengths.
import { formatIPv6, type IPv6, parseIPv6 } from '../util/ipv6.js'
import type { ChangeSet } from './diff.js'
import {
  type IpRoute,
  type IpRule,
  MAX_GATEWAY_TABLES,
  type OwnRule,
  parseList,
  ruleAddLines,
  type TableLayout,
} from './ip-batch.js'
import type { Route6 } from './route6.js'

export { SHOW_RULES_LINE, showRoutesLine } from './ip-batch.js'

export const route6DelLine = (r: Pick<Route6, 'table' | 'dst' | 'len'>, proto: number): string =>
  `route del ${formatIPv6(r.dst)}/${r.len} table ${r.table} proto ${proto}`

/** Without a gateway the route is on-link. A link-local gateway is valid: it is read on `dev`. */
export const route6ReplaceLine = (r: Route6, proto: number): string =>
  `route replace ${formatIPv6(r.dst)}/${r.len}${r.via ? ` via ${formatIPv6(r.via)}` : ''} dev ${r.dev} ` +
  `src ${formatIPv6(r.src)} table ${r.table} proto ${proto}`

/** The route lines alone: withdrawals first; `replace` is idempotent, so a retry is harmless. */
export function route6ChangeLines(c: ChangeSet<Route6>, proto: number): string[] {
  const dels = c.remove.map((r) => route6DelLine(r, proto))
  return [...dels, ...[...c.add, ...c.change].map((r) => route6ReplaceLine(r, proto))]
}

/**
 * The priority of the rule that refreshMoves adds and deletes: after faild's own rules (IPv4's
 * layout, gateway rules included), so even while it exists it stands behind them.
 */
export const refreshPriority = (o: Pick<TableLayout, 'rulePriority'>): number =>
  o.rulePriority + 2 * MAX_GATEWAY_TABLES + 1

/**
 * Make established sockets look their route up again. An IPv6 socket caches its route and checks
 * it only against the tree it came from (main's), so a route added to faild's table is ignored by
 * a TCP connection until some rule changes: measured, a 6.5 s stall (until the LAN healed and the
 * retransmission backoff ran out) against 0.64 s with these two lines; `ip -6 route flush cache`
 * and /proc/sys/net/ipv6/route/flush changed nothing. Adding or deleting any IPv6 rule bumps the
 * kernel's route generation, which every cached route is checked against. The rule matches nothing
 * ("not from all"), so it changes no lookup even while it exists; one left by a crash is removed
 * at the next start like faild's other rules. Cost: about 60 us a batch.
 */
export const refreshLines = (o: Pick<TableLayout, 'rulePriority' | 'proto'>): string[] => [
  `rule add pref ${refreshPriority(o)} not from all table main protocol ${o.proto}`,
  `rule del pref ${refreshPriority(o)} protocol ${o.proto}`,
]

/** Lines for a change set, followed (when there is any) by the refresh every IPv6 change needs. */
export function route6Lines(c: ChangeSet<Route6>, o: Pick<TableLayout, 'rulePriority' | 'proto'>): string[] {
  const lines = route6ChangeLines(c, o.proto)
  return lines.length === 0 ? lines : [...lines, ...refreshLines(o)]
}

/**
 * faild's IPv6 rules: IPv4's (ruleArgs), added by `ip -6`: the host-route rule, then per IPv6
 * gateway prefix length (longest first) main with its routes of that length or shorter
 * suppressed, and faild's table for that length. The lengths are IPv6's own: /0 to /127.
 */
export const rule6AddLines = (o: TableLayout, lengths: readonly number[] = []): string[] => ruleAddLines(o, lengths)

/**
 * One route of `ip -6 -json route show` as a Route6, or undefined (not faild's kind, or not
 * whole). One without a source is still faild's: the kernel clears an IPv6 route's source when
 * that address is deleted (IPv4 deletes the route), and unread it would outlive faild's stop.
 */
function toRoute6(x: IpRoute, table: number): Route6 | undefined {
  const [d, l] = (x.dst === 'default' ? '::/0' : (x.dst ?? '')).split('/')
  const dst = parseIPv6(d ?? '')
  const via = x.gateway === undefined ? undefined : parseIPv6(x.gateway)
  const src = x.prefsrc === undefined ? NO_SOURCE : parseIPv6(x.prefsrc)
  if (!dst || (x.gateway !== undefined && !via) || !src || !x.dev) return undefined
  return { table, dst, len: l === undefined ? 128 : Number(l), ...(via ? { via } : {}), dev: x.dev, src }
}

/** The source of a route whose source address is gone: `::`, which no route faild wants has. */
const NO_SOURCE: IPv6 = new Uint8Array(16)

/** faild's unicast routes in its tables, from `ip -6 -json route show table all`; undefined if unparseable. */
export function parseRoutes6(json: string, o: Pick<TableLayout, 'table'>): Route6[] | undefined {
  return parseList<IpRoute>(json)?.flatMap((x) => {
    const table = Number(x.table)
    const ours = table >= o.table && table <= o.table + MAX_GATEWAY_TABLES
    if (!ours || (x.type && x.type !== 'unicast')) return []
    return toRoute6(x, table) ?? []
  })
}

/** IPv6 rules with our protocol from faild's priority to the refresh rule's; undefined if unparseable. */
export function parseRules6(json: string, o: Pick<TableLayout, 'proto' | 'rulePriority'>): OwnRule[] | undefined {
  const last = refreshPriority(o)
  return parseList<IpRule>(json)?.flatMap((x) =>
    x.priority !== undefined && x.priority >= o.rulePriority && x.priority <= last && x.protocol === `${o.proto}`
      ? [{ priority: x.priority, table: x.table ?? '' }]
      : [],
  )
}
