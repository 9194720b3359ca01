// UDP over IPv6 on every LAN through node:dgram: INQs to a link-local multicast group, unicast ACKs, datagrams in tagged with their LAN.
//
// Per LAN with a link-local address, two sockets, both tied to the LAN's interface by the scope
// of the address they are bound to (Node has no SO_BINDTODEVICE; binding a link-local address
// `addr%iface` sets the socket's bound device, which the kernel then applies to what it receives
// and what it sends):
// - `fe80::x%iface`: sends INQs to the group and ACKs to peers, from this host's link-local
//   address on that LAN, and receives the unicast ACKs sent to it.
// - `ff02::114%iface`: receives the group's datagrams that arrive on that interface, and only
//   those, after joining the group there.
// The LAN of a datagram is the LAN of the socket it arrived on, never guessed from the source:
// every LAN's link-local addresses share fe80::/64.
//
// Why not one socket per LAN bound to `::` (as a multicast listener usually is): Linux hands a
// multicast datagram to every socket on the port bound to `::` that did not join the group
// itself (IPV6_MULTICAST_ALL, on by default, which Node cannot turn off), and to one that did
// whatever interface it joined on: the group is matched by address only. Seen in a lab on Linux
// 6.18 with Node 20: a `::` socket that joined on eth0 received the INQ that came in on eth1.
// A socket bound to `ff02::114%iface` gets only datagrams addressed to the group that came in on
// its interface. Joining is still needed: without a membership on the interface the kernel drops
// the group's datagrams before any socket sees them, and an MLD-snooping switch forwards them
// only to ports that reported one.
//
// Forms tried by hand in namespaces on Linux 6.18 / Node 20.20 (spec/lab/transport6.spec.ts shows
// the chosen ones at work, and fails with loopback on or the group sockets bound to `::`):
// bind('ff02::114') or bind('fe80::x') without a scope fails (EINVAL: the kernel needs a scope for
// link-local addresses); a numeric scope ('ff02::114%3') fails too (EINVAL: libuv reads the scope
// as an interface name only); addMembership(group, 'eth1') fails (EINVAL: libuv wants an address
// with a scope), addMembership(group) with no interface raises no error but lets the kernel pick the
// interface (nothing arrived on eth1); addMembership(group, '::%eth1') and (group, 'fe80::x%eth1') work;
// setMulticastInterface('eth1') fails (EINVAL), ('::%eth1') works. Binding a link-local address
// still tentative (duplicate address detection under way) fails with EADDRNOTAVAIL:
// core/lan-ipv6.ts never picks one.
import type dgram from 'node:dgram'
import { isIPv6Only, type Lan } from '../core/lans.js'
import { formatIPv6, type IPv6, parseIPv6 } from '../core/util/ipv6.js'
import type { ErrorHandler } from './transport.js'
import { bindSocket, closeAll, growRecvBuffer, literalSocket, type SocketFactory } from './udp-socket.js'

/**
 * The group INQs go to: the link-local scope of ff0X::114, which RFC 4727 (section 2, "IPv6
 * Multicast Address") sets aside for experiments. faild has no group of its own from IANA, and an
 * experimental one wakes no host that is not listening for it (ff02::1, all nodes, would make
 * every host on the LAN take each INQ up to UDP only to drop it). A site that already experiments
 * with ff02::114 on the same port will want another: to be made configurable with the rest of
 * IPv6 (issue #15).
 */
export const INQ_GROUP = 'ff02::114'

/**
 * `src` is the sender's address as the kernel gives it, without its zone. It is delivered as given,
 * link-local or not: a host may well send from a global or ULA address on the LAN, and which
 * sources to trust is the engine's decision (as it is for IPv4), not the socket's.
 */
export type Packet6Handler = (lan: number, src: IPv6, data: Buffer) => void

/**
 * Hop limit 1 on everything sent. Multicast: ff02:: never leaves the link anyway; 1 says so again
 * to anything that routes by hop limit alone. Unicast: an ACK goes to a link-local address, which
 * no router forwards either, and a probe that crossed a router would prove a path other than this
 * LAN's. 255 (as neighbour discovery sends, RFC 4861, so a receiver can tell the sender is on the
 * link) buys nothing here: nothing off the link can reach a link-local address, and Node cannot read
 * a received packet's hop limit to check it.
 */
const HOP_LIMIT = 1

export const udp6Socket: SocketFactory = () => literalSocket('udp6')

/** A LAN's two sockets: see the file comment. */
interface LanSockets {
  readonly unicast: dgram.Socket
  readonly group: dgram.Socket
}

export class Transport6 {
  readonly #lans: readonly Lan[]
  readonly #port: number
  readonly #factory: SocketFactory
  /** By LAN index; undefined for a LAN without a link-local address. */
  #sockets: Array<LanSockets | undefined> = []
  /** Set by start(), before any socket exists to call them. */
  #onPacket!: Packet6Handler
  #onError!: ErrorHandler
  /** The smallest receive buffer the kernel granted, in bytes. */
  #granted = Infinity

