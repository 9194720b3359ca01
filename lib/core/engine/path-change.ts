// Steps one path's link FSM and reports what changed: link events, flap damping, notices to the peer.
import { flap, held, release } from '../path/flap-damping.js'
import { LinkEvent, LinkState, linkStep } from '../path/link-fsm.js'
import { clearVerdict, type PathVerdict, packetState, pathState } from '../path/path-state.js'
import type { EngineConfig } from './config.js'
import type { Effect } from './effects.js'
import type { LocalLans } from './local-lans.js'
import { believedDeaf, type Peer, type PeerLan } from './peer.js'
import type { PeerTable } from './peer-table.js'
import type { ProbeRounds } from './probe-round.js'
import type { PathView } from './view.js'

/** A path before an event: the state routes follow, what this host sees, and what the packets say. */
export interface Before {
  readonly state: LinkState
  readonly observed: LinkState
  readonly packets: LinkState
}

/** The engine's parts a path change reads, and where it lowers the deadline bound. */
export interface PathDeps {
  config(): EngineConfig
  readonly lans: LocalLans
  readonly rounds: ProbeRounds
  readonly peers: PeerTable
  deadline(at: number): void
}

export class PathChanges {
  readonly #d: PathDeps

  constructor(deps: PathDeps) {
    this.#d = deps
  }

  verdict(pl: PeerLan, lan: number): PathVerdict {
    const offlineHere = this.#d.lans.offline(lan)
    const { outOfService: peerOutOfService } = pl
    const hearsUs = !believedDeaf(pl)
    const isHeld = held(pl.flaps)
    // Asked several times per packet: a path nothing holds down is decided without a facts object.
    if (!offlineHere && !isHeld && !peerOutOfService && hearsUs) return clearVerdict(pl.link.state)
    return pathState({ observed: pl.link.state, hearsUs, peerOutOfService, offlineHere, held: isHeld })
  }

  before(pl: PeerLan, lan: number): Before {
    const v = this.verdict(pl, lan)
    return { state: v.state, observed: pl.link.state, packets: packetState(v, pl.link.state) }
  }

