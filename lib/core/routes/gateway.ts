// A gateway route of the config placed on this host's LANs: a prefix and its gateways in order (IPv4, or IPv6 in Gateway6).
import type { IPv6 } from '../util/ipv6.js'

export interface Gateway {
  readonly dst: number
  readonly len: number
  /** The gateways in order of preference, each with the index of the LAN whose subnet holds it. */
  readonly via: ReadonlyArray<{ readonly lan: number; readonly address: number }>
  /** Back to the preferred gateway once it is up again; false: stay on the one taken while it works. */
  readonly failback: boolean
}

/** An IPv6 gateway route placed on this host's LANs: each gateway on the LAN whose IPv6 subnet holds it. */
export interface Gateway6 {
  readonly dst: IPv6
  readonly len: number
  readonly via: ReadonlyArray<{ readonly lan: number; readonly address: IPv6 }>
  readonly failback: boolean
}
