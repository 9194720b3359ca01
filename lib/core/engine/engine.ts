// The pure failover engine: turns ticks, packets and deadlines into sends and link changes.
//
// It reads no clock and does no I/O: every call takes `now` (monotonic ms) and returns effects
// for the daemon to carry out, like dhcpleased's engine.c composing imsgs for the parent.
import { flap, type Damping } from '../path/flap-damping.js'
import { MAX_DOWN_IDS } from '../wire/constants.js'
import { FORGET_INTERVALS, FORGET_MIN_MS, INQ_GRACE_FRACTION, INQ_GRACE_MIN_MS } from './timing.js'
import { LinkEvent, LinkState, linkStep, type Link, type Thresholds } from '../path/link-fsm.js'
import { effectiveState, newPeer, PeerTable, type Peer, type PeerLan } from './peer-table.js'
import { ackTimeoutMs, NO_RTT, rttSample, type Rtt } from '../path/rtt.js'
import type { PlanPeer } from '../routes/plan.js'
import type { Message } from '../wire/codec.js'

export interface EngineConfig extends Thresholds {
  readonly nodeId: number
  readonly boot: number
  /** This host's address on each LAN, in LAN order (index 0 is LAN A). */
  readonly addresses: readonly number[]
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
   * Packets are authenticated (a key is set): a packet from an earlier run of a known peer (an
   * older boot id) is a replay, not a restart. Without a key anyone can forge packets anyway, and a
   * peer whose clock went back at reboot must not be shut out.
   */
  readonly strictBoot?: boolean
  /** Flap damping; undefined: none. */
  readonly damping?: Damping
  /** Peers tracked at most (a flood of invented ones must not eat the memory); undefined: no bound. */
  readonly maxPeers?: number
}

/** What a reloaded config may change while the daemon runs. */
export type Tunables = Pick<EngineConfig, 'failAfter' | 'upAfter' | 'intervalMs' | 'unicast' | 'ignore' | 'damping' | 'maxPeers'>

export type DropReason =
  | 'id-clash'
  | 'wrong-lan'
  | 'spoofed-source'
  | 'not-for-us'
  | 'unsolicited-ack'
  | 'late-ack'
  | 'duplicate-ack'
  | 'duplicate-inq'
  | 'replayed'
  | 'wrong-cluster'
  | 'ignored'
  | 'peer-table-full'

export type Effect =
  | { readonly kind: 'send'; readonly lan: number; readonly to: number | 'broadcast'; readonly msg: Message }
  | {
      readonly kind: 'link'
      readonly peer: number
      readonly lan: number
      /** Effective states, before and after (see effectiveState). */
      readonly from: LinkState
      readonly to: LinkState
      readonly link: Link
      readonly hearsUs: boolean
      readonly carrierLost: boolean
    }
  | { readonly kind: 'peer'; readonly peer: number; readonly event: 'discovered' | 'restarted' | 'forgotten' }
  | { readonly kind: 'drop'; readonly lan: number; readonly reason: DropReason; readonly from: number }
  /** Flap damping holds a path down: it went down `penalty` times lately (decaying). */
  | { readonly kind: 'damped'; readonly peer: number; readonly lan: number; readonly holdMs: number; readonly penalty: number }

interface Snapshot {
  readonly state: LinkState
  readonly local: LinkState
  /** The state as the packets tell it, before offline and flap damping. */
  readonly raw: LinkState
}

interface Pending {
  readonly seq: number
  readonly sentAt: number
  readonly due: number
}

export class Engine {
  #cfg: EngineConfig
  #ignore: ReadonlySet<number>
  readonly #peers = new PeerTable()
  #seq = 0
  /**
   * A lower bound on the next deadline, kept in O(1) as deadlines are set, so the daemon can
   * re-arm its timer per packet without scanning every peer (nextDeadline() is exact, O(peers)).
   */
  #soonest = Infinity
  /** By LAN index: the INQ whose ACKs are awaited, the last INQ sent, and the RTT measured there. */
  readonly #pending: Array<Pending | undefined>
  readonly #sent: Array<Pending | undefined>
  readonly #rtt: Rtt[]
  /** By LAN index: this host's interface there has lost carrier. */
  readonly #noCarrier: boolean[]
  /** By LAN index: taken out of service by the operator (faildctl offline). */
  readonly #offline: boolean[]
  /** LANs 0-7 out of service (no carrier or offline), as every outgoing packet carries it. */
  #outMask = 0

