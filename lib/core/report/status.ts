// What `faildctl status` reports: LANs, peers and their paths, targets, routes and overload, as the daemon builds it.
//
// The same shape is the JSON of `faildctl status --json` and what status-format.ts renders as tables.

export interface LanStatus {
  readonly label: string
  readonly iface: string
  readonly address: string
  /** This host's global or ULA IPv6 address there; null: none (an IPv4-only LAN); absent: an older faild. */
  readonly ipv6?: string | null
  readonly carrier: boolean
  readonly offline: boolean
  /** "up", "no carrier" or "offline". */
  readonly state: string
  /** Smoothed round-trip time of ACKs on this LAN (requestor), ms. */
  readonly srttMs: number | null
}

export interface PathStatus {
  readonly lan: string
  readonly address: string
  /** The peer's global or ULA IPv6 address there (learnt with a key only); null: none known; absent: an older faild. */
  readonly ipv6?: string | null
  /** The state routes follow (effective). */
  readonly state: string
  /** What this host itself observes, before the peer's own report is taken into account. */
  readonly observed: string
  readonly missed: number
  readonly good: number
  readonly hearsUs: boolean
  readonly peerOutOfService: boolean
  /** Seconds since a valid packet from the peer on this LAN; null: never. */
  readonly lastHeardS: number | null
  readonly rttMs: number | null
}

export interface PeerStatus {
  readonly id: string
  readonly role: 'requestor' | 'responder'
  readonly paths: readonly PathStatus[]
  /** The service addresses it says it holds (with a key only), and the LAN each is on. */
  readonly services?: ReadonlyArray<{ readonly address: string; readonly lan: string }>
  /** How far behind it says it is (OVERLOAD), in ms; absent: it keeps up. */
  readonly behindMs?: number
}

/** A probe target: a box that runs no faild, judged by its answers. */
export interface TargetStatus {
  readonly address: string
  readonly lan: string
  readonly method: string
  readonly state: string
  readonly missed: number
  readonly good: number
  /** Seconds since its last answer; null: none yet. */
  readonly lastAnswerS: number | null
  readonly rttMs: number | null
}

export interface RouteStatus {
  readonly route: string
  readonly table: number
  readonly why: string
}

/** faild fell behind and holds judgement (see daemon/overload.ts). */
export interface OverloadStatus {
  /** Seconds since faild first fell behind in this spell. */
  readonly sinceS: number
  /** The first reason of the spell, and the latest. */
  readonly why: string
  readonly latest: string
  /** Judgements held in this spell. */
  readonly held: number
}

export interface StatusReport {
  readonly version: string
  readonly pid: number
  readonly node: string
  readonly role: 'requestor' | 'responder'
  readonly intervalS: number
  readonly failAfter: number
  readonly upAfter: number
  readonly uptimeS: number
  readonly dryRun: boolean
  /** null while faild keeps up. */
  readonly overload: OverloadStatus | null
  readonly lans: readonly LanStatus[]
  readonly peers: readonly PeerStatus[]
  readonly targets: readonly TargetStatus[]
  readonly routes: readonly RouteStatus[]
  /**
   * The IPv6 routes faild wants: each moves with its peer path's IPv4 route, for the same reason.
   * Absent from an older faild's report (faildctl may be newer than the daemon it asks).
   */
  readonly routes6?: readonly RouteStatus[]
  readonly packets: {
    readonly received: number
    readonly dropped: number
    readonly drops: Readonly<Record<string, number>>
  }
}
