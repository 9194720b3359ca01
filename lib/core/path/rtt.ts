// Round-trip estimator for one LAN, and the ACK timeout derived from it (RFC 6298 smoothing).

export interface Rtt {
  /** Smoothed round-trip time in ms; undefined before the first sample. */
  readonly srtt: number | undefined
  readonly rttvar: number
}

/** The ACK timeout never goes below this: it absorbs event-loop jitter. */
export const ACK_TIMEOUT_MIN_MS = 10

export const NO_RTT: Rtt = { srtt: undefined, rttvar: 0 }

/** RFC 6298 section 2: alpha = 1/8, beta = 1/4. */
export function rttSample(rtt: Rtt, sampleMs: number): Rtt {
  if (rtt.srtt === undefined) return { srtt: sampleMs, rttvar: sampleMs / 2 }
  const rttvar = 0.75 * rtt.rttvar + 0.25 * Math.abs(rtt.srtt - sampleMs)
  return { srtt: 0.875 * rtt.srtt + 0.125 * sampleMs, rttvar }
}

/**
 * How long after sending an INQ its ACK counts as missed. Short timeouts detect sooner (the limit
 * is about (f - 0.5) x t plus this), so it follows the measured RTT, but never below a floor that
 * absorbs event-loop jitter, and never past 0.8 of the interval, so each INQ is judged before the
 * next goes out. The headroom matters under load: a thousand peers answer one broadcast at once,
 * and the last ACKs of that burst are read tens of milliseconds after the first.
 */
export const ACK_TIMEOUT_CEILING = 0.8

export function ackTimeoutMs(rtt: Rtt, intervalMs: number): number {
  const ceiling = intervalMs * ACK_TIMEOUT_CEILING
  if (rtt.srtt === undefined) return intervalMs / 2
  return Math.min(ceiling, Math.max(ACK_TIMEOUT_MIN_MS, rtt.srtt + 4 * rtt.rttvar))
}
