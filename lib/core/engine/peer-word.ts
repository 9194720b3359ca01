// What a peer's packet says, kept on its entry: whether it hears us, whom it does not hear, its LANs out of service, its service addresses.
import type { Message } from '../wire/message.js'
import { newer } from './admit.js'
import type { EngineConfig } from './config.js'
import type { Effect } from './effects.js'
import type { Peer, PeerLan } from './peer.js'
import { claimed, sameHeld } from './services.js'
import { deafExcuse, OVERLOAD_SILENCE } from './timing.js'

export interface WordContext {
  readonly cfg: EngineConfig
  /** Whether faild has been losing packets of its own doing (asked only when a peer begins to say it does not hear us). */
  readonly blind: () => boolean
  readonly out: Effect[]
  /** Whether `address` is a known peer's own address on some LAN (never a service address). */
  readonly isPeerAddress: (address: number) => boolean
  /** This host's sequence number last given out (its latest INQ or notice). */
  readonly ourSeq: number
}

/** Record what `msg`, heard from `peer` on LAN `lan` at `now`, says; a change of its service addresses is an event. */
export function record(peer: Peer, lan: number, msg: Message, now: number, c: WordContext): void {
  const pl = peer.lans[lan]!
  if (msg.down.includes(c.cfg.nodeId)) {
    pl.unnamedWindows = 0
    hears(pl, false, c.blind, c.cfg.upAfter)
  } else if (!unnamedWindow(pl, msg)) hears(pl, true, c.blind, c.cfg.upAfter)
  services(peer, msg, now, c)
  pl.lastHeard = now
  // A notice (interval 0) tells what changed, built apart from the INQs: it says nothing of lateness.
  if (msg.kind === 'ack' || msg.intervalMs > 0) {
    const ms = behind(peer, msg, c)
    if ((ms === 0) !== (peer.behindMs === 0)) c.out.push({ kind: 'behind', peer: peer.id, ms })
    peer.behindMs = ms
  }
  if (msg.kind === 'inq') {
    pl.lastSeq = msg.seq
    reported(peer, lan, msg, now)
  }
  outOfService(peer, msg, now, c)
}

/**
 * How much longer the peer's packets are waited for (OVERLOAD): what it says, up to OVERLOAD_SILENCE
 * of the longer interval, as long as faild holds its own judgement when blind. A packet that says
 * nothing says it caught up.
 */
function behind(peer: Peer, msg: Message, c: WordContext): number {
  if (msg.overloadMs === undefined) return 0
  return Math.min(msg.overloadMs, OVERLOAD_SILENCE * Math.max(peer.intervalMs, c.cfg.intervalMs))
}

/**
 * The peer's LANs out of service, from its newest word on them. Packets on different sockets are
 * read in no set order: an ACK or INQ the peer sent before its cable was pulled could be read
 * after the notice that says so, and once cleared the mark and brought the path back for a few
 * milliseconds (bench: 2 runs in 5). So a packet older than the one the mask came from changes
 * nothing: an INQ or notice with an earlier sequence number (one counter in the sender), an ACK
 * to an INQ of ours sent before the mask was taken. Without a key a sequence number proves
 * nothing, so the rule holds only for one interval after the mask was taken: time enough for
 * the reorder, too short for a forged number to lock the word out.
 */
function outOfService(peer: Peer, msg: Message, now: number, c: WordContext): void {
  if (!takesMask(peer, msg.kind, msg.seq, now, c.cfg.intervalMs, c.ourSeq)) return
  peer.outOfService = msg.outOfService
  for (let i = 0; i < peer.lans.length; i++) peer.lans[i]!.outOfService = saysOutOfService(msg.outOfService, i)
}

/** Whether an out-of-service mask says LAN `lan` is out of service (it has bits for LANs 0-7). */
const saysOutOfService = (mask: number, lan: number): boolean => lan < 8 && (mask & (1 << lan)) !== 0

/**
 * Whether a packet of `kind` and `seq` heard at `now` gives the peer's mask (see outOfService); if
 * so it is the mask's packet now. `ourSeq`: this host's sequence number last given out.
 */
export function takesMask(
  peer: Peer,
  kind: Message['kind'],
  seq: number,
  now: number,
  ownIntervalMs: number,
  ourSeq: number,
): boolean {
  const m = peer.mask
  const recent = now - m.at <= Math.max(peer.intervalMs, ownIntervalMs)
  if (recent && kind === 'inq' && m.seq >= 0 && !newer(seq, m.seq)) return false
  if (recent && kind === 'ack' && !newer(seq, m.round)) return false
  if (kind === 'inq') m.seq = seq
  m.round = ourSeq
  m.at = now
  return true
}

/**
 * A window of a longer down list (DOWN-TOTAL) that does not name us says nothing either way: true
 * while so; once a whole turn of windows went by without naming us, the peer hears us (false).
 */
function unnamedWindow(pl: PeerLan, msg: Pick<Message, 'down' | 'downTotal'>): boolean {
  const total = msg.downTotal ?? 0
  if (total <= msg.down.length || msg.down.length === 0) {
    pl.unnamedWindows = 0
    return false
  }
  pl.unnamedWindows++
  if (pl.unnamedWindows < Math.ceil(total / msg.down.length)) return true
  pl.unnamedWindows = 0
  return false
}

/** Heard on its LAN or not, and whether saying not began while we were blind (then believed only after deafExcuse packets). */
function hears(pl: PeerLan, heard: boolean, blind: () => boolean, upAfter: number): void {
  if (heard) {
    pl.deafCount = 0
    pl.deafExcuse = 0
  } else {
    if (pl.hearsUs) pl.deafExcuse = blind() ? deafExcuse(upAfter) : 0
    pl.deafCount = Math.min(pl.deafCount + 1, pl.deafExcuse)
  }
  pl.hearsUs = heard
}

/** The peer's down lists, on this LAN and (DOWN-ON) on its others: an INQ's are whole, an ACK's are not. */
export function reported(peer: Peer, lan: number, msg: Pick<Message, 'down' | 'downOn'>, now: number): void {
  const pl = peer.lans[lan]!
  pl.reportedDown = msg.down
  pl.reportedAt = now
  const on = msg.downOn ?? []
  for (let i = 0; i < on.length; i++) {
    const ids = on[i]
    const other = peer.lans[i]
    if (ids && other && i !== lan) {
      other.reportedDown = ids
      other.reportedAt = now
    }
  }
}

/**
 * Where the peer says its service addresses are. A v2 INQ or notice always says it (saying none:
 * it holds none); an ACK only when it was not cut short for an unconfirmed sender (see
 * noLargerThan), so an ACK that says none changes nothing; a v1 copy says nothing (v1 cannot).
 */
function services(peer: Peer, msg: Message, now: number, c: WordContext): void {
  if (msg.version === 1 || (msg.kind === 'ack' && !msg.services)) return
  peer.servicesAt = now
  setServices(peer, claimed(msg, c.cfg, c.isPeerAddress), c.out)
}

/** The peer holds `held` now: an event if that is a change. */
export function setServices(peer: Peer, held: Peer['services'], out: Effect[]): void {
  if (sameHeld(peer.services, held)) return
  peer.services = held
  out.push({ kind: 'services', peer: peer.id, services: held })
}
