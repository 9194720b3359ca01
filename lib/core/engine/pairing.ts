// Pairs a sender's LANs with this host's (by LAN name where both give one, else by subnet), both ways between a Packet and the engine's messages.
//
// The engine sees every packet in this host's LAN order, whatever order the sender keeps its LANs
// in and whichever wire version carried it: LANs are what they are, not their position, so two
// hosts that list their interfaces in different orders (or one with a third LAN) still pair A
// with A. A v1 packet pairs the same way: its addresses, by position, are placed by subnet.
import { BoundedCache } from '../util/bounded-cache.js'
import { parseIPv4, sameSubnet } from '../util/ipv4.js'
import { formatIPv6, type IPv6, isLinkLocal6, isRoutable6, parseIPv6, sameSubnet6 } from '../util/ipv6.js'
import type { HeldAddress, Message } from '../wire/message.js'
import type { LanAddress, Packet, PacketLan } from '../wire/packet.js'
import { packetOf, placed } from '../wire/v1-bridge.js'

/** One of this host's LANs, as pairing and the encoder need it. */
export interface OwnLan {
  readonly address: number
  readonly prefixLen: number
  /** Its global or ULA IPv6 address, carried in every packet beside the IPv4 one; absent: none. */
  readonly ipv6?: { readonly address: IPv6; readonly prefixLen: number }
  /**
   * On an IPv6-only LAN (address 0): its link-local address, where peers reach it there, carried
   * in every packet in place of an IPv4 address.
   */
  readonly linkLocal?: IPv6
  /** lanTag() of the LAN's configured name; 0: none (pair by subnet). */
  readonly nameTag: number
}

export type Paired =
  | { readonly ok: true; readonly msg: Message }
  | { readonly ok: false; readonly reason: 'unpaired-lan' }

/**
 * An IPv4 address's text as a u32 (0 if it is not one). Parsed each time: a scan of a dozen
 * characters costs less than the Map lookup that once cached it.
 */
const ipv4 = (text: string): number => parseIPv4(text) ?? 0

/** Bound of the IPv6 cache below. */
const MAX_PARSED = 8192

/** IPv6 texts already parsed (the same few per peer). BOUNDED: cleared at MAX_PARSED. */
const parsed6 = new BoundedCache<string, IPv6 | undefined>(MAX_PARSED)

/** An IPv6 address's text as 16 bytes (undefined if it is not one), parsed once. */
function ipv6(text: string): IPv6 | undefined {
  return parsed6.has(text) ? parsed6.get(text) : parsed6.set(text, parseIPv6(text))
}

/** The sender's first IPv6 address on `lan` of a kind `wanted` takes, if it gives one. */
function ipv6Of(lan: PacketLan, wanted: (a: IPv6) => boolean = isRoutable6): IPv6 | undefined {
  for (const a of lan.addresses) {
    if (a.family !== 6) continue
    const v6 = ipv6(a.address)
    if (v6 && wanted(v6)) return v6
  }
  return undefined
}

/** The sender's link-local address on `lan`, if it gives one (it does for a LAN of its without IPv4). */
const linkLocalOf = (lan: PacketLan): IPv6 | undefined => ipv6Of(lan, isLinkLocal6)

