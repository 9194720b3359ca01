// A gateway route of the config placed on this host's LANs: a prefix and its gateways in order.

export interface Gateway {
  readonly dst: number
  readonly len: number
  /** The gateways in order of preference, each with the index of the LAN whose subnet holds it. */
  readonly via: ReadonlyArray<{ readonly lan: number; readonly address: number }>
  /** Back to the preferred gateway once it is up again; false: stay on the one taken while it works. */
  readonly failback: boolean
}