  constructor(cfg: EngineConfig) {
    this.#cfg = cfg
    this.#ignore = new Set(cfg.ignore)
    this.#pending = cfg.addresses.map(() => undefined)
    this.#sent = cfg.addresses.map(() => undefined)
    this.#rtt = cfg.addresses.map(() => NO_RTT)
    this.#noCarrier = cfg.addresses.map(() => false)
    this.#offline = cfg.addresses.map(() => false)
    this.#seq = cfg.firstSeq ?? 0
  }

  get config(): EngineConfig {
    return this.#cfg
  }

  /** Take new thresholds, interval and peer lists; the links keep their state and counters. */
  configure(t: Tunables): void {
    this.#cfg = { ...this.#cfg, ...t }
    this.#ignore = new Set(t.ignore)
  }

  /** Per LAN: carrier lost, taken offline, and the smoothed round-trip time (ms; undefined before a sample). */
  lanStatus(lan: number): { noCarrier: boolean; offline: boolean; srttMs: number | undefined } {
    const rtt = this.#rtt[lan]
    return { noCarrier: this.#noCarrier[lan] ?? false, offline: this.#offline[lan] ?? false, srttMs: rtt?.srtt }
  }

  /** The state routes follow: down on a LAN this host has taken offline, whatever the packets say. */
  state(pl: PeerLan, lan: number): LinkState {
    return this.#offline[lan] || pl.held ? LinkState.Down : effectiveState(pl)
  }

  /** The state of the path to whichever peer has `address` on LAN `lan` (a gateway); unknown if none. */
  pathState(lan: number, address: number): LinkState {
    const pl = this.#peers.holderOf(lan, address, -1)?.lans[lan]
    return pl ? this.state(pl, lan) : LinkState.Unknown
  }

  #snapshot(pl: PeerLan, lan: number): Snapshot {
    return { state: this.state(pl, lan), local: pl.link.state, raw: effectiveState(pl) }
  }

  get peers(): Iterable<Peer> {
    return this.#peers
  }

  peer(id: number): Peer | undefined {
    return this.#peers.get(id)
  }

