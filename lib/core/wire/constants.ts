// The wire format's numbers: magic, version, sizes (see README "Wire format").

export const MAGIC = 0xfa1d
export const VERSION = 1
export const HEADER_SIZE = 28
export const MAX_LANS = 16
/** Keep every datagram under a 1500-byte Ethernet MTU with room for IP and UDP headers. */
export const MAX_PACKET_SIZE = 1400
export const MAX_DOWN_IDS = Math.floor((MAX_PACKET_SIZE - HEADER_SIZE - 4 * MAX_LANS) / 4)
