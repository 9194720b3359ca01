// Carries out the engine's effects: sends packets, counts drops, and reports peer and damping events.
import type { BehindEvent, Effect, LinkChange, SendCommand, ServicesEvent } from '../core/engine/effects.js'
import { type OwnLan, toPacket } from '../core/engine/pairing.js'
import { isHandle } from '../core/link-handles.js'
import type { NotifyEvent } from '../core/report/change-log.js'
import { saysBehind } from '../core/report/status-format.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import { LogBudget } from '../core/util/log-budget.js'
import { encode } from '../core/wire/codec.js'
import type { Message, WireKey } from '../core/wire/message.js'
import { encodeV2 } from '../core/wire/v2.js'
import type { Logger } from '../host/log.js'
import type { Drops } from './drops.js'
import type { DaemonObserver } from './observer.js'
import type { WireVersions } from './wire-versions.js'

/** Peer events (discovered, forgotten, restarted) logged and notified, and damping lines logged, at most this many per 10 s. */
const PEER_EVENTS_PER_WINDOW = 50
const PEER_EVENT_WINDOW_MS = 10_000

export interface EffectRunnerDeps {
  readonly log: Logger
  readonly drops: Drops
  readonly send: (lan: number, to: number | 'broadcast', data: Buffer) => void
  readonly notify?: ((e: NotifyEvent) => void) | undefined
  readonly label: (lan: number) => string
  /** This host's LANs, as v2 packets describe them. */
  readonly own: readonly OwnLan[]
  readonly versions: WireVersions
  /**
   * Where a v1 copy of a broadcast goes on `lan`: the subnet's broadcast address where it has one
   * (faild 0.1.0 listens only there), else 255.255.255.255.
   */
  readonly v1Broadcast: (lan: number) => number | 'broadcast'
  /** The wire format to send (config wireVersion). */
  readonly wireVersion: () => 1 | 2
  /** Told of every path held down for flapping (metrics). */
  readonly observer?: DaemonObserver | undefined
}

/** What carrying out no effects gives: no path change. */
const NOTHING = Object.freeze({ links: Object.freeze([]) as readonly LinkChange[], changed: false })

/**
 * `msg` as v1 carries it: an IPv6-only LAN's handle (core/link-handles.ts, this host's stand-in
 * for an address there) never leaves this host, a 0 in its place as v2's toPacket writes none.
 */
function v1Of(msg: Message): Message {
  if (!msg.addresses.some(isHandle)) return msg
  return { ...msg, addresses: msg.addresses.map((a) => (isHandle(a) ? 0 : a)) }
}

export class EffectRunner {
  readonly #deps: EffectRunnerDeps
  readonly #peerEvents = new LogBudget(PEER_EVENTS_PER_WINDOW, PEER_EVENT_WINDOW_MS)
  readonly #dampedEvents = new LogBudget(PEER_EVENTS_PER_WINDOW, PEER_EVENT_WINDOW_MS)
  /** The first key signs what we send; none: unsigned. */
  key: WireKey | undefined

  constructor(deps: EffectRunnerDeps, key: WireKey | undefined) {
    this.#deps = deps
    this.key = key
  }

  /** Carry out `effects`; returns the path changes, and whether the routes may need planning again. */
  run(now: number, effects: readonly Effect[]): { links: readonly LinkChange[]; changed: boolean } {
    // A routine INQ's (nearly every packet at scale): nothing to carry out, and nothing made for it.
    if (effects.length === 0) return NOTHING
    const links: LinkChange[] = []
    let changed = false
    for (const fx of effects) {
      switch (fx.kind) {
        case 'send':
          this.#send(now, fx)
          break
        case 'link':
          links.push(fx)
          changed = true
          break
        case 'peer':
          changed = true
          this.#peer(now, fx.peer, fx.event)
          break
        case 'drop':
          this.#deps.drops.count(fx.reason, fx.lan, () => `from node ${formatIPv4(fx.from)}`)
          break
        case 'damped':
          this.#deps.observer?.damped?.(fx)
          this.#damped(now, fx)
          break
        case 'services':
          changed = true
          this.#services(now, fx)
          break
        case 'behind':
          this.#behind(now, fx)
          break
      }
    }
    return { links, changed }
  }

