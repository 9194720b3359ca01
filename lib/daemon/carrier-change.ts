// What a LAN's carrier change sets off: said, its paths and probe targets judged at once, the service addresses reviewed, its return announced.
import type { Options } from '../config/types.js'
import type { Effect } from '../core/engine/effects.js'
import { linkReturned } from '../host/neighbours.js'
import type { DaemonDeps } from './deps.js'
import type { Parts } from './parts.js'

/** What a carrier change is carried out with. */
export interface CarrierContext {
  readonly parts: Parts
  readonly options: Options
  readonly deps: DaemonDeps
  /** Carry out the engine's effects and plan the routes. */
  readonly run: (effects: readonly Effect[]) => void
}

/** The carrier of `iface` (a LAN interface's name at start) was lost or came back. */
export function carrierChanged(c: CarrierContext, iface: string, carrier: boolean): void {
  const { parts: p, options: o, deps } = c
  const lan = p.lans[p.ifaces.indexOf(iface)]
  if (!lan) return
  deps.log.info(
    carrier
      ? `LAN ${lan.label} (${lan.iface}): carrier back; its paths return after ${o.upAfter} good packets`
      : `LAN ${lan.label} (${lan.iface}): ${lan.address === 0 ? 'no interface or address yet' : 'carrier lost'}; every path on it is down, peers told over the other LANs`,
  )
  c.run(p.engine.carrier(deps.clock.now(), lan.index, carrier))
  p.probes.carrier(deps.clock.now(), lan.index, carrier)
  p.addresses.review()
  // Neighbours may have given up on this host's address while the link was down.
  if (carrier && lan.address !== 0 && !o.dryRun) void linkReturned(deps.ip, deps.log, lan.iface, lan.address)
}
