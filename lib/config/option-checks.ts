// Rules that hold for the options as faild runs them: checked at start, and again at a reload, where the restart-only keys keep their running values.
//
// A reload applies the new file but the running value of every key that changes only at restart
// (restart.ts), so a rule that reads such a key (table, requestor) must hold for that mix, not for
// the file alone: a file that moves `table` and adds gateway prefix lengths passed on its own
// while the tables it would use, numbered from the running table, reached the kernel's main one.
import { formatIPv6 } from '../core/util/ipv6.js'
import { type AnyGatewayRoute, isRoute6, type Options } from './types.js'

/** What the options break of these rules, each naming its key by JSON path; empty: none. */
export function optionChecks(o: Options): string[] {
  return [...tableProblems(o.table, gatewayTables(o.routes)), ...unprobedGateways(o)]
}

/** The tables after `table` that gateway routes take: one per prefix length, the family with more lengths setting it. */
function gatewayTables(routes: readonly AnyGatewayRoute[]): number {
  const lengths = (six: boolean) => new Set(routes.filter((r) => isRoute6(r) === six).map((r) => r.len)).size
  return Math.max(lengths(false), lengths(true))
}

function tableProblems(table: number, lengths: number): string[] {
  const errors: string[] = []
  for (let t = table; t <= table + lengths; t++) {
    if (t >= 253 && t <= 255)
      errors.push(
        `/table: ${t} is a kernel table (default, main, local); faild uses tables ${table} to ${table + lengths}`,
      )
  }
  if (table + lengths > 0xfffffeff) errors.push(`/table: faild needs tables ${table} to ${table + lengths}`)
  return errors
}

/** A gateway is found up or down by probing it: as a target, or by a requestor's INQs. */
function unprobedGateways(o: Options): string[] {
  if (o.requestor) return []
  const key = (a: number | Uint8Array) => (typeof a === 'number' ? String(a) : formatIPv6(a))
  const targets = new Set(o.targets.map((x) => key(x.ipv6 ?? x.address)))
  const unprobed = o.routes.some((r) => r.via.some((v) => !targets.has(key(v))))
  return unprobed ? ['/routes: gateways that are not targets need requestor: true (-r), to probe them'] : []
}
