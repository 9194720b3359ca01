// UDP on every LAN through node:dgram: broadcast INQs out, datagrams in, tagged with their LAN.
//
// Per LAN, one socket bound to this host's address sends (so the source is always our address
// on that LAN) and receives unicast ACKs; a second, bound to the LAN's broadcast address,
// receives the broadcast INQs, which a socket bound to a unicast address never sees on Linux.
import dgram from 'node:dgram'
import type { Lan } from '../core/lans.js'
import { formatIPv4, parseIPv4 } from '../core/util/ipv4.js'

export type PacketHandler = (lan: number, src: number, data: Buffer) => void
export type ErrorHandler = (lan: number, err: Error) => void

export type SocketFactory = () => dgram.Socket

/**
 * Every responder answers a broadcast INQ at once, so ACKs arrive in a burst of one per peer and
 * LAN: 1000 peers need ~1 MiB of socket buffer. The kernel caps this at net.core.rmem_max.
 */
export const RECV_BUFFER_BYTES = 4 << 20

export class Transport {
  readonly #lans: readonly Lan[]
  readonly #port: number
  readonly #factory: SocketFactory
  /** By LAN index: [unicast, broadcast]. */
  #sockets: Array<[dgram.Socket, dgram.Socket]> = []

  constructor(lans: readonly Lan[], port: number, factory: SocketFactory = () => dgram.createSocket('udp4')) {
    this.#lans = lans
    this.#port = port
    this.#factory = factory
  }

  /** Bind every socket; resolves to the smallest receive buffer the kernel granted, in bytes. */
  async start(onPacket: PacketHandler, onError: ErrorHandler): Promise<number> {
    let granted = Infinity
    try {
      for (const lan of this.#lans) {
        const pair: [dgram.Socket, dgram.Socket] = [this.#factory(), this.#factory()]
        this.#sockets.push(pair)
        for (const s of pair) {
          s.on('message', (data, rinfo) => onPacket(lan.index, parseIPv4(rinfo.address) ?? 0, data))
          s.on('error', (err) => onError(lan.index, err))
        }
        await bind(pair[0], formatIPv4(lan.address), this.#port)
        pair[0].setBroadcast(true)
        await bind(pair[1], formatIPv4(lan.broadcast), this.#port)
        for (const sock of pair) granted = Math.min(granted, growRecvBuffer(sock))
      }
    } catch (err) {
      await this.stop()
      throw err
    }
    return granted
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
    sock.send(data, this.#port, this.#text(to === 'broadcast' ? l.broadcast : to))
  }

  /** Dotted quads of recent destinations. BOUNDED: cleared at 4096 entries. */
  readonly #texts = new Map<number, string>()

  #text(address: number): string {
    let t = this.#texts.get(address)
    if (t === undefined) {
      if (this.#texts.size >= 4096) this.#texts.clear()
      t = formatIPv4(address)
      this.#texts.set(address, t)
    }
    return t
  }

  async stop(): Promise<void> {
    const all = this.#sockets.flat()
    this.#sockets = []
    await Promise.all(
      all.map(
        (s) =>
          new Promise<void>((resolve) => {
            try {
              s.close(() => resolve())
            } catch {
              resolve() // never bound, or already closed
            }
          }),
      ),
    )
  }
}

/** Ask for RECV_BUFFER_BYTES; returns what the kernel granted (it reports double the usable size). */
function growRecvBuffer(s: dgram.Socket): number {
  try {
    s.setRecvBufferSize(RECV_BUFFER_BYTES)
  } catch {
    // capped or refused: what we have is reported below
  }
  return s.getRecvBufferSize() / 2
}

function bind(s: dgram.Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => reject(new Error(`cannot bind UDP ${address}:${port}: ${err.message}`))
    s.once('error', fail)
    s.bind({ address, port, exclusive: true }, () => {
      s.off('error', fail)
      resolve()
    })
  })
}
