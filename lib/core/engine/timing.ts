// How long the engine waits: INQ grace, and when a silent peer is forgotten.

/** A peer silent on every LAN this long (in requestor intervals, at least FORGET_MIN_MS) is forgotten. */
export const FORGET_INTERVALS = 60
export const FORGET_MIN_MS = 30_000

/** An INQ's down list for another LAN (DOWN-ON) names at most this many peers. */
export const MAX_DOWN_ON_IDS = 64
/** A responder judges an INQ missed once it is this late beyond the requestor's interval. */
export const INQ_GRACE_FRACTION = 0.2
export const INQ_GRACE_MIN_MS = 10
/** How long a responder waits for a requestor's next INQ: its interval and the grace. */
export const inqWaitMs = (intervalMs: number): number =>
  intervalMs + Math.max(INQ_GRACE_MIN_MS, INQ_GRACE_FRACTION * intervalMs)

/**
 * While faild is blind (overloaded: see Blindness) a path counts a miss only after this many
 * intervals without a packet from the peer there: it sees most packets still, so a path that
 * long silent is dead, not unlucky; a dead port is found in about this many intervals.
 */
export const OVERLOAD_SILENCE = 10

/**
 * A peer that began to say it does not hear us while faild was blind (its packets dropped at our
 * socket, our answers late) is believed only after this many packets in a row say so: its
 * deafness is likely our own doing, and a real one-way fault is still acted on, later.
 */
export const DEAF_EXCUSE_PACKETS = 2 * OVERLOAD_SILENCE

/**
 * The excuse at `-s upAfter`: after our stall a peer that took our path down needs upAfter good
 * packets from us (one or two an interval) to take it up again, and says it does not hear us in
 * each of its own meanwhile (one or two an interval): with -s past about 10, twenty ran out first.
 */
export const deafExcuse = (upAfter: number): number => Math.max(DEAF_EXCUSE_PACKETS, 2 * upAfter + 4)
/**
 * An INQ that went out this many intervals late (beyond its interval) was a stall that may have
 * made peers say they do not hear us; one less late was a hiccup. Peers wait only a grace (20%) for
 * it, so a hiccup costs a miss, but at -f 3 three in a row take our INQ and our ACKs to two of
 * theirs: about a whole interval of silence. Half of one leaves room for phase. With the grace
 * itself as the bound, any timer 21 ms late at -t 0.1 excused a real one-way fault for 20 packets
 * (2 s, and TCP, backing off, stalled 3 s): the likely cause of two lab failures on a busy machine.
 */
export const STALL_INTERVALS = 0.5
