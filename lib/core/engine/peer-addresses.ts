// The peers' addresses on each LAN, and who holds each one: taken from packets as trust.ts and trust6.ts allow, given up, looked up.
import { type IPv6, sameIPv6 } from '../util/ipv6.js'
import { mapKey } from '../util/map-key.js'
import type { Message } from '../wire/message.js'
import type { PeerEvent } from './effects.js'
import type { Peer } from './peer.js'
import { adopts } from './trust.js'
import { adopts6, type Trust6Config } from './trust6.js'

/** What the addresses need of the peer table that keeps them (peer-table.ts). */
export interface AddressDeps {
  /** The table's peers: an IPv6 address's holder is found among them. */
  peers(): Iterable<Peer>
  /** Forget a peer that still holds an address another took: a stale entry (a host under a new id). */
  forget(peer: Peer): PeerEvent
  /** An address (v4 or v6) was taken or given up: the table's epoch moves. */
  changed(): void
}

export class PeerAddresses {
  /** By LAN index: who has each address there, keyed by mapKey(address). BOUNDED: one entry per peer and LAN. */
  readonly #holders: Map<number, Peer>[]
  readonly #d: AddressDeps

  constructor(lanCount: number, deps: AddressDeps) {
    this.#holders = Array.from({ length: lanCount }, () => new Map())
    this.#d = deps
  }

  /** Whether `address` is some peer's address on some LAN. O(LANs). */
  isPeerAddress(address: number): boolean {
    return this.#holders.some((h) => h.has(mapKey(address)))
  }

  /** The peer whose address on LAN `lan` is `address`, if any. O(1). */
  holderOf(lan: number, address: number): Peer | undefined {
    return this.#holders[lan]?.get(mapKey(address))
  }

  /** The peer whose IPv6 address on LAN `lan` is `address`, if any. O(peers): asked only when an address would change. */
  #holder6(lan: number, address: IPv6): Peer | undefined {
    for (const p of this.#d.peers()) {
      const held = p.lans[lan]?.ipv6
      if (held && sameIPv6(held, address)) return p
    }
    return undefined
  }

  /** Take the addresses `msg` gives its sender `peer` on every LAN, as far as it may change them (trust.ts adopts, trust6.ts adopts6). */
  learn(peer: Peer, msg: Message, now: number, c: Trust6Config, out: PeerEvent[]): void {
    for (let lan = 0; lan < this.#holders.length; lan++) {
      const address = msg.addresses[lan] ?? 0
      if (adopts(peer, lan, address, now, c)) this.set(peer, lan, address, out)
      const v6 = msg.addresses6?.[lan]
      const pl = peer.lans[lan]!
      if (v6 && adopts6(peer, lan, v6, now, c, (l, a) => this.#holder6(l, a))) {
        // A holder that no longer keeps it (silent, unconfirmed) gives it up, as an IPv4 one does.
        const stale = this.#holder6(lan, v6)
        if (stale && stale !== peer) stale.lans[lan]!.ipv6 = undefined
        pl.ipv6 = v6
        this.#d.changed()
      } else if (!v6 && pl.ipv6 && msg.version === 2) {
        // A v2 packet gives every IPv6 address its sender has: this one is gone (trust6.ts).
        pl.ipv6 = undefined
        this.#d.changed()
      }
    }
  }

  /** Move the peer to `address` on `lan`; an entry still holding it there is stale (a host under a new id). */
  set(peer: Peer, lan: number, address: number, out: PeerEvent[]): void {
    this.#d.changed()
    const holders = this.#holders[lan]!
    const stale = address !== 0 ? holders.get(mapKey(address)) : undefined
    if (stale && stale !== peer) out.push(this.#d.forget(stale))
    const pl = peer.lans[lan]!
    if (holders.get(mapKey(pl.address)) === peer) holders.delete(mapKey(pl.address))
    pl.address = address
    if (address !== 0) holders.set(mapKey(address), peer)
  }

  /** `peer` is forgotten: the addresses it held are free. */
  drop(peer: Peer): void {
    peer.lans.forEach((pl, lan) => {
      const holders = this.#holders[lan]!
      if (holders.get(mapKey(pl.address)) === peer) holders.delete(mapKey(pl.address))
    })
  }
}
