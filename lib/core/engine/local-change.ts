// What a change on this host does to the paths, and what it tells the peers: an address moved, carrier lost or back, service addresses held, a LAN taken out of service.
import { LinkEvent } from '../path/link-fsm.js'
import { sameSubnet } from '../util/ipv4.js'
import type { HeldAddress } from '../wire/message.js'
import type { EngineConfig } from './config.js'
import type { Effect } from './effects.js'
import type { ReceiveParts } from './receive.js'
import type { OwnIPv6 } from './trust6.js'

/** What a change on this host reads and steps: its LANs, the peers' paths, the sequence its notices take. */
export type LocalParts = Pick<ReceiveParts, 'config' | 'lans' | 'rounds' | 'peers' | 'paths'>

/** The configuration with this host's addresses on one LAN changed, and whether it is in a new subnet there. */
export interface Readdressed {
  readonly cfg: EngineConfig
  readonly moved: boolean
}

/**
 * `cfg` with this host's address on `lan` now `address`/`prefixLen`, and its IPv6 address there
 * `ipv6` (undefined: none); undefined when there is no such LAN.
 */
export function readdressed(
  cfg: EngineConfig,
  lan: number,
  address: number,
  prefixLen: number,
  ipv6: OwnIPv6 | undefined,
): Readdressed | undefined {
  if (lan >= cfg.addresses.length) return undefined
  const moved = !sameSubnet(address, cfg.addresses[lan]!, Math.min(prefixLen, cfg.prefixLens[lan]!))
  const put = <T>(xs: readonly T[], x: T) => xs.map((old, i) => (i === lan ? x : old))
  return {
    cfg: {
      ...cfg,
      addresses: put(cfg.addresses, address),
      prefixLens: put(cfg.prefixLens, prefixLen),
      ipv6: put(cfg.ipv6 ?? cfg.addresses.map(() => undefined), ipv6),
    },
    moved,
  }
}

/**
 * This host is in a new subnet on `lan` (readdressed() said it moved): the peers' addresses there
 * mean nothing. Their paths on the LAN go down as at a pulled cable (routes move), and each is met
 * again from its next packet.
 */
export function leaveSubnet(d: LocalParts, now: number, lan: number): Effect[] {
  const out: Effect[] = []
  for (const peer of d.peers) {
    if (peer.lans[lan]!.address === 0) continue
    d.paths.step(peer, lan, LinkEvent.NoCarrier, now, out)
    d.peers.leave(peer, lan)
  }
  return out
}

/**
 * This host's interface on `lan` lost or regained carrier. Lost: every path on it is down at
 * once, without waiting for misses, and a notice goes out on the other LANs so peers reroute
 * within milliseconds. Back: paths still need `upAfter` good packets; peers are told too.
 */
export function carrier(d: LocalParts, now: number, lan: number, up: boolean): Effect[] {
  if (!d.lans.setCarrier(lan, up)) return []
  const out: Effect[] = []
  if (!up) for (const peer of d.peers) d.paths.step(peer, lan, LinkEvent.NoCarrier, now, out)
  return notices(d, out)
}

/**
 * This host holds these service addresses now (placed at start, or moved): every packet says so
 * from now on, and a notice on every LAN says it at once, so peers reroute before the next INQ.
 */
export function hold(d: LocalParts, held: readonly HeldAddress[]): Effect[] {
  return d.lans.setHeld(held) ? notices(d, []) : []
}

/**
 * The operator takes LAN `lan` out of service (faildctl offline) or puts it back. Offline, every
 * path on it is down for routing while the probes go on, so `online` restores at once the paths
 * that stayed healthy; peers are told at once, like a pulled cable, and route around it too.
 */
export function setOffline(d: LocalParts, now: number, lan: number, offline: boolean): Effect[] {
  if (lan >= d.lans.count || d.lans.offline(lan) === offline) return []
  const peers = [...d.peers]
  const before = peers.map((p) => d.paths.before(p.lans[lan]!, lan))
  d.lans.setOffline(lan, offline)
  const out: Effect[] = []
  peers.forEach((p, i) => d.paths.report(p, lan, before[i]!, now, out))
  return notices(d, out)
}

/** Tell every peer at once what changed here: the out-of-service mask, or the service addresses held. */
function notices(d: LocalParts, out: Effect[]): Effect[] {
  out.push(...d.lans.notices(d.config(), d.rounds.nextSeq(), d.peers))
  return out
}
