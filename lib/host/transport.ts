// UDP on every LAN through node:dgram: broadcast INQs out, datagrams in, tagged with their LAN.
//
// Per LAN, one socket bound to this host's address sends (so the source is always our address
// on that LAN) and receives unicast ACKs. INQs go to 255.255.255.255, not to the subnet's
// broadcast address: an interface configured without one (`ip addr add A/24 dev X`, no `brd +`)
// neither sends to nor accepts the subnet's broadcast address (the kernel takes it for a unicast
// neighbour), while every host accepts a limited broadcast. From a socket bound to the LAN's
// address the kernel sends it out of the interface that holds that address. One socket bound to
// 255.255.255.255 hears them on every LAN (a socket bound to a unicast address never sees a
// broadcast on Linux), and the source's subnet tells which LAN a packet came in on. A socket on
// the subnet's broadcast address, where there is one, still hears faild 0.1.0, which sends there.
// The kernel loops every broadcast we send back to that socket (IP_MULTICAST_LOOP does not apply to
// broadcast): a third of what an idle pair of hosts reads. Those copies are known by their bytes and
// dropped here, before anything decodes them.
import type dgram from 'node:dgram'
import { type Lan, lanOf } from '../core/lans.js'
import { BoundedCache } from '../core/util/bounded-cache.js'
import { formatIPv4, parseIPv4 } from '../core/util/ipv4.js'
import { bindSocket, closeAll, growRecvBuffer, literalSocket, type SocketFactory } from './udp-socket.js'

export type { SocketFactory }

export type PacketHandler = (lan: number, src: number, data: Buffer) => void
export type ErrorHandler = (lan: number, err: Error) => void
/** A limited broadcast from an address in none of this host's subnets: on no LAN of ours. */
export type StrayHandler = (src: number, data: Buffer) => void

/** 255.255.255.255. */
const LIMITED = 0xffffffff

/** Broadcasts kept per LAN to know their echoes by (an INQ, and a notice or two sent in the same turn). */
const ECHOES = 4

export class Transport {
  readonly #lans: readonly Lan[]
  readonly #port: number
  readonly #factory: SocketFactory
  /** By LAN index: the unicast socket, and the broadcast one where the interface has a broadcast address. */
  #sockets: dgram.Socket[][] = []
  /** Bound to 255.255.255.255: limited broadcasts from every LAN. */
  #limited: dgram.Socket | undefined
  #onPacket: PacketHandler = () => {}
  #onError: ErrorHandler = () => {}
  /** The smallest receive buffer the kernel granted, in bytes. */
  #granted = Infinity
  /** By LAN index: the last ECHOES broadcasts sent, newest last. */
  #sent: Buffer[][] = []

  /** `lans` is read live: rebind() takes a LAN's new address from it. */
  constructor(lans: readonly Lan[], port: number, factory: SocketFactory = () => literalSocket('udp4')) {
    this.#lans = lans
    this.#port = port
    this.#factory = factory
  }

  /** Bind every socket; resolves to the smallest receive buffer the kernel granted, in bytes. */
  async start(onPacket: PacketHandler, onError: ErrorHandler, onStray: StrayHandler = () => {}): Promise<number> {
    this.#onPacket = onPacket
    this.#onError = onError
    try {
      for (const lan of this.#lans) this.#sockets.push(await this.#openLan(lan.index))
      this.#limited = await this.#open(
        LIMITED,
        (src, data) => {
          const lan = lanOf(this.#lans, src)
          if (!lan) onStray(src, data)
          else if (!(src === lan.address && this.#echo(lan.index, data))) onPacket(lan.index, src, data)
        },
        (err) => onError(0, err),
      )
    } catch (err) {
      await this.stop()
      throw err
    }
    return this.#granted
  }

  /** The LAN's address changed (or it has one now): its sockets are bound again, to the new one. */
  async rebind(lan: number): Promise<void> {
    const old = this.#sockets[lan] ?? []
    this.#sockets[lan] = []
    await closeAll(old)
    this.#sockets[lan] = await this.#openLan(lan)
  }

  /** The LAN's unicast socket, and one on its broadcast address if it has one; none while it has no address. */
  async #openLan(index: number): Promise<dgram.Socket[]> {
    const lan = this.#lans[index]!
    if (lan.address === 0) return []
    const onMessage = (src: number, data: Buffer) => this.#onPacket(index, src, data)
    const onFail = (err: Error) => this.#onError(index, err)
    const mine = [await this.#open(lan.address, onMessage, onFail)]
    mine[0]!.setBroadcast(true)
    // Two NICs on one subnet share its broadcast address: the socket another LAN holds hears both
    // (any other: a LAN readdressed into another's subnet must not bind it twice, EADDRINUSE).
    const shared = this.#lans.some(
      (l) => l.index !== index && l.broadcast === lan.broadcast && (this.#sockets[l.index]?.length ?? 0) > 1,
    )
    try {
      if (lan.broadcast !== 0 && !shared) mine.push(await this.#open(lan.broadcast, onMessage, onFail))
    } catch (err) {
      await closeAll(mine)
      throw err
    }
    return mine
  }

  async #open(address: number, onMessage: (src: number, data: Buffer) => void, onFail: (err: Error) => void) {
    const s = this.#factory()
    s.on('message', (data, rinfo) => onMessage(parseIPv4(rinfo.address) ?? 0, data))
    s.on('error', onFail)
    try {
      await bindSocket(s, formatIPv4(address), this.#port)
    } catch (err) {
      await closeAll([s])
      throw err
    }
    this.#granted = Math.min(this.#granted, growRecvBuffer(s))
    return s
  }

  /**
   * Fire and forget: a send that fails (a dead link) is what the probes exist to detect; its error
   * reaches the socket's error handler. No callback: Node then sends synchronously
   * (uv_udp_try_send), the cheapest path, which matters at tens of thousands of ACKs a second.
   */
  send(lan: number, to: number | 'broadcast', data: Buffer): void {
    const sock = this.#sockets[lan]?.[0]
    const l = this.#lans[lan]
    if (!sock || !l) return
    if (to === 'broadcast') this.#remember(lan, data)
    sock.send(data, this.#port, this.#text(to === 'broadcast' ? LIMITED : to))
  }

  #remember(lan: number, data: Buffer): void {
    const sent = (this.#sent[lan] ??= [])
    if (sent.length >= ECHOES) sent.shift()
    sent.push(data)
  }

  /** Our own broadcast back from the kernel (an older one than ECHOES goes on, and the engine drops it). */
  #echo(lan: number, data: Buffer): boolean {
    return this.#sent[lan]?.some((b) => b.equals(data)) === true
  }

  /** Dotted quads of recent destinations. BOUNDED: cleared at 4096 entries. */
  readonly #texts = new BoundedCache<number, string>(4096)

  #text(address: number): string {
    return this.#texts.get(address) ?? this.#texts.set(address, formatIPv4(address))
  }

  async stop(): Promise<void> {
    const all = [...this.#sockets.flat(), ...(this.#limited ? [this.#limited] : [])]
    this.#sockets = []
    this.#limited = undefined
    await closeAll(all)
  }
}
