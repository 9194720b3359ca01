// All the iproute2 text faild writes and reads: `ip -batch` lines for routes and rules, and the
// parsers of `ip -json route show`, `ip -json rule show` and of a batch's error report.
import { formatIPv4, parseIPv4 } from '../util/ipv4.js'
import type { ChangeSet } from './diff.js'
import type { Route } from './route.js'

/** Gateway-route prefix lengths need a table and two rules each: at most 33 (/0 to /32). */
export const MAX_GATEWAY_TABLES = 33

/** Where faild's routes and rules live, and how they are tagged. */
export interface TableLayout {
  /** Host routes live here; gateway routes in the next tables, one per prefix length. */
  readonly table: number
  readonly proto: number
  readonly rulePriority: number
  /** faild's UDP port: probes are exempt from the tables so they stay on their own LAN. */
  readonly port: number
}

/** A rule of faild's as `ip rule show` reports it. */
export interface OwnRule {
  readonly priority: number
  readonly table: string
}

/** The one read of faild's routes: every table, filtered by our protocol. */
export const showRoutesLine = (proto: number): string => `route show table all proto ${proto}`
/** `ip rule show protocol N` does not filter in iproute2 6.1: parseRules does. */
export const SHOW_RULES_LINE = 'rule show'

export const routeDelLine = (r: Pick<Route, 'table' | 'dst' | 'len'>, proto: number): string =>
  `route del ${formatIPv4(r.dst)}/${r.len} table ${r.table} proto ${proto}`

/** Without a gateway (via 0) the route is on-link: ip gives it scope link. */
export const routeReplaceLine = (r: Route, proto: number): string =>
  `route replace ${formatIPv4(r.dst)}/${r.len}${r.via === 0 ? '' : ` via ${formatIPv4(r.via)}`} dev ${r.dev} ` +
  `src ${formatIPv4(r.src)} table ${r.table} proto ${proto}`

/** Lines for a change set: withdrawals first; `replace` is idempotent, so a retry is harmless. */
export function routeLines(c: ChangeSet, proto: number): string[] {
  const dels = c.remove.map((r) => routeDelLine(r, proto))
  return [...dels, ...[...c.add, ...c.change].map((r) => routeReplaceLine(r, proto))]
}

/**
 * The rules' arguments, in priority order. First everything but faild's own probes goes to the
 * host-route table: probes must stay on their LAN, or an ACK to a peer's A address would leave
 * over LAN B and make a dead LAN A look alive. Then, per gateway prefix length L (longest first),
 * the main table is asked with its routes of length <= L suppressed, so its more specific routes
 * (the LANs themselves among them) still win, and only then faild's /L gateway routes.
 */
export function ruleArgs(o: TableLayout, lengths: readonly number[]): string[][] {
  const probesExempt = ['not', 'ipproto', 'udp', 'sport', `${o.port}`]
  const tag = ['protocol', `${o.proto}`]
  return [
    ['pref', `${o.rulePriority}`, ...probesExempt, 'table', `${o.table}`, ...tag],
    ...lengths.flatMap((len, i) => [
      ['pref', `${o.rulePriority + 1 + 2 * i}`, 'table', 'main', 'suppress_prefixlength', `${len}`, ...tag],
      ['pref', `${o.rulePriority + 2 + 2 * i}`, ...probesExempt, 'table', `${o.table + 1 + i}`, ...tag],
    ]),
  ]
}

export const ruleAddLines = (o: TableLayout, lengths: readonly number[]): string[] =>
  ruleArgs(o, lengths).map((a) => `rule add ${a.join(' ')}`)

export const ruleDelLine = (priority: number, proto: number): string => `rule del pref ${priority} protocol ${proto}`

/** The fields faild reads of a route in `ip -json route show` (either family). */
export interface IpRoute {
  type?: string
  dst?: string
  gateway?: string
  dev?: string
  prefsrc?: string
  table?: string
}

/** The fields faild reads of a rule in `ip -json rule show` (either family). */
export interface IpRule {
  priority?: number
  table?: string
  protocol?: string
}

/** JSON.parse for ip's output: an empty output is an empty list; undefined if it is not a list. */
export function parseList<T>(text: string): T[] | undefined {
  try {
    const v: unknown = JSON.parse(text.trim() || '[]')
    return Array.isArray(v) ? (v as T[]) : undefined
  } catch {
    return undefined
  }
}

/** faild's unicast routes in its tables, from `ip -json route show table all`; undefined if unparseable. */
export function parseRoutes(json: string, o: Pick<TableLayout, 'table'>): Route[] | undefined {
  return parseList<IpRoute>(json)?.flatMap((x) => {
    const table = Number(x.table)
    const ours = table >= o.table && table <= o.table + MAX_GATEWAY_TABLES
    if (!ours || (x.type && x.type !== 'unicast')) return []
    const [d, l] = (x.dst === 'default' ? '0.0.0.0/0' : (x.dst ?? '')).split('/')
    const dst = parseIPv4(d ?? '')
    const via = x.gateway === undefined ? 0 : parseIPv4(x.gateway)
    const src = parseIPv4(x.prefsrc ?? '')
    const len = l === undefined ? 32 : Number(l)
    if (dst === undefined || via === undefined || src === undefined || !x.dev) return []
    return [{ table, dst, len, via, dev: x.dev, src }]
  })
}

/** Rules with our protocol in our priority range, from `ip -json rule show`; undefined if unparseable. */
export function parseRules(json: string, o: Pick<TableLayout, 'proto' | 'rulePriority'>): OwnRule[] | undefined {
  const last = o.rulePriority + 2 * MAX_GATEWAY_TABLES
  return parseList<IpRule>(json)?.flatMap((x) =>
    x.priority !== undefined && x.priority >= o.rulePriority && x.priority <= last && x.protocol === `${o.proto}`
      ? [{ priority: x.priority, table: x.table ?? '' }]
      : [],
  )
}

/** One failed line of a batch: its number in ip's count (from 1) and what ip said before it gave up. */
export interface BatchFailure {
  readonly lineNo: number
  readonly message: string
}

const FAILED = /^Command failed -:(\d+)$/

/** N if `line` is ip's "Command failed -:N" (N counts input lines from 1), else undefined. */
export function failedLineNo(line: string): number | undefined {
  const m = FAILED.exec(line.trim())
  return m ? Number(m[1]) : undefined
}

/**
 * Split what `ip -force -batch -` wrote on stderr into failures. ip prints its own message(s)
 * first, then "Command failed -:N" with the line number counted from the start of its input.
 */
export function parseBatchErrors(stderr: string): { failures: BatchFailure[]; rest: string } {
  const failures: BatchFailure[] = []
  let message: string[] = []
  for (const line of stderr.split('\n')) {
    const lineNo = failedLineNo(line)
    if (lineNo !== undefined) {
      failures.push({ lineNo, message: message.join('; ') })
      message = []
    } else if (line.trim()) message.push(line.trim())
  }
  return { failures, rest: message.join('; ') }
}