  /**
   * In v2, or in v1 where that is all faild sends or the INQ answered was v1; an INQ or notice goes
   * out in v1 too while a v1 host is heard on its LAN (see wire-versions.ts).
   */
  #send(now: number, fx: SendCommand): void {
    const { msg, lan, to } = fx
    const v1 = this.#deps.wireVersion() === 1 || msg.version === 1
    const data = this.#encode(lan, msg, v1)
    if (data === undefined || (fx.maxBytes !== undefined && data.length > fx.maxBytes)) return
    this.#deps.send(lan, to, data)
    if (v1 || msg.kind !== 'inq' || !this.#deps.versions.v1Heard(lan, now)) return
    const copy = this.#encode(lan, msg, true)
    if (copy) this.#deps.send(lan, to === 'broadcast' ? this.#deps.v1Broadcast(lan) : to, copy)
  }

  /** `msg` as a datagram, or undefined (counted): a message the format cannot carry is a bug, never the network's doing. */
  #encode(lan: number, msg: Message, v1: boolean): Buffer | undefined {
    try {
      return v1 ? encode(v1Of(msg), this.key) : encodeV2(toPacket(msg, this.#deps.own), this.key)
    } catch (err) {
      this.#deps.drops.count('unsendable', lan, () => (err as Error).message)
      return undefined
    }
  }

  /** Where a peer says its service addresses are now: within the peer events' budget (a key holder could flip them per packet). */
  #services(now: number, fx: ServicesEvent): void {
    if (!this.#peerBudget(now)) return
    const { log, label } = this.#deps
    const where = fx.services.map((s) => `${formatIPv4(s.address)}/${s.len} on LAN ${label(s.lan)}`)
    log.info(`peer ${formatIPv4(fx.peer)} holds ${where.length > 0 ? where.join(', ') : 'no service address'}`)
  }

  /** A peer says it is behind, or caught up: within the peer events' budget (an outsider can say it per packet). */
  #behind(now: number, fx: BehindEvent): void {
    if (!this.#peerBudget(now)) return
    const peer = formatIPv4(fx.peer)
    this.#deps.log.info(fx.ms > 0 ? saysBehind(peer, fx.ms) : `peer ${peer} caught up: its deadlines are as before`)
  }

  /** One more peer event within the budget an outsider cannot exhaust; said when some were left out. */
  #peerBudget(now: number): boolean {
    const budget = this.#peerEvents.take(now)
    if (budget.summary)
      this.#deps.log.warn(`${budget.summary} more peer events were not logged (a flood of invented peers?)`)
    return budget.ok
  }

  /** A path held down for flapping: forged notices can cause it per packet, so it has a budget of its own. */
  #damped(now: number, fx: Extract<Effect, { kind: 'damped' }>): void {
    const budget = this.#dampedEvents.take(now)
    const { log, label } = this.#deps
    if (budget.summary) log.warn(`${budget.summary} more paths held down for flapping were not logged in the last 10 s`)
    if (!budget.ok) return
    log.warn(
      `peer ${formatIPv4(fx.peer)} LAN ${label(fx.lan)}: flapping ` +
        `(${fx.penalty.toFixed(1)} downs lately), held down for ${(fx.holdMs / 1000).toFixed(1)}s`,
    )
  }

  /** A peer discovered, restarted or forgotten: logged and notified within the budget an outsider cannot exhaust. */
  #peer(now: number, peer: number, event: string): void {
    if (!this.#peerBudget(now)) return
    const { log, notify } = this.#deps
    log.info(`peer ${formatIPv4(peer)} ${event}`)
    notify?.({ event: 'peer', peer: formatIPv4(peer), action: event })
  }
}
