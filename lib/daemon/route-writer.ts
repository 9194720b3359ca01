// Brings the kernel's route tables to the routes wanted, one batch at a time; also reads them back and renumbers them between batches.

import type { Route } from '../core/routes/route.js'
import type { Route6 } from '../core/routes/route6.js'
import type { Logger } from '../host/log.js'
import type { RouteTable } from '../host/route-table.js'
import type { RouteTable6 } from '../host/route-table6.js'
import type { DaemonObserver } from './observer.js'

export interface RouteWriterDeps {
  readonly log: Logger
  readonly routes: RouteTable
  /** faild's IPv6 table, once started (none while no LAN has IPv6: see Lifecycle.start). */
  readonly routes6?: () => Pick<RouteTable6, 'apply' | 'reconcile'> | undefined
  /** Monotonic ms: a batch's latency, and when the kernel was last read. */
  readonly now: () => number
  /** True while the kernel's changes are watched (see kernelChanged); false: read at every check. */
  readonly watched: () => boolean
  /** Told of every batch applied (metrics, systemd status). */
  readonly observer?: DaemonObserver | undefined
}

/** Even when watched, read the kernel's tables this often: a change the monitor could not tell. */
const READ_ANYWAY_MS = 60_000

export class RouteWriter {
  readonly #deps: RouteWriterDeps
  /** The routes the engine wants now; the route table catches up with it one batch at a time. */
  #target: Route[] = []
  #target6: Route6[] = []
  /** The one batch, kernel read or renumbering in flight. */
  #applying: Promise<void> | undefined
  /** The target differs from what was last applied (or the last apply failed). */
  #dirty = false
  #stopped = false
  /** The kernel may have changed since it was last read (a monitor line, or not read yet). */
  #kernelChanged = true
  /** When the kernel's tables were last read (monotonic ms). */
  #readAt = -Infinity

  constructor(deps: RouteWriterDeps) {
    this.#deps = deps
  }

  get target(): readonly Route[] {
    return this.#target
  }

  get target6(): readonly Route6[] {
    return this.#target6
  }

  get stopped(): boolean {
    return this.#stopped
  }

  /** The routes wanted from now on; `apply` brings the kernel to them. */
  aim(routes: Route[], routes6: Route6[]): void {
    this.#target = routes
    this.#target6 = routes6
  }

  /** A failed batch stays dirty: try again (called at every judged deadline, within one interval). */
  retry(): void {
    if (this.#dirty) this.apply()
  }

  /** Serialise applies: one batch at a time, always towards the latest target. */
  apply(): void {
    this.#dirty = true
    if (this.#applying) return
    this.#applying = this.#catchUp().finally(() => (this.#applying = undefined))
  }

  async #catchUp(): Promise<void> {
    while (this.#dirty && !this.#stopped) {
      this.#dirty = false
      if (!(await this.#timedApply())) return void (this.#dirty = true)
    }
  }

  /** Apply the target; its latency is told only when someone listens (an observer). */
  async #timedApply(): Promise<boolean> {
    const observer = this.#deps.observer
    if (!observer?.applied) return this.#applyBoth()
    const start = this.#deps.now()
    const ok = await this.#applyBoth()
    observer.applied((this.#deps.now() - start) / 1000, ok)
    return ok
  }

  /** IPv4 first: the IPv6 batch adds a rule change (its refresh), so it comes second. */
  async #applyBoth(): Promise<boolean> {
    const ok = await this.#deps.routes.apply(this.#target)
    const ok6 = (await this.#deps.routes6?.()?.apply(this.#target6)) ?? true
    return ok && ok6
  }

  /**
   * Compare the kernel with what faild believes it installed: a route deleted or added by hand is
   * put right, a lost rule re-added. Skipped while a batch is being applied.
   */
  reconcile(): void {
    if (this.#applying) return
    const now = this.#deps.now()
    // Nothing changed in the kernel since it was read: reading would find what faild wrote (idle cost).
    if (this.#deps.watched() && !this.#kernelChanged && now - this.#readAt < READ_ANYWAY_MS) return
    this.#kernelChanged = false
    this.#readAt = now
    this.#applying = this.#reconcile().finally(() => (this.#applying = undefined))
  }

  /** The monitor saw a route, rule, address or link change: the next check reads the kernel. */
  kernelChanged(): void {
    this.#kernelChanged = true
  }

  async #reconcile(): Promise<void> {
    const found = [...(await this.#deps.routes.reconcile()), ...((await this.#deps.routes6?.()?.reconcile()) ?? [])]
    if (found.length > 0 && !this.#stopped) {
      this.#deps.log.warn(`the kernel differs from what faild installed, putting it right: ${found.join('; ')}`)
      this.#dirty = true
    }
    // Also a change planned while the kernel was being read: it waited for us, not for the next deadline.
    await this.#catchUp()
  }

  /**
   * A reload changed the gateway routes' prefix lengths: the tables are renumbered, so everything is
   * applied again. Same lengths (the usual reload): nothing is withdrawn, the next plan adjusts.
   * False: stopped, nothing done.
   */
  regroupGateways(lengths: readonly number[], hostTable: number): Promise<boolean> {
    return this.#regroup(
      () => this.#deps.routes.setGatewayLengths(lengths),
      () => (this.#target = this.#target.filter((r) => r.table === hostTable)),
    )
  }

  /**
   * regroupGateways for the IPv6 table: `regroup` renumbers it (RouteTable6.setGatewayLengths) and
   * says whether it did; then the host routes are applied again and the next plan adds the rest.
   */
  regroupGateways6(regroup: () => Promise<boolean>, hostTable: number): Promise<boolean> {
    return this.#regroup(regroup, () => (this.#target6 = this.#target6.filter((r) => r.table === hostTable)))
  }

  /**
   * Renumber the tables as the one batch in flight: an apply or a kernel check started meanwhile
   * would write into, or read, tables half removed. What was planned meanwhile is applied after.
   */
  async #regroup(renumber: () => Promise<boolean>, keepHostRoutes: () => void): Promise<boolean> {
    while (this.#applying) await this.#applying
    if (this.#stopped) return false
    const job = (async () => {
      if (await renumber()) {
        keepHostRoutes()
        this.#dirty = true
      }
      await this.#catchUp()
    })()
    // A rule the kernel refused fails the reload that asked, not whoever waits for the batch next.
    const settled = job.then(
      () => {},
      () => {},
    )
    this.#applying = settled.finally(() => (this.#applying = undefined))
    await job
    return true
  }

  /** No more batches; resolves once the batch in flight is done. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#applying
  }
}
