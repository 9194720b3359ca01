// The requestor's probe rounds: sequence numbers, the INQs awaiting ACKs on each LAN, RTT, verdicts.
import { ackTimeoutMs, NO_RTT, type Rtt, rttSample } from '../path/rtt.js'
import { believedDeaf, type Peer } from './peer.js'
import type { PeerTable } from './peer-table.js'

/** One INQ broadcast on one LAN, and who answered it in time. */
export interface Round {
  readonly seq: number
  readonly sentAt: number
  /** When its ACKs are overdue: expire() judges it then, never tick(). */
  readonly due: number
  /** Node ids that answered. BOUNDED: peers; dropped with the round once judged. */
  readonly acked: Set<number>
  /** Who the INQ asked to answer: only they are judged for it. BOUNDED: the INQ's ANSWER list. */
  readonly asked: ReadonlySet<number> | 'all'
  /** How many peers owed it an ACK when it went out: once as many answered, it may have nothing left to judge. */
  readonly expected: number
  /** Everyone asked answered: nothing to judge, so no deadline (see answer). */
  settled: boolean
}

/**
 * Whether `peer` owes an ACK to an INQ sent on `lan` at `sentAt` that asked `whom`, so that its
 * silence would be a miss. A peer discovered after the INQ went out owes nothing for it. A peer
 * that says it is behind (OVERLOAD) may answer late or not at all: its INQs (their deadlines
 * widened) and the down lists in them judge its paths in both directions until it catches up.
 * A peer we believe when it says it does not hear us cannot answer: its silence is our direction's
 * fault, which it has told us, so it is no miss of its direction, which its INQs alone judge.
 * (Counted, the misses between its INQs took a one-way fault's good direction down at the first
 * late INQ, and one miss after each INQ kept it down.)
 */
function wouldOwe(peer: Peer, lan: number, sentAt: number, whom: Round['asked']): boolean {
  const pl = peer.lans[lan]!
  const behind = peer.behindMs > 0 && peer.intervalMs > 0
  const asked = whom === 'all' || whom.has(peer.id)
  return pl.address !== 0 && !believedDeaf(pl) && peer.since < sentAt && asked && !behind
}

/** Whether `peer` still owes round `r` on `lan` an ACK. */
export const owes = (r: Round, peer: Peer, lan: number): boolean =>
  wouldOwe(peer, lan, r.sentAt, r.asked) && !r.acked.has(peer.id)

/** The known peers an INQ that asked `whom` may be owed an ACK by: every peer, or those it named. */
function* askedOf(peers: PeerTable, whom: Round['asked']): Generator<Peer> {
  if (whom === 'all') yield* peers
  else
    for (const id of whom) {
      const p = peers.get(id)
      if (p) yield p
    }
}

/** How many peers owe a round sent on `lan` now that asks `whom`: what answeredByAll counts to first. */
export function owing(peers: PeerTable, lan: number, now: number, whom: Round['asked']): number {
  let n = 0
  for (const p of askedOf(peers, whom)) if (wouldOwe(p, lan, now, whom)) n++
  return n
}

/**
 * No peer owes the round an ACK any more: a count first, so the check of exactly whom runs only
 * once as many answered as were asked (a newcomer's ACK cannot settle a round a peer still owes).
 * O(asked) then.
 */
function answeredByAll(round: Round, lan: number, peers: PeerTable): boolean {
  if (round.acked.size < round.expected) return false
  for (const p of askedOf(peers, round.asked)) if (owes(round, p, lan)) return false
  return true
}

/** An ACK for an open round, one already judged (or never sent), or one already counted. */
export type AckVerdict = 'open' | 'late' | 'duplicate'

/**
 * Unjudged rounds kept per LAN. The shell judges (expire) before every tick, so there are one or
 * two; the bound only keeps a shell that never judges from growing memory without end.
 */
export const MAX_OPEN_ROUNDS = 16

