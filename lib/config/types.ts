// What faild is told to do: the options, after the config file and the flags are merged and checked.
import type { IPv6 } from '../core/util/ipv6.js'

export type LogLevel = 'error' | 'warn' | 'info' | 'debug'
export type LogFormat = 'text' | 'json'

export interface LanSpec {
  readonly interface: string
  /** Name in logs and faildctl; default A, B, C... */
  readonly label?: string
  /** Lower is preferred to carry a dead path's traffic; default: LAN order. */
  readonly preference?: number
  /** What the LAN is, on the wire (its tag): LANs pair by it where both hosts name them. */
  readonly name?: string
}

/** A prefix moved as a whole: via the first gateway (in order) whose path is up. */
export interface GatewayRoute {
  readonly prefix: number
  readonly len: number
  readonly via: readonly number[]
  /** undefined: the global failback. */
  readonly failback: boolean | undefined
}

/** An IPv6 prefix moved as a whole (`::/0` via two routers): as GatewayRoute, in 16-byte addresses. */
export interface GatewayRoute6 {
  readonly prefix: IPv6
  readonly len: number
  readonly via: readonly IPv6[]
  readonly failback: boolean | undefined
}

/** Gateway routes of either family, told apart by their prefix (see isRoute6). */
export type AnyGatewayRoute = GatewayRoute | GatewayRoute6

export const isRoute6 = (r: AnyGatewayRoute): r is GatewayRoute6 => typeof r.prefix !== 'number'

export interface Options {
  /** The file these options came from, if any. */
  readonly configFile: string | undefined
  readonly requestor: boolean
  /** Seconds between INQs. */
  readonly interval: number
  readonly failAfter: number
  readonly upAfter: number
  readonly port: number
  readonly logFile: string | undefined
  readonly logLevel: LogLevel
  /** A debug line for every packet received (-vv); only with logLevel 'debug'. */
  readonly logPackets: boolean
  readonly logFormat: LogFormat
  /** Empty: every usable interface, in name order. */
  readonly lans: readonly LanSpec[]
  /** Undefined: this host's address on LAN A. */
  readonly nodeId: number | undefined
  readonly staticPeers: readonly number[]
  readonly ignorePeers: readonly number[]
  readonly targets: readonly TargetEntry[]
  readonly addresses: readonly AddressEntry[]
  /** In config order, IPv4 and IPv6 mixed (isRoute6 tells them apart). */
  readonly routes: readonly AnyGatewayRoute[]
  /** Gateway routes return to their preferred gateway once it is up again (routes[].failback overrides). */
  readonly failback: boolean
  readonly notify: string | undefined
  /** Seconds. */
  readonly notifyTimeout: number
  readonly controlSocket: string
  /** Where to serve Prometheus metrics; undefined: not served. */
  readonly metrics: Listen | undefined
  /** Metrics may listen on a non-loopback address. */
  readonly metricsPublic: boolean
  readonly pidFile: string
  /** Where the boot counter is kept (host/boot-counter.ts). */
  readonly stateDir: string
  /** Named LAN interfaces may be absent or address-less at start: taken in when they appear. */
  readonly dynamicInterfaces: boolean
  readonly dryRun: boolean
  readonly table: number
  readonly rulePriority: number
  readonly keyFile: string | undefined
  readonly cluster: string | undefined
  readonly flapDamping: FlapDampingOptions
  /** Packets per second per source; undefined: 4 per interval, at least 200. */
  readonly rateLimit: number | undefined
  readonly maxPeers: number
  /** The wire format sent: 2 (with v1 copies where v1 hosts are heard), or 1 only. */
  readonly wireVersion: 1 | 2
}

/** An address and TCP port to listen on. */
export interface Listen {
  /** An IPv4 address, or "::1". */
  readonly host: string
  readonly port: number
}

/** A service address faild keeps on a working interface (daemon/service-addresses.ts). */
export interface AddressEntry {
  /** The IPv4 address; 0 for an IPv6 one. */
  readonly address: number
  /** The IPv6 address (RFC 5952 text), when it is one. */
  readonly ipv6?: string
  readonly len: number
  readonly interfaces: readonly string[]
  readonly watch: readonly number[]
  /** undefined: the global failback. */
  readonly failback: boolean | undefined
  readonly owned: boolean
}

/** A box that runs no faild, probed on its LAN (core/targets/targets.ts). */
export interface TargetEntry {
  /** Its IPv4 address; 0 for an IPv6 target. */
  readonly address: number
  /** Its IPv6 address (global or ULA); absent for an IPv4 target. */
  readonly ipv6?: IPv6
  /** A LAN label or interface; undefined: every LAN whose subnet holds the address. */
  readonly lan: string | undefined
  readonly method: 'icmp' | 'arp'
}

export interface FlapDampingOptions {
  readonly enabled: boolean
  readonly flaps: number
  /** Seconds; undefined: 30 intervals. */
  readonly halfLife: number | undefined
  /** Seconds. */
  readonly maxHold: number
}
