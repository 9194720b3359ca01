// The per-peer, per-LAN liveness state machine: a transition table with one dispatcher.
//
// Hysteresis as in ripd's neighbor FSM and relayd's retry counters: `failAfter` consecutive
// misses take a link down, `upAfter` consecutive good packets bring it back; each counter is
// reset by the opposite event. A link never heard is Unknown: it takes no route action.

export enum LinkState {
  Unknown = 'unknown',
  Up = 'up',
  Down = 'down',
}

export enum LinkEvent {
  /** A genuine ACK to our INQ (requestor) or an expected INQ (responder) arrived. */
  Good = 'good',
  /** An ACK or an expected INQ is overdue. */
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
}

export const NEW_LINK: Link = { state: LinkState.Unknown, missed: 0, good: 0 }

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
  const row = TABLE.find((r) => r.from === link.state && r.on === event)
  /* c8 ignore next */
  if (!row) throw new Error(`no transition for ${link.state} on ${event}`)
  const cap = row.counts === 'good' ? th.upAfter : th.failAfter
  const count = row.saturate ? cap : Math.min((row.counts === 'good' ? link.good : link.missed) + 1, cap)
  const reached = row.limit === 'now' || count >= th[row.limit]
  const state = reached ? row.to : link.state
  const next: Link = row.counts === 'good' ? { state, good: count, missed: 0 } : { state, good: 0, missed: count }
  return next.state === link.state && next.good === link.good && next.missed === link.missed ? link : next
}

/** "missed 3/3, good 0/5" for logs. */
export function describeLink(link: Link, th: Thresholds): string {
  return `missed ${link.missed}/${th.failAfter}, good ${link.good}/${th.upAfter}`
}