export class ProbeRounds {
  #seq: number
  /** By LAN index: rounds sent and not judged yet, oldest first. BOUNDED: MAX_OPEN_ROUNDS each. */
  readonly #open: Round[][]
  /** By LAN index: the last round sent, judged or not: a late ACK to it still measures the RTT. */
  readonly #last: Array<Round | undefined>
  /** By LAN index: the smoothed RTT there. */
  readonly #rtt: Rtt[]

  constructor(lanCount: number, firstSeq: number) {
    this.#seq = firstSeq
    this.#open = Array.from({ length: lanCount }, () => [])
    this.#last = Array.from({ length: lanCount }, () => undefined)
    this.#rtt = Array.from({ length: lanCount }, () => NO_RTT)
  }

  /** The sequence number last given out. */
  get seq(): number {
    return this.#seq
  }

  /** The one source of sequence numbers, for INQs and notices alike (u32, wrapping). */
  nextSeq(): number {
    this.#seq = (this.#seq + 1) >>> 0
    return this.#seq
  }

  /** Start a round for INQ `seq` on `lan`, asking `expected` peers; returns its deadline. */
  open(
    lan: number,
    seq: number,
    now: number,
    intervalMs: number,
    asked: ReadonlySet<number> | 'all' = 'all',
    expected = Infinity,
  ): number {
    const due = now + ackTimeoutMs(this.#rtt[lan]!, intervalMs)
    const round: Round = { seq, sentAt: now, due, acked: new Set(), asked, expected, settled: false }
    const open = this.#open[lan]!
    if (open.length >= MAX_OPEN_ROUNDS) open.shift()
    open.push(round)
    this.#last[lan] = round
    return round.due
  }

  /** What an ACK from `from` for `seq` on `lan` is; changes nothing. */
  verdict(lan: number, from: number, seq: number): AckVerdict {
    const round = this.#open[lan]?.find((r) => r.seq === seq)
    return !round ? 'late' : round.acked.has(from) ? 'duplicate' : 'open'
  }

  /**
   * Count an ACK the verdict called open, from `from` for `seq` on `lan`; returns its round-trip
   * time. Once every peer the round asked has answered (answeredByAll), it has nothing left to
   * judge: it sets no deadline and is dropped unjudged when due. It stays open until then, so a
   * second copy of an ACK is still a duplicate. An idle host wakes once less per interval (a tenth
   * of its wake-ups).
   */
  answer(lan: number, from: number, seq: number, now: number, peers: PeerTable): number {
    const round = this.#open[lan]!.find((r) => r.seq === seq)!
    round.acked.add(from)
    if (answeredByAll(round, lan, peers)) round.settled = true
    const rttMs = now - round.sentAt
    this.#rtt[lan] = rttSample(this.#rtt[lan]!, rttMs)
    return rttMs
  }

  /** Too late to count, but it measures the delay (our own load included) the timeout must cover. */
  late(lan: number, seq: number, now: number): void {
    const last = this.#last[lan]
    if (last?.seq === seq) this.#rtt[lan] = rttSample(this.#rtt[lan]!, now - last.sentAt)
  }

  /** Take every round whose deadline has passed, on every LAN, for judging: [lan, round] pairs. */
  due(now: number): Array<readonly [number, Round]> {
    const out: Array<readonly [number, Round]> = []
    this.#open.forEach((open, lan) => {
      // Not always in sending order: a round sent after the RTT fell is due sooner.
      if (!open.some((r) => r.due <= now)) return
      for (const r of open) if (r.due <= now && !r.settled) out.push([lan, r])
      this.#open[lan] = open.filter((r) => r.due > now)
    })
    return out
  }

  /** The earliest deadline of an open round not settled (Infinity: none). */
  nextDue(): number {
    let next = Infinity
    for (const open of this.#open) for (const r of open) if (!r.settled) next = Math.min(next, r.due)
    return next
  }

  /** The smoothed RTT on `lan` (ms; undefined before a sample). */
  srtt(lan: number): number | undefined {
    return this.#rtt[lan]?.srtt
  }
}