  /** `lans` is read live: rebind() takes a LAN's new link-local address and interface name from it. */
  constructor(lans: readonly Lan[], port: number, factory: SocketFactory = udp6Socket) {
    this.#lans = lans
    this.#port = port
    this.#factory = factory
  }

  /** Bind every LAN's sockets; resolves to the smallest receive buffer the kernel granted, in bytes. */
  async start(onPacket: Packet6Handler, onError: ErrorHandler): Promise<number> {
    this.#onPacket = onPacket
    this.#onError = onError
    try {
      for (const lan of this.#lans) this.#sockets.push(await this.#openLan(lan.index))
    } catch (err) {
      await this.stop()
      throw err
    }
    return this.#granted
  }

  /** The LAN's link-local address or interface changed (or it has one now): its sockets are bound again. */
  async rebind(lan: number): Promise<void> {
    const old = this.#sockets[lan]
    this.#sockets[lan] = undefined
    if (old) await closeAll([old.unicast, old.group])
    this.#sockets[lan] = await this.#openLan(lan)
  }

  async #openLan(index: number): Promise<LanSockets | undefined> {
    const lan = this.#lans[index]!
    // A LAN with IPv4 is probed over IPv4 (host/transport.ts), its IPv6 addresses carried in its packets.
    if (!isIPv6Only(lan)) return undefined
    const scope = `%${lan.iface}`
    const unicast = await this.#open(index, `${formatIPv6(lan.linkLocal!)}${scope}`)
    try {
      // The bound device already decides where the group's datagrams go; IPV6_MULTICAST_IF says it
      // too, so that does not rest on that one kernel rule.
      unicast.setMulticastInterface(`::${scope}`)
      unicast.setMulticastLoopback(false) // a host must not hear its own INQs on its group socket
      unicast.setMulticastTTL(HOP_LIMIT)
      unicast.setTTL(HOP_LIMIT)
      const group = await this.#open(index, `${INQ_GROUP}${scope}`)
      try {
        group.addMembership(INQ_GROUP, `::${scope}`)
      } catch (err) {
        await closeAll([group])
        throw new Error(`cannot join ${INQ_GROUP} on ${lan.iface}: ${(err as Error).message}`)
      }
      return { unicast, group }
    } catch (err) {
      await closeAll([unicast])
      throw err
    }
  }

  /** A socket bound to `address` (with its scope) on the port, its datagrams and errors tagged with LAN `lan`. */
  async #open(lan: number, address: string): Promise<dgram.Socket> {
    const s = this.#factory()
    s.on('message', (data, rinfo) => this.#onPacket(lan, sourceOf(rinfo.address), data))
    try {
      await bindSocket(s, address, this.#port)
    } catch (err) {
      await closeAll([s])
      throw err // reported once, by start() or rebind(), not to the error handler as well
    }
    s.on('error', (err) => this.#onError(lan, err))
    this.#granted = Math.min(this.#granted, growRecvBuffer(s))
    return s
  }

  /**
   * Fire and forget, as Transport.send (a failed send is what the probes exist to detect; its
   * error reaches the error handler). Out of the LAN's interface because the socket is bound to
   * it: with no scope in the destination the kernel takes the socket's bound device as the
   * outgoing interface (udpv6_sendmsg), for the group and for a link-local peer alike. No
   * `%iface` scope on purpose: libuv turns a scope into an index with if_nametoindex on every
   * send, a socket(), an ioctl() and a close() (strace: 120,000 of each for 120,000 scoped sends),
   * which made a send cost 13-32 us against 7-17 us unscoped (Linux 6.18, Node 20.20, 2 loaded
   * cores, 6 runs of 20,000 sends each). The lab spec shows unscoped sends leaving by the right
   * interface.
   */
  send(lan: number, to: IPv6 | 'multicast', data: Buffer): void {
    const sock = this.#sockets[lan]?.unicast
    if (!sock) return
    sock.send(data, this.#port, to === 'multicast' ? INQ_GROUP : formatIPv6(to))
  }

  async stop(): Promise<void> {
    const all = this.#sockets.flatMap((s) => (s ? [s.unicast, s.group] : []))
    this.#sockets = []
    await closeAll(all)
  }
}

/** The source address of a datagram: Node gives a link-local one with its zone ("fe80::1%eth1"), which is not part of the address. */
function sourceOf(text: string): IPv6 {
  const zone = text.indexOf('%')
  // :: for a source that is not IPv6 text, which the kernel never gives a udp6 socket
  return parseIPv6(zone < 0 ? text : text.slice(0, zone)) ?? new Uint8Array(16)
}
