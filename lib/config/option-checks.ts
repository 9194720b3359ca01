// Rules that hold for the options as faild runs them: checked at start, and again at a reload, where the restart-only keys keep their running values.
//
// A reload applies the new file but the running value of every key that changes only at restart
// (restart.ts), so a rule that reads such a key (table, requestor) must hold for that mix, not for
// the file alone: a file that moves `table` and adds gateway prefix lengths passed on its own
// while the tables it would use, numbered from the running table, reached the kernel's main one.
import { formatIPv6 } from '../core/util/ipv6.js'
import { ADDRESS_TABLE_OFFSET } from './defaults.js'
import { type AnyGatewayRoute, isRoute6, type Options } from './types.js'

/** What the options break of these rules, each naming its key by JSON path; empty: none. */
export function optionChecks(o: Options): string[] {
  return [
    ...tableProblems(o.table, gatewayTables(o.routes), o.addresses.length),
    ...unprobedGateways(o),
    // Peers drop a packet from node 0 (ERR_BAD_NODE): the host would run unseen. (--node-id refuses it too.)
    ...(o.nodeId === 0
      ? ["/nodeId: 0.0.0.0 is no node id (peers drop its packets); leave it out for LAN A's address"]
      : []),
  ]
}

/** The tables after `table` that gateway routes take: one per prefix length, the family with more lengths setting it. */
function gatewayTables(routes: readonly AnyGatewayRoute[]): number {
  const lengths = (six: boolean) => new Set(routes.filter((r) => isRoute6(r) === six).map((r) => r.len)).size
  return Math.max(lengths(false), lengths(true))
}

/**
 * Every table faild uses, from `table`: its host routes', one per gateway prefix length, and one
 * per service address from `table` + ADDRESS_TABLE_OFFSET. None may be a kernel table: faild
 * flushes its tables at start and stop, and a flush of main takes the host's own routes with it.
 */
function tableProblems(table: number, lengths: number, addresses: number): string[] {
  const first = table + ADDRESS_TABLE_OFFSET
  const last = first + addresses - 1
  const uses =
    `faild uses tables ${table} to ${table + lengths}` +
    (addresses > 0 ? ` and, for its ${addresses} service addresses, ${first} to ${last}` : '')
  const used = [...range(table, table + lengths), ...range(first, last)]
  const errors = used
    .filter((t) => t >= 253 && t <= 255)
    .map((t) => `/table: ${t} is a kernel table (default, main, local); ${uses}`)
  if (Math.max(...used) > 0xfffffeff) errors.push(`/table: ${uses}, past the last table 4294967039`)
  if (addresses > 0 && table + lengths >= first)
    errors.push(`/routes: ${lengths} prefix lengths reach the tables of the service addresses; ${uses}`)
  return errors
}

/** The whole numbers from `a` to `b`; none when b < a. */
const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i)

/** A gateway is found up or down by probing it: as a target, or by a requestor's INQs. */
function unprobedGateways(o: Options): string[] {
  if (o.requestor) return []
  const key = (a: number | Uint8Array) => (typeof a === 'number' ? String(a) : formatIPv6(a))
  const targets = new Set(o.targets.map((x) => key(x.ipv6 ?? x.address)))
  const unprobed = o.routes.some((r) => r.via.some((v) => !targets.has(key(v))))
  return unprobed ? ['/routes: gateways that are not targets need requestor: true (-r), to probe them'] : []
}
