// What one valid packet changes: its sender found or learned, its paths fed, an INQ answered, an ACK counted.
import { LinkEvent, LinkState, linkStep } from '../path/link-fsm.js'
import type { Message } from '../wire/message.js'
import { type AdmitContext, admit } from './admit.js'
import type { EngineConfig } from './config.js'
import type { Effect } from './effects.js'
import type { ExpiryParts } from './expiry.js'
import { type LocalLans, noLargerThan } from './local-lans.js'
import { forgetMs, type Peer, type PeerLan } from './peer.js'
import { record, setServices } from './peer-word.js'
import { NO_SERVICES } from './services.js'

/** The engine's parts a packet reads and steps: judging's, and what the drop checks read. */
export interface ReceiveParts extends ExpiryParts {
  readonly lans: LocalLans
  admit(): AdmitContext
  isPeerAddress(address: number): boolean
  /** A deadline was set at `at`: the engine's lower bound on the next one follows (see Engine.soonestDeadline). */
  deadline(at: number): void
}

/**
 * A decoded packet that arrived on LAN `lan` from source address `src`. `blind` (asked only when
 * a peer begins to say it does not hear us) says whether faild has been losing packets of its own
 * doing: then the peer's deafness is likely ours, and believed only after DEAF_EXCUSE_PACKETS. So
 * it is when our own INQs went out late, or faild was found blind, lately (Blindness.excuses):
 * the kernel's drop counter alone misses a stalled loop, and a judgement may have read it first.
 */
export function receive(
  d: ReceiveParts,
  now: number,
  lan: number,
  src: number,
  msg: Message,
  blind: () => boolean,
): Effect[] {
  const refused = admit({ now, lan, src, msg }, d.admit())
  if (refused === 'looped-back') return []
  if (refused === 'late-ack') d.rounds.late(lan, msg.seq, now)
  if (refused) return [{ kind: 'drop', lan, reason: refused, from: msg.from }]
  const cfg = d.config()
  const out: Effect[] = []
  const peer = learn(d, cfg, now, msg, out)
  const before = peer.lans.map((p, i) => d.paths.before(p, i))
  const pl = peer.lans[lan]!
  const ours = () => d.blindness.excuses(now, peer.intervalMs) || d.blindness.check(now, blind)
  const ourSeq = d.rounds.seq
  record(peer, lan, msg, now, { cfg, blind: ours, out, isPeerAddress: d.isPeerAddress, ourSeq })
  if (msg.kind === 'ack') {
    pl.rttMs = d.rounds.answer(lan, peer.id, msg.seq, now, d.peers)
    cfg.rttSample?.(lan, pl.rttMs)
    pl.link = linkStep(pl.link, LinkEvent.Good, cfg)
  } else if (msg.intervalMs > 0) answer(d, cfg, now, lan, src, peer, msg, out)
  // else: a notice from a host whose LAN went out of service: it wants no answer.
  peer.lans.forEach((_, i) => d.paths.report(peer, i, before[i]!, now, out))
  if (!peer.confirmed && confirms(cfg, peer, msg, pl)) d.peers.confirm(peer)
  return out
}

/** Find or create the sender's entry; a new peer is down at once on LANs whose cable is out here. */
function learn(d: ReceiveParts, cfg: EngineConfig, now: number, msg: Message, out: Effect[]): Peer {
  const { peer, isNew, events } = d.peers.learn(now, msg, cfg)
  out.push(...events)
  // A new run holds what it says from now on, not what the old one did.
  if (events.some((e) => e.event === 'restarted' && e.peer === peer.id)) setServices(peer, NO_SERVICES, out)
  if (!isNew) return peer
  for (let lan = 0; lan < d.lans.count; lan++) {
    if (d.lans.carrierLost(lan)) d.paths.step(peer, lan, LinkEvent.NoCarrier, now, out)
  }
  d.deadline(now + forgetMs(peer, cfg.intervalMs))
  return peer
}

/**
 * Answer a probing INQ, count it as good and expect the next. Every valid packet is evidence: a
 * requestor judges a path by the peer's INQs as well as by the ACKs to its own, so with two
 * streams of packets per interval the third miss comes about an interval and a half after a
 * fault, not two and a half (a dead port found in 169 ms median instead of 280 at -t 0.1 -f 3).
 * That also makes faild's own lateness turn into misses twice as fast, which is why expire()
 * holds judgement while faild is blind.
 */
function answer(
  d: ReceiveParts,
  cfg: EngineConfig,
  now: number,
  lan: number,
  src: number,
  peer: Peer,
  msg: Message,
  out: Effect[],
): void {
  const pl = peer.lans[lan]!
  if (msg.kind === 'inq' && (msg.answer === undefined || msg.answer.includes(cfg.nodeId))) {
    const down = pl.link.state === LinkState.Down ? [msg.from] : []
    // In the INQ's wire version: a v1 host reads nothing else.
    const behind = d.blindness.behindMs(now)
    const ack = {
      ...d.lans.message(cfg, 'ack', lan, msg.seq, down, msg.from),
      version: msg.version,
      ...(behind ? { overloadMs: behind } : {}),
    }
    // `src` is only what the packet claims until the peer is confirmed: no reflection (#11).
    const reply = peer.confirmed ? ack : noLargerThan(ack, msg)
    const bound = peer.confirmed || msg.bytes === undefined ? {} : { maxBytes: msg.bytes }
    if (reply) out.push({ kind: 'send', lan, to: src, msg: reply, ...bound })
  }
  pl.link = linkStep(pl.link, LinkEvent.Good, cfg)
  d.deadline(d.peers.expectInqs(peer, now, lan))
}

/**
 * An answer to our INQ, packets on two LANs, or (a responder, which sends no INQ to be answered)
 * a path up on `upAfter` good packets: a peer, not a passer-by.
 */
function confirms(cfg: EngineConfig, peer: Peer, msg: Message, pl: PeerLan): boolean {
  if (msg.kind === 'ack' || (!cfg.requestor && pl.link.good >= cfg.upAfter)) return true
  let heard = 0
  for (const p of peer.lans) if (p.lastHeard !== -Infinity) heard++
  return heard >= 2
}
