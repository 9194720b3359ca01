// Starts the daemon's parts in order, nothing touching the routes before all that can be refused is checked, and stops them with faild's routes removed last.
import type { Options } from '../config/types.js'
import type { Gateway, Gateway6 } from '../core/routes/gateway.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import type { CarrierHandler } from '../host/carrier-watch.js'
import type { DaemonDeps } from './deps.js'
import { type Parts, targetConfig } from './parts.js'
import { logBuffer, logStart } from './start-log.js'
import { StartOrder } from './start-order.js'

/** What the lifecycle reads of the daemon, each when it needs it: a reload changes the gateways and keys. */
export interface LifecycleHooks {
  /** The parts, once built. */
  readonly parts: () => Parts | undefined
  readonly gateways: () => readonly Gateway[]
  readonly gateways6: () => readonly Gateway6[]
  /** Packets are signed. */
  readonly keyed: () => boolean
  readonly carrier: CarrierHandler
  /** The packet counts, for the line that says faild stopped. */
  readonly stats: () => string
}

export class Lifecycle {
  readonly #deps: DaemonDeps
  readonly #daemon: LifecycleHooks
  #stopped = false
  /** True once the route table is ours: only then does stop() have something to undo. */
  #owning = false
  /** The IPv6 routes starting after the daemon did (startRoutes6). */
  #starting6: Promise<void> | undefined

  constructor(deps: DaemonDeps, daemon: LifecycleHooks) {
    this.#deps = deps
    this.#daemon = daemon
  }

  /** stop() was called: nothing may change the routes any more. */
  get stopped(): boolean {
    return this.#stopped
  }

  /** IPv6 routes starting now, if any: they take the gateway lengths they were started with. */
  get starting6(): Promise<void> | undefined {
    return this.#starting6
  }

  /** Start the parts just built for `o`; what started before a refusal is stopped again. */
  async start(p: Parts, o: Options): Promise<void> {
    const order = new StartOrder()
    try {
      const now = () => this.#deps.clock.now()
      const buffer = await order.start(
        () =>
          p.datagrams.start({
            packet: (lan, src, data) => !this.#stopped && p.packets.receive(now(), lan, src, data),
            packet6: (lan, src, data) => !this.#stopped && p.packets.receive(now(), lan, 0, data, src),
            error: (lan, err) => p.drops.count('socket-error', lan, () => err.message),
            stray: (src, data) =>
              p.drops.count('off-lan', undefined, () => `${data.length} bytes from ${formatIPv4(src)}`),
          }),
        () => p.datagrams.stop(),
      )
      logBuffer(this.#deps.log, buffer)
      this.#owning = true
      await order.start(
        () => p.routes.start(this.#daemon.gateways().map((g) => g.len)),
        () => p.routes.stop(),
      )
      // IPv6 swaps need a LAN with an IPv6 address (a kernel without IPv6 has no `ip -6 rule`):
      // now, or once one has one (startRoutes6).
      if (p.lans.some((l) => l.ipv6))
        await order.start(
          () => p.routes6.start(this.#daemon.gateways6().map((g) => g.len)),
          () => p.routes6.stop(),
        )
      await order.startGuarded(
        () => p.addresses.start(),
        () => p.addresses.stop(),
      )
    } catch (err) {
      await order.unwind()
      throw err
    }
    logStart(this.#deps.log, o, p.lans, p.engine.config.nodeId, this.#daemon.keyed())
    p.scheduler.start(o.requestor)
    p.probes.start(targetConfig(o))
    p.operator.restoreOffline()
    // After the first INQ is due: at start no peer is known yet, so no carrier event can move a route.
    await p.carrier.start(this.#daemon.carrier, {
      kernel: () => p.sync.kernelChanged(),
      interfaces: () => p.interfaces.changed(),
    })
  }

  /**
   * A LAN has an IPv6 address it did not have at start (SLAAC after faild started, an address
   * added by hand): start the IPv6 routes then, or its IPv6 gateway routes and swaps would never
   * be installed. One start at a time; one that fails (a kernel without IPv6) is tried again at
   * the next address.
   */
  startRoutes6(): void {
    const p = this.#daemon.parts()
    if (!p || this.#stopped || !this.#owning || p.routes6.running || this.#starting6) return
    this.#starting6 = p.routes6
      .start(this.#daemon.gateways6().map((g) => g.len))
      .then(
        () => {
          this.#deps.log.info('IPv6 routes: a LAN has an IPv6 address now; faild adds its IPv6 rules and routes')
          p.sync.queue([])
        },
        (err: Error) => void this.#deps.log.warn(`IPv6 routes: cannot start them: ${err.message}`),
      )
      .finally(() => (this.#starting6 = undefined))
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    const p = this.#daemon.parts()
    if (!p) return
    // Not a StartOrder unwind: a running daemon first stops what could change routes (timers,
    // probes, carrier and interface watches, packets), and removes its routes and rules last.
    p.scheduler.stop()
    p.probes.stop()
    await p.carrier.stop()
    await p.interfaces.stop()
    await p.datagrams.stop()
    await p.sync.stop()
    await p.addresses.stop()
    if (!this.#owning) return
    await p.routes.stop()
    await this.#starting6
    if (p.routes6.running) await p.routes6.stop()
    this.#deps.log.info(`stopped: every route and rule faild added is removed; packets ${this.#daemon.stats()}`)
  }
}