/** The sender's first IPv4 address on `lan`, or 0. */
function ipv4Of(lan: PacketLan): number {
  for (const a of lan.addresses) if (a.family === 4) return a.u32 ?? ipv4(a.address)
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

/**
 * Which of the sender's LANs is this host's `own`: the one with its name tag, else the one in its
 * subnet (its IPv6 subnet, on a LAN of ours without IPv4).
 */
function partner(lans: readonly PacketLan[], own: OwnLan): PacketLan | undefined {
  if (own.nameTag !== 0) {
    const named = lans.find((l) => l.nameTag === own.nameTag)
    if (named) return named
  }
  return lans.find((l) => (own.nameTag === 0 || l.nameTag === 0) && inSubnet(l, own))
}

function inSubnet(l: PacketLan, own: OwnLan): boolean {
  if (own.address !== 0) {
    const address = ipv4Of(l)
    return address !== 0 && sameSubnet(address, own.address, own.prefixLen)
  }
  const v6 = own.ipv6 && ipv6Of(l)
  return v6 !== undefined && sameSubnet6(v6, own.ipv6!.address, own.ipv6!.prefixLen)
}

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
  // Only for a sender with IPv6 addresses: none is allocated for an IPv4-only one.
  let addresses6: Array<IPv6 | undefined> | undefined
  // Only on a host with an IPv6-only LAN.
  let linkLocals: Array<IPv6 | undefined> | undefined
  let outOfService = 0
  let lan = -1
  own.forEach((o, i) => {
    const l = partner(p.lans, o)
    addresses.push(l ? ipv4Of(l) : 0)
    if (l) lanOf?.set(l.slot, i)
    const v6 = l && ipv6Of(l)
    if (v6) (addresses6 ??= Array.from({ length: own.length }))[i] = v6
    const ll = o.address === 0 && l ? linkLocalOf(l) : undefined
    if (ll) (linkLocals ??= Array.from({ length: own.length }))[i] = ll
    if (l?.outOfService && i < 8) outOfService |= 1 << i
    if (l?.slot === p.slot) lan = i
    downOn?.push(l && p.downOn!.find((d) => d.slot === l.slot)?.ids)
  })
  if (lan < 0) return { ok: false, reason: 'unpaired-lan' }
  const extra = {
    version: p.version,
    bytes,
    downOn,
    services: lanOf && servicesOf(p, lanOf),
    addresses6,
    linkLocals,
    overloadMs: p.overloadMs,
    downTotal: p.downTotal,
    // Only an INQ asks for answers; undefined: every receiver answers (ANSWER-ALL, or v1).
    answer: p.kind === 'inq' && !p.answerAll ? p.answer : undefined,
  }
  return { ok: true, msg: placed(p, lan, addresses, outOfService, extra) }
}

/** The packet for one of the engine's messages: this host's LANs as slots, each with its addresses. */
export function toPacket(msg: Message, own: readonly OwnLan[]): Packet {
  const p = packetOf(msg, (slot) => ({ prefix: own[slot]!.prefixLen, nameTag: own[slot]!.nameTag }), 2)
  if (!own.some((o) => o.ipv6 || o.linkLocal)) return p
  return { ...p, lans: p.lans.map((l) => withIPv6(l, own[l.slot])) }
}

/**
 * Each of this host's LANs' IPv6 address entries, as packets carry them: its global or ULA
 * address, and on an IPv6-only LAN its link-local one. Formatted once per LAN, not per packet sent
 * (tens of thousands a second at scale); a changed LAN is a new OwnLan object (Interfaces), so a
 * new entry. BOUNDED: weak, one per OwnLan alive.
 */
const entries6 = new WeakMap<OwnLan, readonly LanAddress[]>()

function ipv6Entries(o: OwnLan): readonly LanAddress[] {
  let e = entries6.get(o)
  if (!e) {
    const global = o.ipv6 ? [{ family: 6 as const, prefix: o.ipv6.prefixLen, address: formatIPv6(o.ipv6.address) }] : []
    const ll =
      o.address === 0 && o.linkLocal ? [{ family: 6 as const, prefix: 64, address: formatIPv6(o.linkLocal) }] : []
    e = [...global, ...ll]
    entries6.set(o, e)
  }
  return e
}

/**
 * A LAN of an outgoing packet with this host's IPv6 address there added after its IPv4 one; on an
 * IPv6-only LAN, its global or ULA address and its link-local one in place of the engine's handle.
 */
function withIPv6(lan: PacketLan, o: OwnLan | undefined): PacketLan {
  const v6 = o ? ipv6Entries(o) : []
  if (o?.address === 0 && o.linkLocal) return { ...lan, addresses: [...v6] }
  return v6.length ? { ...lan, addresses: [...lan.addresses, ...v6] } : lan
}
