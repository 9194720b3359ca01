// What the route planner reads: this host's LANs, each peer's paths and services, and the context of a plan.
import type { LinkState } from '../path/link-fsm.js'
import type { IPv6 } from '../util/ipv6.js'
import type { HeldAddress } from '../wire/message.js'

export interface PlanLan {
  readonly iface: string
  /** This host's address on the LAN, and its subnet's prefix length. */
  readonly address: number
  readonly prefixLen: number
  /** This host's global or ULA IPv6 address there; absent: none. */
  readonly ipv6?: { readonly address: IPv6; readonly prefixLen: number }
  /** Lower is preferred to carry a dead path's traffic. */
  readonly preference: number
}

export interface PlanPath {
  /** The peer's address on this LAN; 0 if it has none. */
  readonly address: number
  /** Its global or ULA IPv6 address there; absent: none known. */
  readonly ipv6?: IPv6
  /** The effective state of the path. */
  readonly state: LinkState
  /** When the peer was last heard on it, when it last went down and last came up (monotonic ms). */
  readonly lastHeard: number
  readonly downSince: number
  readonly upSince: number
}

export interface PlanPeer {
  /** The interval at which the paths to this peer are probed, in ms. */
  readonly intervalMs: number
  /** By LAN index. */
  readonly lans: readonly PlanPath[]
  /** The service addresses the peer holds, each on the LAN (index) it holds it on. */
  readonly services?: readonly HeldAddress[]
}

/** What the planner needs besides the peers: where routes go, the time, and how long recovery takes. */
export interface PlanContext {
  readonly table: number
  readonly now: number
  /** Good packets a path needs to come up (-s). */
  readonly upAfter: number
  /** Addresses no peer's service claim is routed for: this host's own service addresses, its targets and gateways. */
  readonly notServices?: ReadonlySet<number>
}
