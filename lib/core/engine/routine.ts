// Routine INQs (wire/routine-inq.ts): what receive() does with one, done without the message, and when that is all it does.
//
// At 1000 requestors, 97% of what faild reads is a routine INQ: one that says what its sender's
// last INQ on that LAN said. receive() spends on each what a new packet needs: a message decoded
// for it, the drop table, the sender found by its id, a verdict per LAN before and after. From a
// peer whose paths are steady, all of that comes out the same and changes nothing: what is left is
// a few times and sequence numbers set, and the deadline of the next INQ. A Routine is made right
// after receive() of an INQ that changed nothing (it returned no effects) and holds what the next
// ones are taken against: the peer's entry itself, found without a lookup. takes() checks, on the
// live entry, everything receive() would find different; anything else (a peer forgotten or
// restarted, an address moved, a reload) starts a new epoch in the table, and the INQ goes the full
// way again. routine.spec.ts runs receive() and take() side by side on random histories and finds
// the same engine.
import { steady } from '../path/link-fsm.js'
import { sameIPv6 } from '../util/ipv6.js'
import type { Message } from '../wire/message.js'
import { holds, newer } from './admit.js'
import type { EngineConfig } from './config.js'
import type { Peer } from './peer.js'
import type { PeerTable } from './peer-table.js'
import { reported, takesMask } from './peer-word.js'

/** The INQ routine ones are taken against, and the table's epoch when it was received. */
export interface Routine {
  readonly peer: Peer
  readonly lan: number
  readonly epoch: number
  readonly intervalMs: number
  readonly outOfService: number
  readonly down: readonly number[]
  readonly downOn: Message['downOn']
}

/** The engine's parts a routine INQ reads and steps. */
export interface RoutineParts {
  config(): EngineConfig
  readonly peers: PeerTable
  readonly rounds: { readonly seq: number }
  /** A deadline was set at `at` (see Engine.soonestDeadline). */
  deadline(at: number): void
}

/**
 * Called right after receive(msg) returned no effects: a Routine if the INQs that say what msg
 * says may be taken by take(). Not one that asks this host for an answer, says it does not hear
 * us, says it is behind, or names service addresses, nor one from a peer whose table entry is
 * not exactly what it says (then receive() checks its addresses every time).
 */
export function routineOf(d: RoutineParts, lan: number, src: number, msg: Message): Routine | undefined {
  const cfg = d.config()
  if (msg.kind !== 'inq' || msg.intervalMs === 0 || msg.version === 1) return undefined
  if (msg.answer === undefined || msg.answer.includes(cfg.nodeId) || msg.down.includes(cfg.nodeId)) return undefined
  if (msg.overloadMs !== undefined || (msg.services?.length ?? 0) > 0) return undefined
  const peer = d.peers.get(msg.from)
  if (!peer || peer.boot !== msg.boot || peer.lans[lan]?.address !== src || !holds(peer, msg.addresses))
    return undefined
  if (!holds6(peer, msg, cfg)) return undefined
  const { intervalMs, outOfService, down, downOn } = msg
  const r: Routine = { peer, lan, epoch: d.peers.epoch, intervalMs, outOfService, down, downOn }
  return steadyFor(d, r) ? r : undefined
}

/** Whether `r`'s INQ again, numbered `seq`, would change nothing but what take() sets. */
export function takes(d: RoutineParts, r: Routine, seq: number): boolean {
  const last = r.peer.lans[r.lan]!.lastSeq
  return last >= 0 && newer(seq, last) && steadyFor(d, r)
}

/**
 * What receive() does with a routine INQ that takes() let through: the peer heard now, its sequence
 * number and down lists taken, its mask word moved on (its bits are the same: see steadyFor), the
 * next INQ expected. A good packet leaves a steady link as it is, so the link is not stepped.
 */
export function take(d: RoutineParts, r: Routine, now: number, seq: number): void {
  const { peer, lan } = r
  const pl = peer.lans[lan]!
  peer.lastHeard = now
  // A v2 INQ says the service addresses its sender holds: none, as the peer holds now.
  peer.servicesAt = now
  pl.lastHeard = now
  pl.lastSeq = seq
  reported(peer, lan, r, now)
  takesMask(peer, 'inq', seq, now, d.config().intervalMs, d.rounds.seq)
  d.deadline(d.peers.expectInqs(peer, now, lan))
}

/**
 * The peer's entry as receive() leaves it after an INQ that changes nothing: in the same epoch,
 * confirmed, at the same interval, keeping up, holding no service address, heard on this LAN
 * with its link steady, and its LANs out of service as the INQ says.
 */
function steadyFor(d: RoutineParts, r: Routine): boolean {
  const { peer } = r
  const pl = peer.lans[r.lan]!
  if (r.epoch !== d.peers.epoch || !peer.confirmed || peer.intervalMs !== r.intervalMs) return false
  // The peer's mask, not each path's flag: the flags are set from it alone (peer-word.ts), and one
  // number read spares a load of every other path of the peer (a cache miss each, at scale).
  if (peer.behindMs !== 0 || peer.outOfService !== r.outOfService || peer.services.length > 0) return false
  return pl.hearsUs && steady(pl.link, d.config())
}

/** With a key, the IPv6 addresses the INQ gives are the ones the table holds (else learn() may take one). */
function holds6(peer: Peer, msg: Message, cfg: EngineConfig): boolean {
  if (!cfg.authenticated || !msg.addresses6) return true
  return msg.addresses6.every((v6, lan) => {
    const held = peer.lans[lan]?.ipv6
    return v6 === undefined || (held !== undefined && sameIPv6(held, v6))
  })
}
