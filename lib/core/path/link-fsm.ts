// The per-peer, per-LAN liveness state machine: a transition table with one dispatcher.
//
// Hysteresis as in ripd's neighbor FSM and relayd's retry counters: `failAfter` consecutive
// misses take a link down, `upAfter` consecutive good packets bring it back; each counter is
// reset by the opposite event. A link never heard is Unknown: it takes no route action.
//
// A run of good packets alone would bring a lossy LAN back again and again (at 50% loss three in
// a row come every eight packets or so), so a down link is told apart by how it went down: one
// that had lost more than LOSSY_EXTRA packets besides its final run among its last
// RECOVERY_WINDOW is lossy, and a lossy link comes back only once at most RECOVERY_MISSES of its
// last RECOVERY_WINDOW packets were missed (10%: at 50% loss a window that clean comes once in
// about 5000, where one with 4 of 20 missed, 20%, came every few seconds at 20 packets a second). A clean outage (a dead port, a pulled
// cable, a crash) comes back after `upAfter` good packets, misses while coming back or not: 2% of
// loss on the way back must not hold a healed path down (an earlier rule that took one such miss
// for loss kept a healed LAN down for 20 packets, 20 s at -t 1).

export enum LinkState {
  Unknown = 'unknown',
  Up = 'up',
  Down = 'down',
}

export enum LinkEvent {
  /** A packet due from the peer arrived: an ACK to our INQ, or the peer's own INQ. */
  Good = 'good',
  /** A packet due from the peer is overdue: an ACK to our INQ, or the peer's next INQ. */
  Miss = 'miss',
  /** This host's interface on the LAN, or the peer's, lost carrier: down at once, as after failAfter misses. */
  NoCarrier = 'no-carrier',
}

export interface Thresholds {
  readonly failAfter: number
  readonly upAfter: number
}

export interface Link {
  readonly state: LinkState
  /** Consecutive misses, saturating at failAfter. */
  readonly missed: number
  /** Consecutive good packets, saturating at upAfter. */
  readonly good: number
  /** The last RECOVERY_WINDOW packets due, newest in bit 0 (set: missed), and how many it holds. */
  readonly recent: number
  readonly seen: number
  /** Down and lossy: it needs a clean window, not only `upAfter` good packets, to come back. */
  readonly lossy: boolean
}

export const RECOVERY_WINDOW = 20
/** A lossy link comes back with at most this many of its last RECOVERY_WINDOW packets missed (10%). */
export const RECOVERY_MISSES = 2
/** Misses besides the final run, among the last RECOVERY_WINDOW, that make a link lossy as it goes down. */
export const LOSSY_EXTRA = 3
const WINDOW_MASK = (1 << RECOVERY_WINDOW) - 1

export const NEW_LINK: Link = { state: LinkState.Unknown, missed: 0, good: 0, recent: 0, seen: 0, lossy: false }

interface Row {
  readonly from: LinkState
  readonly on: LinkEvent
  /** Which counter the event advances (the other one is reset). */
  readonly counts: 'good' | 'missed'
  /** The threshold that, once the counter reaches it, moves the link to `to`. */
  readonly limit: keyof Thresholds | 'now'
  readonly to: LinkState
  /** The counter jumps to its cap instead of counting one. */
  readonly saturate?: true
}

/** Every (state, event) cell. A first good packet is enough to leave Unknown: no route depends on it. */
const TABLE: readonly Row[] = [
  { from: LinkState.Unknown, on: LinkEvent.Good, counts: 'good', limit: 'now', to: LinkState.Up },
  { from: LinkState.Unknown, on: LinkEvent.Miss, counts: 'missed', limit: 'failAfter', to: LinkState.Down },
  { from: LinkState.Up, on: LinkEvent.Good, counts: 'good', limit: 'now', to: LinkState.Up },
  { from: LinkState.Up, on: LinkEvent.Miss, counts: 'missed', limit: 'failAfter', to: LinkState.Down },
  { from: LinkState.Down, on: LinkEvent.Good, counts: 'good', limit: 'upAfter', to: LinkState.Up },
  { from: LinkState.Down, on: LinkEvent.Miss, counts: 'missed', limit: 'now', to: LinkState.Down },
  {
    from: LinkState.Unknown,
    on: LinkEvent.NoCarrier,
    counts: 'missed',
    limit: 'now',
    to: LinkState.Down,
    saturate: true,
  },
  { from: LinkState.Up, on: LinkEvent.NoCarrier, counts: 'missed', limit: 'now', to: LinkState.Down, saturate: true },
  { from: LinkState.Down, on: LinkEvent.NoCarrier, counts: 'missed', limit: 'now', to: LinkState.Down, saturate: true },
]

