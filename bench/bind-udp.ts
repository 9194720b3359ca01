// A UDP socket of the bench's own simulators, bound to one address of theirs.
import dgram from 'node:dgram'
import { bindSocket } from '../lib/host/udp-socket.js'

/** An IPv4 socket bound to address:port, exclusively, as faild binds its own (bindSocket). */
export async function bindUdp(address: string, port: number): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4')
  await bindSocket(s, address, port)
  return s
}
