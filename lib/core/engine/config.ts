// What the engine is told at start, and what a reload may change while it runs.
import type { Damping } from '../path/flap-damping.js'
import type { Thresholds } from '../path/link-fsm.js'
import type { OwnIPv6 } from './trust6.js'

export interface EngineConfig extends Thresholds {
  /** This host's global or ULA IPv6 address on each LAN, by LAN index (undefined: none there). */
  readonly ipv6?: ReadonlyArray<OwnIPv6 | undefined>
  readonly nodeId: number
  readonly boot: number
  /** This host's address on each LAN, in LAN order (index 0 is LAN A). */
  readonly addresses: readonly number[]
  /** This host's prefix length on each LAN, in LAN order: a peer's address there must be in that subnet. */
  readonly prefixLens: readonly number[]
  /** Send INQs every intervalMs (-r); otherwise answer only. */
  readonly requestor: boolean
  readonly intervalMs: number
  /** By LAN index: peer addresses that get a unicast INQ too (broadcast filtered there). */
  readonly unicast?: readonly (readonly number[])[]
  /** Node ids and addresses whose packets are dropped. */
  readonly ignore?: readonly number[]
  /** This cluster's tag (see clusterTag); packets with another (or none) are dropped. 0: none. */
  readonly cluster?: number
  /** The sequence number before the first INQ: random per start, so ACKs from an earlier run never match. */
  readonly firstSeq?: number
  /**
   * Packets are authenticated (a key is set). Then a packet from an earlier run of a known peer (an
   * older boot id) is a replay, not a restart, and a peer's word on where its service addresses are
   * is followed. Without a key anyone can forge packets anyway, a peer whose clock went back at
   * reboot must not be shut out, and anyone could claim any address as a service address of theirs.
   */
  readonly authenticated?: boolean
  /** Flap damping; undefined: none. */
  readonly damping?: Damping
  /** Peers tracked at most (a flood of invented ones must not eat the memory); undefined: no bound. */
  readonly maxPeers?: number
  /** Told each ACK's round-trip time, by LAN (the metrics' histogram); undefined: nobody asks. */
  readonly rttSample?: (lan: number, ms: number) => void
}

/** What a reloaded config may change while the daemon runs. */
export type Tunables = Pick<
  EngineConfig,
  'failAfter' | 'upAfter' | 'intervalMs' | 'unicast' | 'ignore' | 'damping' | 'maxPeers'
>
