// What the route writer needs to know of a family of routes: their slots and words, and the ip text that writes and reads them.
//
// host/route-table.ts writes either family through one class; this says what differs: IPv4's
// lines and parsers (ip-batch.ts) or IPv6's (ip6-batch.ts, whose batches end with the socket
// refresh), how logs name routes, and how they name the family.
import { type ChangeSet, changeSetBy } from './diff.js'
import {
  type OwnRule,
  parseRoutes,
  parseRules,
  routeDelLine,
  routeLines,
  ruleAddLines,
  type TableLayout,
} from './ip-batch.js'
import { parseRoutes6, parseRules6, route6DelLine, route6Lines, rule6AddLines } from './ip6-batch.js'
import { describeRoute, type Route, routeKey, sameRoute } from './route.js'
import { describeRoute6, type Route6, route6Key, sameRoute6 } from './route6.js'

export interface RouteFamily<R> {
  /** The command as logs name it: "ip" or "ip -6". */
  readonly ip: string
  /** What logs put before "routes": "" or "IPv6 ". */
  readonly adjective: string
  readonly diff: (before: readonly R[], after: readonly R[]) => ChangeSet<R>
  readonly describe: (r: R) => string
  /** The batch lines of a change set. */
  readonly lines: (c: ChangeSet<R>, o: TableLayout) => string[]
  readonly delLine: (r: R, proto: number) => string
  readonly ruleAddLines: (o: TableLayout, lengths: readonly number[]) => string[]
  readonly parseRoutes: (json: string, o: TableLayout) => R[] | undefined
  readonly parseRules: (json: string, o: TableLayout) => OwnRule[] | undefined
}

export const IPV4: RouteFamily<Route> = {
  ip: 'ip',
  adjective: '',
  diff: (before, after) => changeSetBy(before, after, routeKey, sameRoute),
  describe: describeRoute,
  lines: (c, o) => routeLines(c, o.proto),
  delLine: routeDelLine,
  ruleAddLines,
  parseRoutes,
  parseRules,
}

export const IPV6: RouteFamily<Route6> = {
  ip: 'ip -6',
  adjective: 'IPv6 ',
  diff: (before, after) => changeSetBy(before, after, route6Key, sameRoute6),
  describe: describeRoute6,
  lines: route6Lines,
  delLine: route6DelLine,
  ruleAddLines: rule6AddLines,
  parseRoutes: parseRoutes6,
  parseRules: parseRules6,
}
