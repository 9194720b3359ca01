// Route-flap damping for paths, in the spirit of BGP's (RFC 2439): every down adds a penalty of 1
// that halves every half-life; at `flaps` the path is held down until the penalty has decayed to
// half that, so each flap while held makes the hold longer, up to maxHold.

export interface Damping {
  readonly enabled: boolean
  /** Penalty (downs, decaying) at which a path is held down. */
  readonly flaps: number
  readonly halfLifeMs: number
  readonly maxHoldMs: number
}

export interface FlapState {
  /** Decaying count of downs, as of `at`. */
  readonly penalty: number
  readonly at: number
  /** While held: when the hold ends (monotonic ms); -Infinity when not held. */
  readonly heldUntil: number
}

export const NO_FLAPS: FlapState = { penalty: 0, at: 0, heldUntil: -Infinity }

export function decayed(s: FlapState, now: number, d: Damping): number {
  return s.penalty * 0.5 ** (Math.max(0, now - s.at) / d.halfLifeMs)
}

/**
 * One more down at `now`. Returns the new state; `heldUntil` is in the future when the path is
 * to be held down. The penalty is capped where its decay to the release level takes maxHold.
 */
export function flap(s: FlapState, now: number, d: Damping): FlapState {
  if (!d.enabled) return s
  const release = d.flaps / 2
  const cap = release * 2 ** (d.maxHoldMs / d.halfLifeMs)
  const penalty = Math.min(decayed(s, now, d) + 1, cap)
  const heldUntil =
    penalty >= d.flaps ? now + Math.min(d.maxHoldMs, d.halfLifeMs * Math.log2(penalty / release)) : s.heldUntil
  return { penalty, at: now, heldUntil }
}

export const isHeld = (s: FlapState, now: number): boolean => now < s.heldUntil

/** The hold is over: the engine saw it end (expire), so the path follows its packets again. */
export const release = (s: FlapState): FlapState => ({ ...s, heldUntil: -Infinity })

/** Held down until the engine releases it; not a clock check, so the state changes only with an event. */
export const held = (s: FlapState): boolean => s.heldUntil !== -Infinity
