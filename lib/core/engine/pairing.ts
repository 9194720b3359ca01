// Pairs a sender's LANs with this host's (by LAN name where both give one, else by subnet), both ways between a Packet and the engine's messages.
//
// The engine sees every packet in this host's LAN order, whatever order the sender keeps its LANs
// in and whichever wire version carried it: LANs are what they are, not their position, so two
// hosts that list their interfaces in different orders (or one with a third LAN) still pair A
// with A. A v1 packet pairs the same way: its addresses, by position, are placed by subnet.
import { parseIPv4, sameSubnet } from '../util/ipv4.js'
import type { HeldAddress, Message } from '../wire/codec.js'
import type { Packet, PacketLan } from '../wire/packet.js'
import { packetOf, placed } from '../wire/v1-bridge.js'

/** One of this host's LANs, as pairing and the encoder need it. */
export interface OwnLan {
  readonly address: number
  readonly prefixLen: number
  /** lanTag() of the LAN's configured name; 0: none (pair by subnet). */
  readonly nameTag: number
}

export type Paired =
  | { readonly ok: true; readonly msg: Message }
  | { readonly ok: false; readonly reason: 'unpaired-lan' }

/** Addresses already parsed: every packet of a peer names the same few. BOUNDED: cleared at MAX_PARSED. */
const parsed = new Map<string, number>()
const MAX_PARSED = 8192

/** An IPv4 address's text as a u32 (0 if it is not one), parsed once. */
function ipv4(text: string): number {
  let n = parsed.get(text)
  if (n === undefined) {
    if (parsed.size >= MAX_PARSED) parsed.clear()
    n = parseIPv4(text) ?? 0
    parsed.set(text, n)
  }
  return n
}

/** The sender's first IPv4 address on `lan`, or 0. */
function ipv4Of(lan: PacketLan): number {
  for (const a of lan.addresses) if (a.family === 4) return ipv4(a.address)
  return 0
}

/**
 * The sender's IPv4 service addresses, each on this host's LAN its LAN pairs with (by `lanOf`,
 * the sender's slot to this host's LAN index); one held on a LAN that pairs with none of ours is
 * left out (no route could reach it). IPv6 waits for IPv6 routes.
 */
function servicesOf(p: Packet, lanOf: ReadonlyMap<number, number>): HeldAddress[] {
  const out: HeldAddress[] = []
  for (const s of p.services ?? []) {
    const lan = lanOf.get(s.slot)
    const address = s.address.family === 4 ? ipv4(s.address.address) : 0
    if (lan !== undefined && address !== 0) out.push({ address, len: s.address.prefix, lan })
  }
  return out
}

/** Which of the sender's LANs is this host's `own`: the one with its name tag, else the one in its subnet. */
function partner(lans: readonly PacketLan[], own: OwnLan): PacketLan | undefined {
  if (own.nameTag !== 0) {
    const named = lans.find((l) => l.nameTag === own.nameTag)
    if (named) return named
  }
  return lans.find((l) => (own.nameTag === 0 || l.nameTag === 0) && inSubnet(ipv4Of(l), own))
}

const inSubnet = (address: number, own: OwnLan): boolean =>
  address !== 0 && sameSubnet(address, own.address, own.prefixLen)

/**
 * The engine's message for a decoded packet: the sender's addresses and out-of-service bits placed
 * at this host's LAN indices, `lan` the index its sending LAN pairs with (admit() drops it as
 * wrong-lan unless that is where it arrived). A packet whose sending LAN pairs with none of ours
 * is dropped here. `bytes`: the datagram's size (see Message.bytes).
 */
export function toLocal(p: Packet, own: readonly OwnLan[], bytes?: number): Paired {
  const addresses: number[] = []
  // Only for a packet that has them: no array per packet otherwise (tens of thousands a second).
  const downOn: Array<readonly number[] | undefined> | undefined = p.downOn ? [] : undefined
  // Only for a packet that says where its service addresses are (few do).
  const lanOf = p.services ? new Map<number, number>() : undefined
  let outOfService = 0
  let lan = -1
  own.forEach((o, i) => {
    const l = partner(p.lans, o)
    addresses.push(l ? ipv4Of(l) : 0)
    if (l) lanOf?.set(l.slot, i)
    if (l?.outOfService && i < 8) outOfService |= 1 << i
    if (l?.slot === p.slot) lan = i
    downOn?.push(l && p.downOn!.find((d) => d.slot === l.slot)?.ids)
  })
  if (lan < 0) return { ok: false, reason: 'unpaired-lan' }
  const extra = {
    version: p.version,
    ...(bytes === undefined ? {} : { bytes }),
    ...(downOn ? { downOn } : {}),
    ...(lanOf ? { services: servicesOf(p, lanOf) } : {}),
    // Only an INQ asks for answers; undefined: every receiver answers (ANSWER-ALL, or v1).
    ...(p.kind === 'inq' && !p.answerAll ? { answer: p.answer } : {}),
  }
  return { ok: true, msg: placed(p, lan, addresses, outOfService, extra) }
}

/** The packet for one of the engine's messages: this host's LANs as slots, each with its address. */
export function toPacket(msg: Message, own: readonly OwnLan[]): Packet {
  return packetOf(msg, (slot) => ({ prefix: own[slot]!.prefixLen, nameTag: own[slot]!.nameTag }), 2)
}
