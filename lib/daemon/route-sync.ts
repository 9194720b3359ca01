// Keeps the kernel's routes in step with what the engine wants: plan once per turn, log what moves, have RouteWriter apply it.

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
import { RouteWriter, type RouteWriterDeps } from './route-writer.js'
import type { Defer } from './scheduler.js'

/** Path changes that move no route, logged at most this many per 10 s (those that move one always are). */
const PATH_LINES_PER_WINDOW = 100
const PATH_LINE_WINDOW_MS = 10_000

/**
 * RouteWriter's, and what planning needs; `now` also times the budget of path lines that move no
 * route, and `observer` is told of every plan as well.
 */
export interface RouteSyncDeps extends RouteWriterDeps {
  readonly defer: Defer
  readonly notify?: ((e: NotifyEvent) => void) | undefined
  /** The routes wanted now (host and gateway routes), how many down paths wait for evidence, and why. */
  readonly plan: () => Wanted
  readonly context: () => ChangeContext
}

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
  /** Holds the routes the engine wants now; the route table catches up with them one batch at a time. */
  readonly #writer: RouteWriter
  /** Down paths waiting for fresh evidence on another LAN (see Plan.waiting): plan on every event. */
  #waiting = 0
  /** Path changes since the last plan. BOUNDED: one turn's effects. */
  #links: LinkChange[] = []
  #queued = false

  readonly #pathLines = new LogBudget(PATH_LINES_PER_WINDOW, PATH_LINE_WINDOW_MS)

  constructor(deps: RouteSyncDeps) {
    this.#deps = deps
    this.#writer = new RouteWriter(deps)
  }

  get target(): readonly Route[] {
    return this.#writer.target
  }

  get target6(): readonly Route6[] {
    return this.#writer.target6
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
      if (!this.#writer.stopped) this.#replan(batch)
    })
  }

  /** Recompute the routes wanted, log each path change with the route change it causes, and apply. */
  #replan(links: readonly LinkChange[]): void {
    const plan = this.#deps.plan()
    this.#waiting = plan.waiting
    const { target, target6 } = this.#writer
    const before = routeMap(target)
    const after = routeMap(plan.routes)
    const { table } = this.#deps.context()
    this.#report(linkChanges(links, before, after, this.#deps.context()))
    this.#report(gatewayChanges(target, plan.routes, table, plan.why))
    this.#report({ info: [], warn: [], events: routeEvents(target, plan.routes) })
    const moved6 = route6Changes(target6, plan.routes6)
    this.#report(moved6)
    const unchanged = isEmptyChangeSet(changeSet(target, plan.routes)) && moved6.events.length === 0
    this.#deps.observer?.planned?.(links, target, plan.routes)
    this.#writer.aim(plan.routes, plan.routes6)
    if (!unchanged) this.#writer.apply()
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
    this.#writer.retry()
  }

  /** Put right what the kernel lost or gained by hand since faild wrote it (RouteWriter.reconcile). */
  reconcile(): void {
    this.#writer.reconcile()
  }

  /** The monitor saw a route, rule, address or link change: the next check reads the kernel. */
  kernelChanged(): void {
    this.#writer.kernelChanged()
  }

  /** Renumber the gateway tables for a reload (RouteWriter.regroupGateways), then plan again. */
  async regroupGateways(lengths: readonly number[], hostTable: number): Promise<void> {
    if (await this.#writer.regroupGateways(lengths, hostTable)) this.queue([])
  }

  /** The same for the IPv6 table (RouteWriter.regroupGateways6). */
  async regroupGateways6(regroup: () => Promise<boolean>, hostTable: number): Promise<void> {
    if (await this.#writer.regroupGateways6(regroup, hostTable)) this.queue([])
  }

  /** No more plans or batches; resolves once the batch in flight is done. */
  stop(): Promise<void> {
    return this.#writer.stop()
  }
}
