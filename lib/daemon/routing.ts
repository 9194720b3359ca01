// The route side: faild's IPv4 and IPv6 route tables, the service addresses, and the sync that plans and applies them.
import { DEFAULTS } from '../config/defaults.js'
import type { Options } from '../config/types.js'
import type { ServiceAddress } from '../core/addresses/placement.js'
import type { Effect } from '../core/engine/effects.js'
import type { Engine } from '../core/engine/engine.js'
import type { Lan } from '../core/lans.js'
import type { TargetView } from '../core/targets/targets.js'
import { RouteTable } from '../host/route-table.js'
import { RouteTable6 } from '../host/route-table6.js'
import type { DaemonDeps } from './deps.js'
import { RouteSync, type Wanted } from './route-sync.js'
import type { Defer } from './scheduler.js'
import { ServiceAddresses } from './service-addresses.js'

/** What the route side is built on. */
export interface RoutingParts {
  readonly engine: Engine
  /** Updated in place as interfaces change. */
  readonly lans: readonly Lan[]
  readonly label: (lan: number) => string
  readonly defer: Defer
  /** The service addresses, as placed at start. */
  readonly placed: readonly ServiceAddress[]
  /** The probe targets now (Probes.view). */
  readonly targets: () => readonly TargetView[]
  /** True while the kernel's route changes are watched (CarrierWatch.watchesKernel). */
  readonly watched: () => boolean
  readonly options: () => Options
  /** Carry out the engine's effects (Hooks.run). */
  readonly run: (effects: readonly Effect[]) => void
  /** The routes wanted now (Hooks.plan). */
  readonly plan: () => Wanted
}

export interface Routing {
  readonly routes: RouteTable
  readonly routes6: RouteTable6
  readonly addresses: ServiceAddresses
  readonly sync: RouteSync
}

/** The route tables, the service addresses and the route sync, wired to the engine and the daemon's plan. */
export function buildRouting(deps: DaemonDeps, p: RoutingParts): Routing {
  const { log, ip, clock, notify, observer } = deps
  const { engine, label, options } = p
  const o = options()
  const now = () => clock.now()
  const layout = {
    table: o.table,
    proto: DEFAULTS.routeProto,
    rulePriority: o.rulePriority,
    port: o.port,
    dryRun: o.dryRun,
  }
  const routes = new RouteTable(layout, { ip, log, now })
  const routes6 = new RouteTable6(layout, { ip, log, now })
  const context = () => ({ table: options().table, thresholds: options(), label })
  const addresses = new ServiceAddresses(p.placed, {
    ip,
    log,
    lans: p.lans,
    view: () => engine.view(),
    targets: p.targets,
    notify,
    held: (held) => p.run(engine.hold(held)),
    table: o.table,
    rulePriority: o.rulePriority,
    dryRun: o.dryRun,
  })
  // Every plan follows a change of paths, targets or carrier: the service addresses are reviewed with it.
  const plan = () => {
    addresses.review()
    return p.plan()
  }
  const sync = new RouteSync({
    ...{ log, routes, defer: p.defer, notify, plan, context, now, observer },
    watched: p.watched,
    routes6: () => (routes6.running ? routes6 : undefined),
  })
  return { routes, routes6, addresses, sync }
}
