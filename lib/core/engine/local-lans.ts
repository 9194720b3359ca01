// This host's own LANs: carrier, offline, the out-of-service mask, and the messages it sends.
import { LinkState } from '../path/link-fsm.js'
import type { HeldAddress, Message } from '../wire/message.js'
import type { SendCommand } from './effects.js'
import { idRoom } from './id-room.js'
import type { Peer } from './peer.js'
import { NO_SERVICES, sameHeld } from './services.js'
import { MAX_DOWN_ON_IDS } from './timing.js'
import type { OwnIPv6 } from './trust6.js'

/** Who this host is, as every message tells it. */
export interface Sender {
  readonly nodeId: number
  readonly boot: number
  readonly addresses: readonly number[]
  readonly ipv6?: ReadonlyArray<OwnIPv6 | undefined>
  readonly requestor: boolean
  readonly intervalMs: number
  readonly cluster?: number
}

export class LocalLans {
  /** By LAN index: this host's interface there has lost carrier. */
  readonly #carrierLost: boolean[]
  /** By LAN index: taken out of service by the operator (faildctl offline). */
  readonly #offline: boolean[]
  /** LANs 0-7 out of service (no carrier or offline), as every outgoing packet carries it. */
  #outMask = 0
  /** The service addresses this host holds, as every INQ, notice and ACK says (wire format 2's SERVICE). */
  #held = NO_SERVICES
  /** idRoom() of the Sender last asked about, with the addresses held then; undefined: to be counted again. */
  #room: { readonly me: Sender; readonly ids: number } | undefined

  constructor(lanCount: number) {
    this.#carrierLost = Array.from({ length: lanCount }, () => false)
    this.#offline = Array.from({ length: lanCount }, () => false)
  }

  get count(): number {
    return this.#carrierLost.length
  }

  carrierLost(lan: number): boolean {
    return this.#carrierLost[lan] ?? false
  }

  offline(lan: number): boolean {
    return this.#offline[lan] ?? false
  }

