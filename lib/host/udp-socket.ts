// What both transports do with a node:dgram socket: bind it alone to its port, grow its receive buffer, close it.
import dgram from 'node:dgram'

export type SocketFactory = () => dgram.Socket

/**
 * A socket whose destinations are taken as they are: faild only ever sends to literal addresses,
 * and node:dgram would otherwise pass each one through dns.lookup, which answers a literal a tick
 * later (a closure and a nextTick per datagram: 2.5% of faild's busy time at idle).
 */
export function literalSocket(type: 'udp4' | 'udp6'): dgram.Socket {
  const family = type === 'udp4' ? 4 : 6
  return dgram.createSocket({ type, lookup: (address, _options, done) => done(null, address, family) })
}

/**
 * Every responder answers a broadcast INQ at once, so ACKs arrive in a burst of one per peer and
 * LAN: 1000 peers need ~1 MiB of socket buffer. The kernel caps this at net.core.rmem_max.
 */
export const RECV_BUFFER_BYTES = 4 << 20

/**
 * Bind `s` to `address` (an IPv6 one may carry a scope, which picks the interface) and `port`,
 * exclusively: a cluster worker must not share the port. Rejects naming both.
 */
export function bindSocket(s: dgram.Socket, address: string, port: number): Promise<void> {
  const where = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => reject(new Error(`cannot bind UDP ${where}: ${err.message}`))
    s.once('error', fail)
    s.bind({ address, port, exclusive: true }, () => {
      s.off('error', fail)
      resolve()
    })
  })
}

/** Ask for RECV_BUFFER_BYTES; returns what the kernel granted (it reports double the usable size). */
export function growRecvBuffer(s: dgram.Socket): number {
  try {
    s.setRecvBufferSize(RECV_BUFFER_BYTES)
  } catch {
    // capped or refused: what we have is reported below
  }
  return s.getRecvBufferSize() / 2
}

export function closeAll(sockets: readonly dgram.Socket[]): Promise<unknown> {
  return Promise.all(
    sockets.map(
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
