// faild's side of systemd's Type=notify: READY=1 once it serves, STATUS= on change, WATCHDOG=1 pings.
//
// The pings come from a timer on the event loop, so a wedged loop stops them and systemd restarts faild.
import type { Clock, Timer } from '../host/clock.js'
import type { SendNotify } from '../host/sd-notify.js'
import type { DaemonObserver } from './observer.js'

/** At most one STATUS= line per this many ms: a flapping cluster must not run systemd-notify per change. */
export const STATUS_MIN_MS = 2000

export interface SystemdDeps {
  readonly clock: Clock
  readonly send: SendNotify
  /** $WATCHDOG_USEC; undefined: no watchdog. */
  readonly watchdogUsec: number | undefined
  /** The STATUS= text now ("4/4 paths up, 0 routes moved"). */
  readonly status: () => string
}

export class Systemd {
  readonly #deps: SystemdDeps
  #ready = false
  #stopped = false
  /** The STATUS text systemd has, or is being sent. */
  #shown: string | undefined
  /** When the last STATUS was sent (monotonic ms). */
  #shownAt = -Infinity
  #statusTimer: Timer | undefined
  #pingTimer: Timer | undefined
  /** A ping is on its way: the next waits for it (a second one in flight would say nothing more). */
  #pinging = false
  /** Pings sent (for specs and the log). */
  pings = 0
  /** Told of every plan: the STATUS line may have changed. */
  readonly observer: DaemonObserver = { planned: () => this.changed() }

  constructor(deps: SystemdDeps) {
    this.#deps = deps
  }

  /** The ping period: half the watchdog interval, as sd_watchdog_enabled(3) advises; undefined: off. */
  get pingMs(): number | undefined {
    const u = this.#deps.watchdogUsec
    return u === undefined ? undefined : u / 2000
  }

  /** faild serves (sockets bound, first routes reconciled, control socket up): READY=1 and the first status, then the pings. */
  async ready(): Promise<boolean> {
    this.#ready = true
    this.#shown = this.#deps.status()
    this.#shownAt = this.#deps.clock.now()
    const ok = await this.#deps.send(['READY=1', `STATUS=${this.#shown}`])
    this.#schedulePing()
    return ok
  }

  /** Something changed: send the STATUS line if it differs, at most once per STATUS_MIN_MS (the last change always goes). */
  changed(): void {
    if (!this.#ready || this.#stopped || this.#statusTimer) return
    const wait = this.#shownAt + STATUS_MIN_MS - this.#deps.clock.now()
    if (wait > 0) {
      this.#statusTimer = this.#deps.clock.setTimeout(() => {
        this.#statusTimer = undefined
        this.changed()
      }, wait)
      return
    }
    const text = this.#deps.status()
    if (text === this.#shown) return
    this.#shown = text
    this.#shownAt = this.#deps.clock.now()
    void this.#deps.send([`STATUS=${text}`])
  }

  /** Each ping is armed from the last one's timer: if the loop stalls, no timer runs and no ping goes. */
  #schedulePing(): void {
    const every = this.pingMs
    if (every === undefined || this.#stopped) return
    this.#pingTimer = this.#deps.clock.setTimeout(() => {
      this.#ping()
      this.#schedulePing()
    }, every)
  }

  #ping(): void {
    if (this.#pinging) return
    this.#pinging = true
    this.pings++
    void this.#deps.send(['WATCHDOG=1']).finally(() => (this.#pinging = false))
  }

  /** Stopping: STOPPING=1 (systemd then waits for the exit, not for pings), and no more timers. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    this.#statusTimer?.cancel()
    this.#pingTimer?.cancel()
    if (this.#ready) await this.#deps.send(['STOPPING=1', 'STATUS=stopping'])
  }
}

/** "4/6 paths up, 1 route moved; 3 peers": what `systemctl status faild` shows. */
export function statusLine(s: {
  readonly peers: ReadonlyArray<{ readonly paths: ReadonlyArray<{ readonly state: string }> }>
  readonly routes: readonly unknown[]
}): string {
  let up = 0
  let all = 0
  for (const p of s.peers)
    for (const x of p.paths) {
      all++
      if (x.state === 'up') up++
    }
  const r = s.routes.length
  return `${up}/${all} paths up, ${r} route${r === 1 ? '' : 's'} moved; ${s.peers.length} peer${s.peers.length === 1 ? '' : 's'}`
}
