// The wire format's numbers: magic, versions, sizes, types and flags (see README "Wire format").

export const MAGIC = 0xfa1d
/** Version 1: a fixed layout of IPv4 addresses (codec.ts). */
export const VERSION = 1
export const HEADER_SIZE = 28
export const MAX_LANS = 16
/** Keep every datagram under a 1500-byte Ethernet MTU with room for IP and UDP headers. */
export const MAX_PACKET_SIZE = 1400
export const MAX_DOWN_IDS = Math.floor((MAX_PACKET_SIZE - HEADER_SIZE - 4 * MAX_LANS) / 4)

/** Version 2: a 24-byte header, then TLVs, then the optional MAC trailer (v2.ts). */
export const VERSION_2 = 2
export const HEADER_SIZE_2 = 24

/** v2 packet types (header byte 3). */
export enum PacketType {
  Inq = 1,
  Ack = 2,
  Notice = 3,
}

/** v2 header flags (byte 23); any other bit set is ERR_BAD_FLAGS. */
export const FLAG_ANSWER_ALL = 0x01
export const FLAG_SIGNED = 0x02
export const KNOWN_FLAGS_2 = FLAG_ANSWER_ALL | FLAG_SIGNED

/** The trailer of a signed packet: u8 key id, then the 32-byte HMAC-SHA256. */
export const KEY_ID_SIZE = 1
export const MAC_SIZE_2 = 32
export const TRAILER_SIZE = KEY_ID_SIZE + MAC_SIZE_2

/** Every TLV opens with u8 type, u8 flags, u16 value length. */
export const TLV_HEADER_SIZE = 4
/** TLV flags: a receiver that does not know a critical TLV drops the packet; the other bits are 0. */
export const TLV_CRITICAL = 0x80

/** v2 TLV types. 0 is reserved (never sent, refused: zero padding is not a TLV). */
export enum TlvType {
  Lan = 1,
  Down = 2,
  Answer = 3,
  Cluster = 4,
  Heard = 5,
  Overload = 6,
  /** The sender's down list on another of its LANs (u8 slot, 3 reserved bytes, u32 ids): one per LAN. */
  DownOn = 7,
  /** A service address the sender holds, and the slot of the LAN it holds it on: one per address (service-tlv.ts). */
  Service = 8,
  /**
   * u16: how many peers the sender does not hear on this LAN in all, sent only when its DOWN list
   * names fewer (cut to fit the datagram): a receiver not named then learns nothing of whether the
   * sender hears it.
   */
  DownTotal = 9,
}

/** Service addresses one packet may carry. */
export const MAX_SERVICES = 16

/** LAN TLV: u8 slot, u8 state, u8 address count, u8 reserved, u32 name tag, then the addresses. */
export const LAN_FIXED_SIZE = 8
export const LAN_OUT_OF_SERVICE = 0x01
export const LAN_PREFERRED = 0x02
export const KNOWN_LAN_STATE = LAN_OUT_OF_SERVICE | LAN_PREFERRED
export const MAX_ADDRESSES_PER_LAN = 4
