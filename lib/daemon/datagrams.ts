// Datagrams in and out on every LAN: IPv4 LANs through Transport, IPv6-only ones through Transport6, the engine's handles turned into link-local addresses.
import { isIPv6Only, type Lan } from '../core/lans.js'
import type { LinkHandles } from '../core/link-handles.js'
import type { IPv6 } from '../core/util/ipv6.js'
import { type ErrorHandler, type PacketHandler, type StrayHandler, Transport } from '../host/transport.js'
import { type Packet6Handler, Transport6 } from '../host/transport6.js'
import type { SocketFactory } from '../host/udp-socket.js'

export interface DatagramHandlers {
  /** A datagram on an IPv4 LAN, from its source address. */
  readonly packet: PacketHandler
  /** A datagram on an IPv6-only LAN, from its link-local source. */
  readonly packet6: Packet6Handler
  readonly error: ErrorHandler
  readonly stray: StrayHandler
}

export class Datagrams {
  readonly #lans: readonly Lan[]
  readonly #handles: LinkHandles
  readonly #transport: Transport
  readonly #transport6: Transport6
  /** By LAN, kept current by rebind(): read for every datagram sent. */
  readonly #ipv6Only: boolean[]

  /** `lans` is read live, as both transports read it. */
  constructor(
    lans: readonly Lan[],
    port: number,
    handles: LinkHandles,
    factories: { readonly udp4?: SocketFactory | undefined; readonly udp6?: SocketFactory | undefined } = {},
  ) {
    this.#lans = lans
    this.#handles = handles
    this.#transport = new Transport(lans, port, factories.udp4)
    this.#transport6 = new Transport6(lans, port, factories.udp6)
    this.#ipv6Only = lans.map(isIPv6Only)
  }

  /**
   * Bind both transports (Transport6 binds nothing unless a LAN is IPv6-only; one that becomes so
   * later is bound by rebind); resolves to the smallest receive buffer the kernel granted, in bytes.
   */
  async start(h: DatagramHandlers): Promise<number> {
    const buffer = await this.#transport.start(h.packet, h.error, h.stray)
    try {
      return Math.min(buffer, await this.#transport6.start(h.packet6, h.error))
    } catch (err) {
      await this.#transport.stop()
      throw err
    }
  }

  /** Fire and forget; on an IPv6-only LAN the engine's broadcast is the group and its addresses are handles. */
  send(lan: number, to: number | 'broadcast', data: Buffer): void {
    if (!this.#ipv6Only[lan]) return this.#transport.send(lan, to, data)
    const dst: IPv6 | 'multicast' | undefined = to === 'broadcast' ? 'multicast' : this.#handles.address(to)
    if (dst) this.#transport6.send(lan, dst, data)
  }

  /** LAN `lan`'s addresses changed (or it has some now, or it turned IPv6-only): its sockets are bound again. */
  async rebind(lan: number): Promise<void> {
    this.#ipv6Only[lan] = isIPv6Only(this.#lans[lan]!)
    await this.#transport.rebind(lan)
    await this.#transport6.rebind(lan)
  }

  async stop(): Promise<void> {
    await this.#transport6.stop()
    await this.#transport.stop()
  }
}
