// What the daemon tells its observers (metrics, systemd status) when something changes: never per packet.
import type { DampedEvent, LinkChange } from '../core/engine/effects.js'
import type { Route } from '../core/routes/route.js'

export interface DaemonObserver {
  /** One plan: the path changes of the turn, and the routes wanted before and after it. */
  planned?(links: readonly LinkChange[], before: readonly Route[], after: readonly Route[]): void
  /** One batch of routes handed to ip: how long it took (seconds), and whether ip took it. */
  applied?(seconds: number, ok: boolean): void
  /** Flap damping holds a path down. */
  damped?(e: DampedEvent): void
  /** An ACK came back in time on LAN `lan` after `ms`: per ACK, so it must cost next to nothing. */
  rtt?(lan: number, ms: number): void
}

/** One observer that tells each of `observers`, in order. */
export function fanOut(observers: readonly DaemonObserver[]): DaemonObserver {
  return {
    planned: (links, before, after) => {
      for (const o of observers) o.planned?.(links, before, after)
    },
    applied: (seconds, ok) => {
      for (const o of observers) o.applied?.(seconds, ok)
    },
    damped: (e) => {
      for (const o of observers) o.damped?.(e)
    },
    rtt: (lan, ms) => {
      for (const o of observers) o.rtt?.(lan, ms)
    },
  }
}
