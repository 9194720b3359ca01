// How many node ids an INQ of this host can carry (its down list, answer list and other LANs' down lists together) and still fit a datagram.
//
// Everything else an INQ may carry is this host's own: its LANs and their addresses (an IPv4 one,
// a global IPv6 one, on an IPv6-only LAN a link-local one), the service addresses it holds now,
// a cluster tag, OVERLOAD and DOWN-TOTAL, the TLV headers and a MAC. What is left, in
// 4-byte ids, is the room; a host with two or three LANs has more than it ever needs
// (ID_ROOM_MAX), one with 16 dual-stack or IPv6-only LANs less.
import { isHandle } from '../link-handles.js'
import {
  HEADER_SIZE_2,
  LAN_FIXED_SIZE,
  MAX_PACKET_SIZE,
  MAX_SERVICES,
  TLV_HEADER_SIZE,
  TRAILER_SIZE,
} from '../wire/constants.js'
import type { EngineConfig } from './config.js'

/** At most this many ids, however much room there is: what an INQ named before IPv6 (see local-lans.ts downList). */
export const ID_ROOM_MAX = 152

/** An address entry: family, prefix length and the address. */
const ENTRY_4 = 2 + 4
const ENTRY_6 = 2 + 16
/** A SERVICE TLV of an IPv4 address (slot, a zero byte, the entry): what HeldAddress holds. */
const SERVICE = TLV_HEADER_SIZE + 2 + ENTRY_4
/** A DOWN-ON TLV's fixed part (slot, 3 zero bytes). */
const DOWN_ON_FIXED = 4

/** The bytes of this host's LAN TLVs: each LAN's IPv4 address, its IPv6 one, and on an IPv6-only LAN its link-local one. */
function lanBytes(cfg: Pick<EngineConfig, 'addresses' | 'ipv6'>): number {
  return cfg.addresses.reduce((sum, address, lan) => {
    const v4 = address !== 0 && !isHandle(address) ? ENTRY_4 : 0
    const v6 = cfg.ipv6?.[lan] ? ENTRY_6 : 0
    const linkLocal = isHandle(address) ? ENTRY_6 : 0
    return sum + TLV_HEADER_SIZE + LAN_FIXED_SIZE + v4 + v6 + linkLocal
  }, 0)
}

/** The ids an INQ of a host with this configuration and `services` service addresses can carry in all (see the file comment). */
export function idRoom(cfg: Pick<EngineConfig, 'addresses' | 'ipv6'>, services: number): number {
  const lans = cfg.addresses.length
  const fixed =
    HEADER_SIZE_2 +
    TRAILER_SIZE +
    2 * TLV_HEADER_SIZE + // cluster tag
    2 * TLV_HEADER_SIZE + // DOWN and ANSWER
    2 * (TLV_HEADER_SIZE + 2) + // OVERLOAD (while behind) and DOWN-TOTAL (a cut list): a u16 each
    Math.max(0, lans - 1) * (TLV_HEADER_SIZE + DOWN_ON_FIXED) +
    Math.min(services, MAX_SERVICES) * SERVICE
  const room = Math.floor((MAX_PACKET_SIZE - fixed - lanBytes(cfg)) / 4)
  return Math.max(0, Math.min(ID_ROOM_MAX, room))
}