/** Apply one event; returns the next link (a new object only when something changed). */
export function linkStep(link: Link, event: LinkEvent, th: Thresholds): Link {
  // A good packet on a healthy path changes nothing: the answer without the table and its objects,
  // since that is nearly every packet faild reads (tens of thousands a second at scale).
  if (event === LinkEvent.Good && steady(link, th)) return link
  const row = TABLE.find((r) => r.from === link.state && r.on === event)
  /* c8 ignore next */
  if (!row) throw new Error(`no transition for ${link.state} on ${event}`)
  const cap = row.counts === 'good' ? th.upAfter : th.failAfter
  const count = row.saturate ? cap : Math.min((row.counts === 'good' ? link.good : link.missed) + 1, cap)
  const window = record(link, event)
  const lossy = isLossy(link, event, window.recent, th)
  const reached =
    (row.limit === 'now' || count >= th[row.limit]) && (row.to !== LinkState.Up || !lossy || clean(window))
  const state = reached ? row.to : link.state
  const counters = row.counts === 'good' ? { good: count, missed: 0 } : { good: 0, missed: count }
  const next: Link = { state, ...counters, ...window, lossy: state === LinkState.Down && lossy }
  return same(next, link) ? link : next
}

/** Up with nothing missed in its window and its good count at the cap: a good packet leaves it as it is. */
export const steady = (link: Link, th: Thresholds): boolean =>
  link.state === LinkState.Up &&
  link.good === th.upAfter &&
  link.missed === 0 &&
  link.recent === 0 &&
  link.seen === RECOVERY_WINDOW &&
  !link.lossy

/** The window after `event`: a packet due goes in; carrier loss starts it again. */
function record(link: Link, event: LinkEvent): { recent: number; seen: number } {
  if (event === LinkEvent.NoCarrier) return { recent: 0, seen: 0 }
  const bit = event === LinkEvent.Miss ? 1 : 0
  return { recent: ((link.recent << 1) | bit) & WINDOW_MASK, seen: Math.min(link.seen + 1, RECOVERY_WINDOW) }
}

/** Whether the link, down after `event`, is lossy: decided as it goes down, kept until it is back. */
function isLossy(link: Link, event: LinkEvent, recent: number, th: Thresholds): boolean {
  if (event === LinkEvent.NoCarrier) return false // a pulled cable is a clean outage
  if (link.state !== LinkState.Down) return misses(recent) > th.failAfter + LOSSY_EXTRA
  return link.lossy
}

const clean = (w: { recent: number; seen: number }): boolean =>
  w.seen === RECOVERY_WINDOW && misses(w.recent) <= RECOVERY_MISSES

function misses(recent: number): number {
  let n = 0
  for (let bits = recent; bits !== 0; bits &= bits - 1) n++
  return n
}

const same = (a: Link, b: Link): boolean =>
  a.state === b.state &&
  a.missed === b.missed &&
  a.good === b.good &&
  a.recent === b.recent &&
  a.seen === b.seen &&
  a.lossy === b.lossy

/** "missed 3/3, good 0/5" for logs. */
export function describeLink(link: Link, th: Thresholds): string {
  const counts = `missed ${link.missed}/${th.failAfter}, good ${link.good}/${th.upAfter}`
  if (!link.lossy) return counts
  return `${counts}, lossy: ${misses(link.recent)} of the last ${link.seen} missed, back at ${RECOVERY_MISSES} of ${RECOVERY_WINDOW}`
}
