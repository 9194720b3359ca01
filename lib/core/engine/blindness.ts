// Judging while blind: which misses count when faild may have lost packets of its own doing.
//
// A miss means the peer's packet did not come. When faild itself fell behind (the socket dropped
// what it could not queue, the drain before judging gave up, timers ran an interval late), a
// packet that did come may not have been read: judging such a window would take healthy paths
// down, the worst a failover daemon can do (1000 hosts sending in bursts once made 176 false
// failovers). So a window that saw faild blind counts a miss only for a path silent far longer
// than loss and lateness explain; every other judgement waits for windows that open after it.
//
// The same goes for what peers say of us: a peer stops hearing us when our own INQs and ACKs go
// out much later than it waits for them (a stalled event loop, a drain that reads a flood for a
// second), so a peer that begins to say so then, or soon after, or soon after faild was blind, is
// likely describing faild's stall, not the LAN.
import type { Peer, PeerLan } from './peer.js'
import { inqWaitMs, OVERLOAD_SILENCE, STALL_INTERVALS } from './timing.js'

/** OVERLOAD's value is a u16. */
const MAX_OVERLOAD_MS = 0xffff

/** Whether one miss may be counted: the peer, its path, and when the miss's window opened. */
export type Judge = (peer: Peer, pl: PeerLan, since: number) => boolean

export class Blindness {
  /** When faild last found itself blind (monotonic ms; -Infinity: never). */
  #at = -Infinity
  /**
   * When faild last came back from a stall (its timers ran an interval late or more: it read
   * nothing meanwhile, and the kernel dropped what its socket could not queue). Silence is
   * counted from here: a path silent only since before the stall says nothing of the LAN.
   */
  #readingSince = -Infinity
  /** When this host's last INQ went out (-Infinity: none yet, or a responder). */
  #sentAt = -Infinity
  /** The interval in force when it went out: the next INQ follows it, even across a reload. */
  #sentIntervalMs = 0
  /** When an INQ last went out later than peers wait for it (-Infinity: never). */
  #lateAt = -Infinity
  /** When an INQ last went out STALL_INTERVALS late or more (-Infinity: never). */
  #stalledAt = -Infinity
  /** The most an INQ went out late beyond the interval since the last window without lateness (ms). */
  #lateByMs = 0
  readonly #intervalMs: () => number

  constructor(intervalMs: () => number) {
    this.#intervalMs = intervalMs
  }

  /** When faild was last blind; -Infinity: never. */
  get at(): number {
    return this.#at
  }

  /** The judge for one expire(): `blind` is asked once, and only when a miss is about to be counted. */
  judge(now: number, blind: () => boolean): Judge {
    let asked = false
    return (peer, pl, since) => {
      if (!asked) {
        asked = true
        this.check(now, blind)
      }
      if (since > this.#at) return true
      const silence = now - Math.max(pl.lastHeard, this.#readingSince)
      return silence >= OVERLOAD_SILENCE * Math.max(this.#intervalMs(), peer.intervalMs)
    }
  }

  /**
   * Whether `blind` says faild may have lost packets of its own doing; if so, it was blind at `now`
   * and the next judgement holds every window opened before. Whoever reads the kernel's drop
   * counter takes what it found (a judgement, a packet that begins to say we are not heard, the
   * kernel check), so none may read it unnoticed.
   */
  check(now: number, blind: () => boolean): boolean {
    if (!blind()) return false
    this.found(now)
    return true
  }

  /** faild found itself blind at `now`. */
  found(now: number): void {
    this.#at = Math.max(this.#at, now)
  }

  /** faild comes back from a stall at `now`: blind, and silence counts again from now (see #readingSince). */
  stalled(now: number): void {
    this.found(now)
    this.#readingSince = Math.max(this.#readingSince, now)
  }

  /**
   * This host (a requestor) sent its INQs at `now`: later than peers wait since the last, they
   * counted it missed. Measured against the interval the last INQ went out at: after a reload
   * that shortened it, the INQ already scheduled still follows the old one and is on time.
   */
  sent(now: number): void {
    const intervalMs = this.#sentIntervalMs
    if (now - this.#sentAt > inqWaitMs(intervalMs) && this.#sentAt !== -Infinity) {
      const recent = now - this.#lateAt <= OVERLOAD_SILENCE * intervalMs
      this.#lateByMs = Math.max(recent ? this.#lateByMs : 0, now - this.#sentAt - intervalMs)
      this.#lateAt = now
      if (this.#stalled(now)) this.#stalledAt = now
    }
    this.#sentAt = now
    this.#sentIntervalMs = this.#intervalMs()
  }

  /** No LAN has an address to send from: no INQ is owed, so the first one after is not late. */
  unsent(): void {
    this.#sentAt = -Infinity
  }

  /**
   * How far behind this host says it is in its packets (OVERLOAD), so that peers wait for them
   * longer: 0 once it was neither blind nor late for OVERLOAD_SILENCE intervals; else the most
   * its INQs went out late lately, at least one interval (blind, it may answer late or not at all).
   */
  behindMs(now: number): number {
    const window = OVERLOAD_SILENCE * this.#intervalMs()
    if (!this.#lately(now, window, this.#lateAt)) return 0
    return Math.round(Math.min(window, MAX_OVERLOAD_MS, Math.max(this.#intervalMs(), this.#lateByMs)))
  }

  /**
   * Whether a peer (its INQ interval `peerIntervalMs`) that begins at `now` to say it does not hear
   * us is likely describing our own lateness: our INQ is stalled right now, or was, or faild was
   * blind, within the last OVERLOAD_SILENCE intervals (the peer's misses and its report of them
   * take a few intervals to reach us). An INQ late by less than a stall (STALL_INTERVALS) does
   * not excuse: it cost the peer one miss, not a run of them.
   */
  excuses(now: number, peerIntervalMs: number): boolean {
    if (this.#stalled(now)) return true
    return this.#lately(now, OVERLOAD_SILENCE * Math.max(this.#intervalMs(), peerIntervalMs), this.#stalledAt)
  }

  /** An INQ sent at `now` would be a stall's (STALL_INTERVALS late or more): no INQ since for that long. */
  #stalled(now: number): boolean {
    return this.#sentAt !== -Infinity && now - this.#sentAt >= (1 + STALL_INTERVALS) * this.#sentIntervalMs
  }

  /** faild was blind, or sent its INQs late (last at `lateAt`), within `windowMs` of `now`. */
  #lately(now: number, windowMs: number, lateAt: number): boolean {
    return now - Math.max(this.#at, lateAt) <= windowMs
  }
}
