// faild's IPv6 tables: route-table.ts's writer through its own `ip -6`, whose every batch that changes a route ends with the socket refresh.
//
// A batch line cannot name its family, so IPv6 has its own long-lived `ip -6 -batch`. The same
// tables (gateway tables included), protocol and priorities, the same probe exemption, cleanup
// and reconcile; the refresh (core/routes/ip6-batch.ts) is what keeps an established IPv6 TCP
// connection from holding on to its old route.
import { IPV6 } from '../core/routes/family.js'
import type { Route6 } from '../core/routes/route6.js'
import type { IpRunner } from './ip-runner.js'
import { FamilyRouteTable, type RouteTableDeps, type RouteTableOptions } from './route-table.js'

/** `ip` made `ip -6`: for reads through a runner, and for the long-lived batch. */
export function ip6(ip: IpRunner): IpRunner {
  return {
    ...(ip.command ? { command: [...ip.command, '-6'] } : {}),
    run: (args, input) => ip.run(['-6', ...args], input),
  }
}

export class RouteTable6 extends FamilyRouteTable<Route6> {
  /** `deps.batch`, when given, must already run `ip -6`. */
  constructor(opt: RouteTableOptions, deps: RouteTableDeps) {
    super(opt, { ...deps, ip: ip6(deps.ip) }, IPV6)
  }
}
