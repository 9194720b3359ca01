// The SERVICE TLV of wire format 2: a service address the sender holds now, and on which of its LANs.
//
// Value: u8 slot, u8 reserved 0, then the address entry as in a LAN TLV (u8 family 4|6, u8 prefix
// length, 4|16 bytes). One TLV per address, at most MAX_SERVICES, in every packet of a host that
// holds any (a responder sends only ACKs and notices): an INQ or notice without one says its
// sender holds none; an ACK without one says nothing (it may have been cut short). Peers route the
// address over the LAN that holds it (NetMon's case: a service address moved to a NIC on another LAN).
import { addressSize } from './address.js'
import { MAX_LANS, MAX_SERVICES, TlvType } from './constants.js'
import { readAddress, writeAddress } from './lan-tlv.js'
import type { PacketDecodeError, PacketService } from './packet.js'
import type { ByteWriter } from './tlv.js'

/** u8 slot and a reserved byte before the address entry. */
const SERVICE_FIXED = 2

/** The value length of a service address's TLV. */
export const serviceValueSize = (s: PacketService): number => SERVICE_FIXED + 2 + addressSize(s.address.family)

/** Write a service address's TLV; throws RangeError on one this program built wrong. */
export function writeService(w: ByteWriter, s: PacketService): void {
  if (s.slot < 0 || s.slot >= MAX_LANS) throw new RangeError(`service slot ${s.slot} beyond ${MAX_LANS - 1}`)
  w.tlv(TlvType.Service, serviceValueSize(s)).u8(s.slot).u8(0)
  writeAddress(w, s.address)
}

/**
 * Read a SERVICE TLV's value b[at, at + length) into `into`: a slot beyond 15 is ERR_BAD_LAN, a
 * reserved byte set, one address too many or an address said twice ERR_BAD_TLV, and the address
 * as in a LAN TLV.
 */
export function readService(
  b: Buffer,
  at: number,
  length: number,
  into: PacketService[],
): PacketDecodeError | undefined {
  if (length < SERVICE_FIXED) return 'ERR_BAD_LENGTH'
  const slot = b[at]!
  if (slot >= MAX_LANS) return 'ERR_BAD_LAN'
  if (b[at + 1] !== 0 || into.length === MAX_SERVICES) return 'ERR_BAD_TLV'
  const end = at + length
  const address = readAddress(b, at + SERVICE_FIXED, end)
  if (typeof address === 'string') return address
  if (at + SERVICE_FIXED + 2 + addressSize(address.family) !== end) return 'ERR_BAD_LENGTH'
  // One address held in two places at once is no answer to where it is.
  if (into.some((s) => s.address.address === address.address)) return 'ERR_BAD_TLV'
  into.push({ slot, address })
  return undefined
}
