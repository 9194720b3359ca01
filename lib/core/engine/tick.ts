// What a requestor sends each interval: an INQ on every LAN, and the round that waits for the ACKs it asks for.
import { whoAnswers } from './answering.js'
import type { Effect } from './effects.js'
import { downList, downOnFor, downTotalOf } from './local-lans.js'
import { owing } from './probe-round.js'
import type { ReceiveParts } from './receive.js'

/** What a tick reads and steps: the peers' paths for the down lists, the rounds it opens. */
export type TickParts = Pick<ReceiveParts, 'config' | 'lans' | 'rounds' | 'peers' | 'blindness' | 'deadline'>

/**
 * Broadcast an INQ on every LAN (and to its unicast peers) and open a round for the ACKs it asks
 * for (see answering.ts). Judges nothing: expire() does. A responder sends nothing.
 */
export function tick(d: TickParts, now: number): Effect[] {
  const cfg = d.config()
  if (!cfg.requestor) return []
  const out: Effect[] = []
  if (cfg.addresses.some((a) => a !== 0)) d.blindness.sent(now)
  else d.blindness.unsent()
  const behind = d.blindness.behindMs(now)
  const seq = d.rounds.nextSeq()
  const room = d.lans.idRoom(cfg)
  const down = cfg.addresses.map((_, lan) => downList(d.peers, lan, room, seq))
  cfg.addresses.forEach((address, lan) => {
    if (address === 0) return // no address there yet (an interface not plugged in): nothing to send from
    // An answer list that does not fit beside the down list asks everyone instead: cut short, the
    // same peers at its end would never be asked, so never judged.
    const named = whoAnswers(d.peers, lan, seq)
    const answer = named && named.length <= room - down[lan]!.length ? named : undefined
    const asked = answer === undefined ? 'all' : new Set(answer)
    const expected = owing(d.peers, lan, now, asked)
    d.deadline(d.rounds.open(lan, seq, now, cfg.intervalMs, asked, expected))
    const downOn = downOnFor(down, lan, answer?.length ?? 0, room)
    const inq = {
      ...d.lans.message(cfg, 'inq', lan, seq, down[lan]!),
      ...downTotalOf(down[lan]!),
      ...(downOn ? { downOn } : {}),
      ...(behind ? { overloadMs: behind } : {}),
    }
    const msg = answer === undefined ? inq : { ...inq, answer }
    out.push({ kind: 'send', lan, to: 'broadcast', msg })
    for (const to of cfg.unicast?.[lan] ?? []) out.push({ kind: 'send', lan, to, msg })
  })
  return out
}
