// A UDP socket of the bench's own simulators, bound to one address of theirs.
import dgram from 'node:dgram'

/** An IPv4 socket bound to address:port (exclusive: no other process shares it). */
export function bindUdp(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4')
    s.once('error', reject)
    s.bind({ address, port, exclusive: true }, () => resolve(s))
  })
}