  /** Step one path's FSM with a timing or carrier event, and report what changed. */
  step(peer: Peer, lan: number, event: LinkEvent.Miss | LinkEvent.NoCarrier, now: number, out: Effect[]): void {
    const pl = peer.lans[lan]!
    const before = this.before(pl, lan)
    pl.link = linkStep(pl.link, event, this.#d.config())
    this.report(peer, lan, before, now, out)
  }

  /**
   * A packet the peer owed did not come. While the peer says its interface there is out of service
   * (a pulled cable it told us of), that is the outage it announced, not loss: the link takes it as
   * carrier loss, so a cable that flaps is a run of clean outages (flap damping holds it), not a
   * lossy LAN (the link's loss gate would hold it until 18 of its last 20 packets came).
   */
  missed(peer: Peer, lan: number, now: number, out: Effect[]): void {
    const event = peer.lans[lan]!.outOfService ? LinkEvent.NoCarrier : LinkEvent.Miss
    this.step(peer, lan, event, now, out)
  }

  /**
   * One miss per overdue INQ interval, but no more than it takes to go down (a paused daemon);
   * `counts(since)` says whether a miss whose window opened at `since` may be counted.
   */
  missInqs(peer: Peer, lan: number, now: number, out: Effect[], counts: (since: number) => boolean): void {
    const pl = peer.lans[lan]!
    for (let n = 0; pl.inqDue <= now && n <= this.#d.config().failAfter; n++) {
      const since = pl.inqDue - peer.intervalMs
      pl.inqDue += peer.intervalMs
      if (counts(since)) this.missed(peer, lan, now, out)
    }
    if (pl.inqDue <= now) pl.inqDue = now + peer.intervalMs
  }

  /** A flap-damping hold that has run out: the path follows its packets again. */
  endHold(peer: Peer, lan: number, now: number, out: Effect[]): void {
    const pl = peer.lans[lan]!
    if (!held(pl.flaps) || pl.flaps.heldUntil > now) return
    const before = this.before(pl, lan)
    pl.flaps = release(pl.flaps)
    this.report(peer, lan, before, now, out)
  }

  /** One 'link' event when the path's routing or observed state changed. */
  report(peer: Peer, lan: number, before: Before, now: number, out: Effect[]): void {
    const pl = peer.lans[lan]!
    // Every down the packets show counts as a flap, held or not (so flapping on extends a hold);
    // a drain is the operator's doing, not a flap.
    let v = this.verdict(pl, lan)
    const wentDown = packetState(v, pl.link.state) === LinkState.Down && before.packets !== LinkState.Down
    // Damping may hold the path now: decide again (rarely, so the common packet decides once).
    if (wentDown && !this.#d.lans.offline(lan) && this.#damp(peer, lan, now, out)) v = this.verdict(pl, lan)
    if (v.state === before.state && pl.link.state === before.observed) return
    if (v.state === LinkState.Down && before.state !== LinkState.Down) pl.downSince = now
    if (v.state === LinkState.Up && before.state !== LinkState.Up) pl.upSince = now
    const heard = (s: LinkState) => s !== LinkState.Down
    if (heard(pl.link.state) !== heard(before.observed)) this.#tellPeer(peer, lan, out)
    const addresses = peer.lans.map((x) => x.address)
    const path = pathView(pl, v)
    out.push({ kind: 'link', peer: peer.id, lan, from: before.state, to: v.state, path, addresses })
  }

  /** Count a down against the path; hold it down while it flaps (see flap-damping.ts). True: a new hold. */
  #damp(peer: Peer, lan: number, now: number, out: Effect[]): boolean {
    const d = this.#d.config().damping
    const pl = peer.lans[lan]!
    if (!d?.enabled) return false
    const was = pl.flaps.heldUntil
    pl.flaps = flap(pl.flaps, now, d)
    if (pl.flaps.heldUntil === was || pl.flaps.heldUntil <= now) return false
    this.#d.deadline(pl.flaps.heldUntil)
    const { heldUntil, penalty } = pl.flaps
    out.push({ kind: 'damped', peer: peer.id, lan, holdMs: heldUntil - now, penalty })
    return true
  }

  /**
   * We just stopped or started hearing the peer on `lan`: say so at once, in a notice over that
   * LAN, rather than in the next INQ or ACK up to an interval later. The peer's path follows what
   * we hear (one-way failures), so this takes up to an interval off failback, and off failover
   * when only our direction still works. Only to a confirmed peer, and saying only whether we hear
   * it: a notice to an invented peer's address, carrying the whole down list, once made a host
   * send 13 times the bytes it was sent to addresses an attacker chose.
   */
  #tellPeer(peer: Peer, lan: number, out: Effect[]): void {
    const pl = peer.lans[lan]!
    if (pl.address === 0 || !peer.confirmed || this.#d.lans.carrierLost(lan)) return
    const down = pl.link.state === LinkState.Down ? [peer.id] : []
    out.push(this.#d.lans.notice(this.#d.config(), lan, this.#d.rounds.nextSeq(), down, pl.address))
  }
}

/** A path's view from the engine's entry for it and the verdict of path-state.ts. */
export function pathView(pl: PeerLan, v: PathVerdict): PathView {
  return {
    address: pl.address,
    ...(pl.ipv6 ? { ipv6: pl.ipv6 } : {}),
    state: v.state,
    observed: pl.link.state,
    missed: pl.link.missed,
    good: pl.link.good,
    hearsUs: pl.hearsUs,
    peerOutOfService: pl.outOfService,
    lastHeard: pl.lastHeard,
    downSince: pl.downSince,
    upSince: pl.upSince,
    rttMs: pl.rttMs,
    why: v.why,
    reportedDown: pl.reportedDown,
    reportedAt: pl.reportedAt,
  }
}
