// Keeps the kernel's routes in step with what the engine wants: plan once per turn, apply one batch at a time.

import type { LinkChange } from '../core/engine/effects.js'
import {
  type ChangeContext,
  type Changes,
  gatewayChanges,
  linkChanges,
  type NotifyEvent,
  route6Changes,
  routeEvents,
  routeMap,
} from '../core/report/change-log.js'
import { changeSet, isEmptyChangeSet } from '../core/routes/diff.js'
import type { Route } from '../core/routes/route.js'
import type { Route6 } from '../core/routes/route6.js'
import { LogBudget } from '../core/util/log-budget.js'
import type { Logger } from '../host/log.js'
import type { RouteTable } from '../host/route-table.js'
import type { RouteTable6 } from '../host/route-table6.js'
import type { DaemonObserver } from './observer.js'
import type { Defer } from './scheduler.js'

/** Path changes that move no route, logged at most this many per 10 s (those that move one always are). */
const PATH_LINES_PER_WINDOW = 100
const PATH_LINE_WINDOW_MS = 10_000

export interface RouteSyncDeps {
  readonly log: Logger
  readonly routes: RouteTable
  /** faild's IPv6 table, once started (none while no LAN has IPv6: see Lifecycle.start). */
  readonly routes6?: () => Pick<RouteTable6, 'apply' | 'reconcile'> | undefined
  readonly defer: Defer
  readonly notify?: ((e: NotifyEvent) => void) | undefined
  /** The routes wanted now (host and gateway routes), how many down paths wait for evidence, and why. */
  readonly plan: () => Wanted
  readonly context: () => ChangeContext
  /** Monotonic ms, for the budget of path lines that move no route. */
  readonly now: () => number
  /** True while the kernel's changes are watched (see kernelChanged); false: read at every check. */
  readonly watched: () => boolean
  /** Told of every plan and every batch applied (metrics, systemd status). */
  readonly observer?: DaemonObserver | undefined
}

/** Even when watched, read the kernel's tables this often: a change the monitor could not tell. */
const READ_ANYWAY_MS = 60_000

export interface Wanted {
  readonly routes: Route[]
  /** The IPv6 swaps of the same down paths. */
  readonly routes6: Route6[]
  readonly waiting: number
  /** Why route `r` goes where it goes, for the log (from the same snapshot as the plan). */
  readonly why: (r: Route) => string
}

export class RouteSync {
  readonly #deps: RouteSyncDeps
  /** The routes the engine wants now; the route table catches up with it one batch at a time. */
  #target: Route[] = []
  #target6: Route6[] = []
  /** Down paths waiting for fresh evidence on another LAN (see Plan.waiting): plan on every event. */
  #waiting = 0
  /** Path changes since the last plan. BOUNDED: one turn's effects. */
  #links: LinkChange[] = []
  #queued = false
  #applying: Promise<void> | undefined
  /** The target differs from what was last applied (or the last apply failed). */
  #dirty = false
  #stopped = false
  /** The kernel may have changed since it was last read (a monitor line, or not read yet). */
  #kernelChanged = true
  /** When the kernel's tables were last read (monotonic ms). */
  #readAt = -Infinity

  readonly #pathLines = new LogBudget(PATH_LINES_PER_WINDOW, PATH_LINE_WINDOW_MS)

  constructor(deps: RouteSyncDeps) {
    this.#deps = deps
  }

  get target(): readonly Route[] {
    return this.#target
  }

  get target6(): readonly Route6[] {
    return this.#target6
  }

  /** Whether an event should be planned even if it changed no path. */
  get waiting(): boolean {
    return this.#waiting > 0
  }

  /**
   * Plan once per event-loop turn, after every packet that turn has read: a burst of packets costs
   * one plan (O(peers)) and one ip batch, however many of them changed something.
   */
  queue(links: readonly LinkChange[]): void {
    this.#links.push(...links)
    if (this.#queued) return
    this.#queued = true
    this.#deps.defer(() => {
      this.#queued = false
      const batch = this.#links
      this.#links = []
      if (!this.#stopped) this.#replan(batch)
    })
  }

  /** Recompute the routes wanted, log each path change with the route change it causes, and apply. */
  #replan(links: readonly LinkChange[]): void {
    const plan = this.#deps.plan()
    this.#waiting = plan.waiting
    const before = routeMap(this.#target)
    const after = routeMap(plan.routes)
    const { table } = this.#deps.context()
    this.#report(linkChanges(links, before, after, this.#deps.context()))
    this.#report(gatewayChanges(this.#target, plan.routes, table, plan.why))
    this.#report({ info: [], warn: [], events: routeEvents(this.#target, plan.routes) })
    const moved6 = route6Changes(this.#target6, plan.routes6)
    this.#report(moved6)
    const unchanged = isEmptyChangeSet(changeSet(this.#target, plan.routes)) && moved6.events.length === 0
    this.#deps.observer?.planned?.(links, this.#target, plan.routes)
    this.#target = plan.routes
    this.#target6 = plan.routes6
    if (!unchanged) this.#apply()
  }

  #report(c: Changes): void {
    for (const l of c.info) this.#deps.log.info(l)
    for (const l of c.chatter ?? []) this.#chatter(l)
    for (const l of c.warn) this.#deps.log.warn(l)
    for (const e of c.events) this.#deps.notify?.(e)
  }

  /** A path change that moves no route: logged within a budget, the rest summed up once the window turns. */
  #chatter(line: string): void {
    const budget = this.#pathLines.take(this.#deps.now())
    if (budget.summary)
      this.#deps.log.warn(
        `${budget.summary} more path changes that moved no route were not logged (a flood of invented peers?)`,
      )
    if (budget.ok) this.#deps.log.info(line)
  }

  /** A failed batch stays dirty: try again (called at every judged deadline, within one interval). */
  retry(): void {
    if (this.#dirty) this.#apply()
  }

  /** Serialise applies: one batch at a time, always towards the latest target. */
  #apply(): void {
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
   */
  async regroupGateways(lengths: readonly number[], hostTable: number): Promise<void> {
    await this.#regroup(
      () => this.#deps.routes.setGatewayLengths(lengths),
      () => (this.#target = this.#target.filter((r) => r.table === hostTable)),
    )
  }

  /**
   * regroupGateways for the IPv6 table: `regroup` renumbers it (RouteTable6.setGatewayLengths) and
   * says whether it did; then the host routes are applied again and the next plan adds the rest.
   */
  async regroupGateways6(regroup: () => Promise<boolean>, hostTable: number): Promise<void> {
    await this.#regroup(regroup, () => (this.#target6 = this.#target6.filter((r) => r.table === hostTable)))
  }

  /**
   * Renumber the tables as the one batch in flight: an apply or a kernel check started meanwhile
   * would write into, or read, tables half removed. What was planned meanwhile is applied after.
   */
  async #regroup(renumber: () => Promise<boolean>, keepHostRoutes: () => void): Promise<void> {
    while (this.#applying) await this.#applying
    if (this.#stopped) return
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
    this.queue([])
  }

  /** No more plans or batches; resolves once the batch in flight is done. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#applying
  }
}
