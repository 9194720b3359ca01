// Protocol numbers and operator defaults shared by the codec, the engine and the command line.

/** Wire format: see README "Wire format". */
export const MAGIC = 0xfa1d
export const VERSION = 1
export const HEADER_SIZE = 28
export const MAX_LANS = 16
/** Keep every datagram under a 1500-byte Ethernet MTU with room for IP and UDP headers. */
export const MAX_PACKET_SIZE = 1400
export const MAX_DOWN_IDS = Math.floor((MAX_PACKET_SIZE - HEADER_SIZE - 4 * MAX_LANS) / 4)

/** Defaults a cautious operator accepts: detection in ~2.5 s, recovery slower than failure. */
export const DEFAULTS = {
  interval: 1, // -t seconds between INQs
  failAfter: 3, // -f missed packets before a route is invalidated
  upAfter: 5, // -s good packets before it is revalidated
  port: 4207, // -p UDP port
  table: 4207, // routing table that holds faild's routes
  rulePriority: 32000, // just ahead of the main table (32766), behind an operator's own rules
  routeProto: 250, // rtnetlink protocol number that tags faild's routes and rule
} as const

/** Bounds on operator input; outside them the value is refused at start-up. */
export const LIMITS = {
  minInterval: 0.01,
  maxInterval: 60,
  maxCount: 1000,
} as const

/** A peer silent on every LAN this long (in requestor intervals, at least FORGET_MIN_MS) is forgotten. */
export const FORGET_INTERVALS = 60
export const FORGET_MIN_MS = 30_000

/** ACK timeout = clamp(srtt + 4 * rttvar, ACK_TIMEOUT_MIN_MS, 0.8 x interval); see lib/rtt.ts. */
export const ACK_TIMEOUT_MIN_MS = 10
/** A responder judges an INQ missed once it is this late beyond the requestor's interval. */
export const INQ_GRACE_FRACTION = 0.2
export const INQ_GRACE_MIN_MS = 10