  /** What the route planner needs of every peer. */
  planPeers(): PlanPeer[] {
    return [...this.#peers].map((p) => ({
      // A requestor probes at its own interval; a responder is probed at the requestor's.
      intervalMs: this.#cfg.requestor ? this.#cfg.intervalMs : p.intervalMs,
      lans: p.lans.map((pl, lan) => ({ address: pl.address, state: this.state(pl, lan), lastHeard: pl.lastHeard, downSince: pl.downSince, upSince: pl.upSince })),
    }))
  }

  /** Requestor: broadcast an INQ on every LAN and start waiting for ACKs. */
  tick(now: number): Effect[] {
    if (!this.#cfg.requestor) return []
    const out = this.expire(now) // judge a late-firing deadline before it is overwritten
    this.#seq = (this.#seq + 1) >>> 0
    this.#cfg.addresses.forEach((_, lan) => {
      const due = now + ackTimeoutMs(this.#rtt[lan]!, this.#cfg.intervalMs)
      this.#pending[lan] = this.#sent[lan] = { seq: this.#seq, sentAt: now, due }
      this.#soonest = Math.min(this.#soonest, due)
      const msg = this.#message('inq', lan, this.#seq, this.#downList(lan))
      out.push({ kind: 'send', lan, to: 'broadcast', msg })
      for (const to of this.#cfg.unicast?.[lan] ?? []) out.push({ kind: 'send', lan, to, msg })
    })
    return out
  }

  /** A decoded packet that arrived on LAN `lan` from source address `src`. */
  receive(now: number, lan: number, src: number, msg: Message): Effect[] {
    const cfg = this.#cfg
    const drop = (reason: DropReason): Effect[] => [{ kind: 'drop', lan, reason, from: msg.from }]
    if (msg.cluster !== (cfg.cluster ?? 0)) return drop('wrong-cluster')
    if (msg.from === cfg.nodeId) return src === cfg.addresses[lan] ? [] : drop('id-clash') // our own broadcast, looped back
    if (this.#ignore.size > 0 && (this.#ignore.has(msg.from) || this.#ignore.has(src))) return drop('ignored')
    if (msg.lan !== lan || lan >= cfg.addresses.length) return drop('wrong-lan')
    if (msg.addresses[lan] !== src) return drop('spoofed-source')
    if (msg.kind === 'ack') {
      if (msg.to !== cfg.nodeId) return drop('not-for-us')
      const p = this.#pending[lan]
      if (!cfg.requestor) return drop('unsolicited-ack')
      if (!p || p.seq !== msg.seq) {
        // Too late to count, but it measures the delay (our own load included) the timeout must cover.
        const sent = this.#sent[lan]
        if (sent?.seq === msg.seq) this.#rtt[lan] = rttSample(this.#rtt[lan]!, now - sent.sentAt)
        return drop('late-ack')
      }
      if (this.#peers.get(msg.from)?.lans[lan]?.ackedSeq === msg.seq) return drop('duplicate-ack')
    } else if (msg.intervalMs > 0) {
      const seen = this.#seen(msg, lan)
      if (seen === 'same') return drop('duplicate-inq') // sent both broadcast and unicast (a static peer)
      if (seen === 'older') return drop('replayed')
    }
    const known = this.#peers.get(msg.from)
    if (!known && this.#peers.size >= (cfg.maxPeers ?? Infinity)) return drop('peer-table-full')
    if (cfg.strictBoot && known && msg.boot !== known.boot && !newer(msg.boot, known.boot)) return drop('replayed')
    const out: Effect[] = []
    const peer = this.#learn(now, msg, out)
    const before = peer.lans.map((p, i) => this.#snapshot(p, i))
    const pl = peer.lans[lan]!
    pl.hearsUs = !msg.down.includes(cfg.nodeId)
    pl.lastHeard = now
    peer.lans.forEach((p, i) => (p.carrierLost = i < 8 && (msg.outOfService & (1 << i)) !== 0))
    if (msg.kind === 'inq' && msg.intervalMs === 0) {
      // A carrier notice from a host whose cable was pulled: it wants no answer.
    } else if (msg.kind === 'inq') {
      pl.inqSeq = msg.seq
      out.push({ kind: 'send', lan, to: src, msg: this.#message('ack', lan, msg.seq, pl.link.state === LinkState.Down ? [msg.from] : [], msg.from) })
      if (!cfg.requestor) {
        pl.link = linkStep(pl.link, LinkEvent.Good, cfg)
        this.#expectInqs(peer, now, lan)
      }
    } else {
      pl.ackedSeq = msg.seq
      pl.rttMs = now - this.#pending[lan]!.sentAt
      this.#rtt[lan] = rttSample(this.#rtt[lan]!, pl.rttMs)
      pl.link = linkStep(pl.link, LinkEvent.Good, cfg)
    }
    peer.lans.forEach((_, i) => this.#report(peer, i, before[i]!, now, out))
    return out
  }

  /**
   * This host's interface on `lan` lost or regained carrier. Lost: every path on it is down at
   * once, without waiting for misses, and a notice goes out on the other LANs so peers reroute
   * within milliseconds. Back: paths still need `upAfter` good packets; peers are told too.
   */
  carrier(now: number, lan: number, up: boolean): Effect[] {
    if (lan >= this.#noCarrier.length || this.#noCarrier[lan] === !up) return []
    this.#noCarrier[lan] = !up
    const out: Effect[] = []
    if (!up) for (const peer of this.#peers) this.#step(peer, lan, LinkEvent.NoCarrier, now, out)
    return this.#notice(lan, out)
  }

  /**
   * The operator takes LAN `lan` out of service (faildctl offline) or puts it back. Offline, every
   * path on it is down for routing while the probes go on, so `online` restores at once the paths
   * that stayed healthy; peers are told at once, like a pulled cable, and route around it too.
   */
  setOffline(now: number, lan: number, offline: boolean): Effect[] {
    if (lan >= this.#offline.length || this.#offline[lan] === offline) return []
    const before = [...this.#peers].map((p) => this.#snapshot(p.lans[lan]!, lan))
    this.#offline[lan] = offline
    const out: Effect[] = []
    ;[...this.#peers].forEach((p, i) => this.#report(p, lan, before[i]!, now, out))
    return this.#notice(lan, out)
  }

  /** Update the out-of-service mask and tell peers at once, on every LAN that still has carrier. */
  #notice(lan: number, out: Effect[]): Effect[] {
    const bit = 1 << lan
    if (lan < 8) this.#outMask = this.#noCarrier[lan] || this.#offline[lan] ? this.#outMask | bit : this.#outMask & ~bit
    this.#seq = (this.#seq + 1) >>> 0
    this.#noCarrier.forEach((lost, i) => {
      if (!lost) out.push({ kind: 'send', lan: i, to: 'broadcast', msg: { ...this.#message('inq', i, this.#seq, this.#downList(i)), intervalMs: 0 } })
    })
    return out
  }

  /** Judge every deadline that has passed: overdue ACKs and INQs count as missed; silent peers are forgotten. */
  expire(now: number): Effect[] {
    const out: Effect[] = []
    this.#pending.forEach((p, lan) => {
      if (!p || p.due > now) return
      this.#pending[lan] = undefined
      for (const peer of this.#peers) {
        const pl = peer.lans[lan]!
        if (pl.address !== 0 && peer.since < p.sentAt && pl.ackedSeq !== p.seq) this.#step(peer, lan, LinkEvent.Miss, now, out)
      }
    })
    for (const peer of this.#peers) {
      peer.lans.forEach((pl, lan) => {
        if (pl.held && pl.flaps.heldUntil <= now) {
          const before = this.#snapshot(pl, lan)
          pl.held = false
          this.#report(peer, lan, before, now, out)
        }
        // One miss per overdue interval, but no more than it takes to go down (a paused daemon).
        for (let n = 0; pl.inqDue <= now && n <= this.#cfg.failAfter; n++) {
          pl.inqDue += peer.intervalMs
          this.#step(peer, lan, LinkEvent.Miss, now, out)
        }
        if (pl.inqDue <= now) pl.inqDue = now + peer.intervalMs
      })
      if (now - peer.lastHeard >= this.#forgetMs(peer)) {
        this.#peers.delete(peer.id)
        out.push({ kind: 'peer', peer: peer.id, event: 'forgotten' })
      }
    }
    return out
  }

  /** The earliest time at which expire() has something to judge: exact, O(peers). */
  nextDeadline(): number {
    let next = Infinity
    for (const p of this.#pending) if (p) next = Math.min(next, p.due)
    for (const peer of this.#peers) {
      next = Math.min(next, peer.lastHeard + this.#forgetMs(peer))
      for (const pl of peer.lans) next = Math.min(next, pl.inqDue, pl.held ? pl.flaps.heldUntil : Infinity)
    }
    this.#soonest = next
    return next
  }

  /** No deadline is earlier than this (O(1)); deadlines set since the last nextDeadline() included. */
  soonestDeadline(): number {
    return this.#soonest
  }

  #forgetMs(peer: Peer): number {
    return Math.max(FORGET_MIN_MS, FORGET_INTERVALS * Math.max(peer.intervalMs, this.#cfg.intervalMs))
  }

  /** Peers this host does not hear on `lan`, as far as one packet can tell. */
  #downList(lan: number): number[] {
    const down: number[] = []
    for (const p of this.#peers) if (p.lans[lan]!.link.state === LinkState.Down && down.length < MAX_DOWN_IDS) down.push(p.id)
    return down
  }

  #message(kind: 'inq' | 'ack', lan: number, seq: number, down: number[], to = 0): Message {
    const cfg = this.#cfg
    const common = {
      outOfService: this.#outMask,
      from: cfg.nodeId,
      boot: cfg.boot,
      lan,
      seq,
      intervalMs: cfg.requestor ? cfg.intervalMs : 0,
      addresses: cfg.addresses,
      down,
      cluster: cfg.cluster ?? 0,
    }
    return kind === 'inq' ? { kind, ...common } : { kind, to, ...common }
  }

  /** An INQ of the sender's current run: the one last heard on this LAN, an older one, or new. */
  #seen(msg: Message, lan: number): 'same' | 'older' | 'new' {
    const peer = this.#peers.get(msg.from)
    const last = peer?.lans[lan]?.inqSeq
    if (!peer || peer.boot !== msg.boot || last === undefined || last < 0) return 'new'
    return msg.seq === last ? 'same' : newer(msg.seq, last) ? 'new' : 'older'
  }

  /** Find or create the sender's entry and refresh what it advertises. */
  #learn(now: number, msg: Message, out: Effect[]): Peer {
    let peer = this.#peers.get(msg.from)
    if (!peer) {
      peer = newPeer(msg.from, now, this.#cfg.addresses.length)
      this.#peers.add(peer)
      // A LAN whose cable is out now needs no misses to be known dead for a new peer either.
      this.#noCarrier.forEach((lost, lan) => lost && this.#step(peer!, lan, LinkEvent.NoCarrier, now, out))
      this.#soonest = Math.min(this.#soonest, now + this.#forgetMs(peer))
      out.push({ kind: 'peer', peer: peer.id, event: 'discovered' })
    } else if (peer.boot !== msg.boot) {
      out.push({ kind: 'peer', peer: peer.id, event: 'restarted' })
      // A new run counts its sequence numbers from a new random start, on every LAN.
      for (const pl of peer.lans) pl.inqSeq = -1
    }
    peer.boot = msg.boot
    peer.lastHeard = now
    if (msg.kind === 'inq' && msg.intervalMs > 0) peer.intervalMs = msg.intervalMs // not from a notice
    peer.lans.forEach((pl, lan) => {
      const address = msg.addresses[lan] ?? 0
      if (address === pl.address) return // the common case: nothing to check, no table scan
      pl.address = address
      const stale = address !== 0 ? this.#peers.holderOf(lan, address, peer.id) : undefined
      if (stale) {
        // The same host under a new node id: the old entry would fight over the same routes.
        this.#peers.delete(stale.id)
        out.push({ kind: 'peer', peer: stale.id, event: 'forgotten' })
      }
    })
    return peer
  }

  /** Responder: after an INQ on `lan`, expect the next one there, and start expecting on LANs never heard. */
  #expectInqs(peer: Peer, now: number, lan: number): void {
    const grace = Math.max(INQ_GRACE_MIN_MS, INQ_GRACE_FRACTION * peer.intervalMs)
    peer.lans.forEach((pl, i) => {
      if (pl.address !== 0 && (i === lan || pl.inqDue === Infinity)) pl.inqDue = now + peer.intervalMs + grace
      this.#soonest = Math.min(this.#soonest, pl.inqDue)
    })
  }

  /** Step one path's FSM with a timing or carrier event, and report what changed. */
  #step(peer: Peer, lan: number, event: LinkEvent.Miss | LinkEvent.NoCarrier, now: number, out: Effect[]): void {
    const pl = peer.lans[lan]!
    const before = this.#snapshot(pl, lan)
    pl.link = linkStep(pl.link, event, this.#cfg)
    this.#report(peer, lan, before, now, out)
  }

  /** Count a down against the path; hold it down while it flaps (see flap-damping.ts). */
  #damp(peer: Peer, lan: number, now: number, out: Effect[]): void {
    const d = this.#cfg.damping
    const pl = peer.lans[lan]!
    if (!d?.enabled) return
    const was = pl.flaps.heldUntil
    pl.flaps = flap(pl.flaps, now, d)
    if (pl.flaps.heldUntil === was || pl.flaps.heldUntil <= now) return
    pl.held = true
    this.#soonest = Math.min(this.#soonest, pl.flaps.heldUntil)
    out.push({ kind: 'damped', peer: peer.id, lan, holdMs: pl.flaps.heldUntil - now, penalty: pl.flaps.penalty })
  }

  /** One 'link' effect when the path's effective or observed state changed. */
  #report(peer: Peer, lan: number, before: Snapshot, now: number, out: Effect[]): void {
    const pl: PeerLan = peer.lans[lan]!
    // Every down the packets show counts as a flap, held or not (so flapping on extends a hold);
    // a drain is the operator's doing, not a flap.
    if (effectiveState(pl) === LinkState.Down && before.raw !== LinkState.Down && !this.#offline[lan]) this.#damp(peer, lan, now, out)
    const to = this.state(pl, lan)
    if (to === before.state && pl.link.state === before.local) return
    if (to === LinkState.Down && before.state !== LinkState.Down) pl.downSince = now
    if (to === LinkState.Up && before.state !== LinkState.Up) pl.upSince = now
    if ((pl.link.state === LinkState.Down) !== (before.local === LinkState.Down)) this.#tellPeer(peer, lan, out)
    out.push({ kind: 'link', peer: peer.id, lan, from: before.state, to, link: pl.link, hearsUs: pl.hearsUs, carrierLost: pl.carrierLost })
  }

  /**
   * We just stopped or started hearing the peer on `lan`: say so at once, in a notice over that
   * LAN, rather than in the next INQ or ACK up to an interval later. The peer's path follows what
   * we hear (one-way failures), so this takes up to an interval off failback, and off failover
   * when only our direction still works.
   */
  #tellPeer(peer: Peer, lan: number, out: Effect[]): void {
    const to = peer.lans[lan]!.address
    if (to === 0 || this.#noCarrier[lan]) return
    this.#seq = (this.#seq + 1) >>> 0
    out.push({ kind: 'send', lan, to, msg: { ...this.#message('inq', lan, this.#seq, this.#downList(lan)), intervalMs: 0 } })
  }
}

/** Serial-number order (RFC 1982) on u32: a is after b, within half the space. */
export function newer(a: number, b: number): boolean {
  const d = (a - b) >>> 0
  return d !== 0 && d < 0x80000000
}