  /** Record carrier on `lan`; false if nothing changed (or no such LAN). */
  setCarrier(lan: number, up: boolean): boolean {
    if (lan >= this.count || this.#carrierLost[lan] === !up) return false
    this.#carrierLost[lan] = !up
    this.#updateMask(lan)
    return true
  }

  /** Record `lan` taken offline or put back; false if nothing changed (or no such LAN). */
  setOffline(lan: number, offline: boolean): boolean {
    if (lan >= this.count || this.#offline[lan] === offline) return false
    this.#offline[lan] = offline
    this.#updateMask(lan)
    return true
  }

  /** Record the service addresses this host holds now; false if nothing changed. */
  setHeld(held: readonly HeldAddress[]): boolean {
    if (sameHeld(this.#held, held)) return false
    this.#held = held
    this.#room = undefined
    return true
  }

  /** The node ids an INQ of `me` has room for now (id-room.ts): counted again when its addresses or services change. */
  idRoom(me: Sender): number {
    if (this.#room?.me !== me) this.#room = { me, ids: idRoom(me, this.#held.length) }
    return this.#room.ids
  }

  #updateMask(lan: number): void {
    const bit = 1 << lan
    if (lan >= 8) return // the wire mask has 8 bits
    const out = this.#carrierLost[lan] || this.#offline[lan]
    this.#outMask = out ? this.#outMask | bit : this.#outMask & ~bit
  }

  /** An INQ or an ACK (to `to`) from this host on `lan`, carrying the out-of-service mask. */
  message(me: Sender, kind: 'inq' | 'ack', lan: number, seq: number, down: number[], to = 0): Message {
    const common = {
      outOfService: this.#outMask,
      from: me.nodeId,
      boot: me.boot,
      lan,
      seq,
      intervalMs: me.requestor ? me.intervalMs : 0,
      addresses: me.addresses,
      down,
      cluster: me.cluster ?? 0,
      ...(this.#held.length > 0 ? { services: this.#held } : {}),
    }
    return kind === 'inq' ? { kind, ...common } : { kind, to, ...common }
  }

  /** A notice: an INQ with interval 0, never answered, that tells peers at once what changed. */
  notice(me: Sender, lan: number, seq: number, down: DownList, to: number | 'broadcast'): SendCommand {
    const inq = this.message(me, 'inq', lan, seq, down)
    return { kind: 'send', lan, to, msg: { ...inq, intervalMs: 0, ...downTotalOf(down) } }
  }

  /** A notice of what changed here (the out-of-service mask, the service addresses held), on every LAN that still has carrier. */
  notices(me: Sender, seq: number, peers: Iterable<Peer>): SendCommand[] {
    const out: SendCommand[] = []
    this.#carrierLost.forEach((lost, lan) => {
      if (lost || me.addresses[lan] === 0) return
      out.push(this.notice(me, lan, seq, downList(peers, lan, this.idRoom(me), seq), 'broadcast'))
    })
    return out
  }
}

/**
 * An ACK cut to no more words than the INQ it answers, or undefined if it cannot be (the INQ lists
 * fewer LANs than the one it came on): what an unconfirmed sender gets, so a forged INQ with a
 * spoofed source never makes this host send more bytes than it received to that address (#11).
 * The down list goes first, then the addresses of LANs beyond the sender's count.
 */
export function noLargerThan(ack: Message, inq: Message): Message | undefined {
  const words = inq.addresses.length + inq.down.length
  const addresses = ack.addresses.slice(0, Math.min(ack.addresses.length, words))
  if (ack.lan >= addresses.length) return undefined
  const down = ack.down.slice(0, words - addresses.length)
  const { services: _, ...rest } = ack // no service addresses either: they are more bytes
  return { ...rest, addresses, down, outOfService: ack.outOfService & ((1 << addresses.length) - 1) }
}

/**
 * The down lists of the other LANs for an INQ on `lan` (DOWN-ON), so that every host can show who
 * hears whom even on a LAN whose packets do not reach it. They share what room the INQ's own down
 * and answer lists leave (`room` ids in all, at most MAX_DOWN_ON_IDS a LAN): a longer list
 * is cut short; with no room at all none is sent, which says nothing rather than "hears all".
 */
export function downOnFor(
  down: readonly number[][],
  lan: number,
  answers: number,
  ids: number,
): number[][] | undefined {
  if (down.length < 2) return undefined
  const room = ids - down[lan]!.length - answers
  const share = Math.min(MAX_DOWN_ON_IDS, Math.floor(room / (down.length - 1)))
  if (share <= 0) return undefined
  return down.map((ids) => (ids.length > share ? ids.slice(0, share) : ids))
}

/**
 * Peers this host does not hear on `lan`, at most `room` of them. With more (half a large
 * cluster lost one LAN), packet `seq` names a window of them that moves on by `room` each packet,
 * so every such peer is told within a few intervals: an INQ that named them all did not fit a
 * datagram, was refused by the encoder, and was not sent at all.
 */
export function downList(peers: Iterable<Peer>, lan: number, room: number, seq = 0): DownList {
  const down: number[] = [] // BOUNDED: peers
  for (const p of peers) if (p.lans[lan]!.link.state === LinkState.Down) down.push(p.id)
  if (down.length <= room) return down
  const start = (seq * room) % down.length
  const window: DownList = Array.from({ length: room }, (_, i) => down[(start + i) % down.length]!)
  // Said (DOWN-TOTAL): a peer not in this window must not take it for "heard".
  window.total = down.length
  return window
}

/** A down list, and how many are down in all when it names only a window of them. */
export type DownList = number[] & { total?: number }

/** The DOWN-TOTAL of a message carrying `down`: only for a window. */
export const downTotalOf = (down: DownList): { downTotal?: number } =>
  down.total === undefined ? {} : { downTotal: down.total }
