// What the kernel holds of faild's routes and rules, read back through an ip batch, and its removal: what the route table's apply, check and cleanup see.
import type { RouteFamily } from '../core/routes/family.js'
import {
  type OwnRule,
  ruleDelLine,
  SHOW_RULES_LINE,
  showRoutesLine,
  type TableLayout,
} from '../core/routes/ip-batch.js'
import { batchErrorText, type IpBatch } from './ip-batch.js'
import type { Logger } from './log.js'

/** route-table.ts's RouteTableOptions (not imported: it imports this). */
type Layout = TableLayout & { readonly dryRun: boolean }

/** A warning that may recur every interval while its cause lasts (the caller sums repeats up). */
export type Warn = (kind: string, text: string) => void

/** faild's routes and rules as the kernel has them; undefined where unreadable. */
export interface KernelState<R> {
  readonly routes?: R[] | undefined
  readonly rules?: OwnRule[] | undefined
}

export class KernelTables<R extends { readonly table: number }> {
  readonly #family: RouteFamily<R>
  readonly #opt: Layout
  readonly #log: Logger
  readonly #warn: Warn

  constructor(family: RouteFamily<R>, opt: Layout, log: Logger, warn: Warn) {
    this.#family = family
    this.#opt = opt
    this.#log = log
    this.#warn = warn
  }

  /** faild's routes as the kernel has them, in all of its tables; undefined, with a warning, if unreadable. */
  async routes(batch: IpBatch): Promise<R[] | undefined> {
    const { ip, adjective } = this.#family
    const line = showRoutesLine(this.#opt.proto)
    const r = await batch.run([line])
    const routes = r.ok ? this.#family.parseRoutes(r.output[0] ?? '', this.#opt) : undefined
    const why = r.ok ? `unexpected output of ${ip} -json` : batchErrorText(r, [line])
    if (!routes) this.#warn('read', `cannot read faild's ${adjective}routes: ${why}`)
    return routes
  }

  /** Routes and rules in one batch; undefined where unreadable (warned). */
  async all(batch: IpBatch): Promise<KernelState<R>> {
    const { ip, adjective } = this.#family
    const what = `cannot read faild's ${adjective}routes and rules`
    const lines = [showRoutesLine(this.#opt.proto), SHOW_RULES_LINE]
    const r = await batch.run(lines)
    if (!r.ok) {
      this.#warn('read-all', `${what}: ${batchErrorText(r, lines)}`)
      return {}
    }
    const routes = this.#family.parseRoutes(r.output[0] ?? '', this.#opt)
    const rules = this.#family.parseRules(r.output[1] ?? '', this.#opt)
    if (!routes || !rules) this.#warn('read-all', `${what}: unexpected output of ${ip} -json`)
    return { routes, rules }
  }

  /** Remove what the kernel holds of faild's, read through `batch`; false if it could not be read. */
  async removeAll(why: string, batch: IpBatch): Promise<boolean> {
    const o = this.#opt
    const read = await this.all(batch)
    const { routes = [], rules = [] } = read
    if (routes.length === 0 && rules.length === 0) return read.routes !== undefined && read.rules !== undefined
    const { ip, describe, delLine } = this.#family
    for (const rt of routes) this.#log.info(`removing route ${describe(rt)} table ${rt.table} ${why}`)
    for (const ru of rules) this.#log.info(`removing ${ip} rule pref ${ru.priority} table ${ru.table} ${why}`)
    if (o.dryRun) return true
    const dels = routes.map((rt) => delLine(rt, o.proto))
    const lines = [...dels, ...rules.map((ru) => ruleDelLine(ru.priority, o.proto))]
    const r = await batch.run(lines)
    if (!r.ok) this.#log.warn(`cleanup ${why} incomplete: ${batchErrorText(r, lines)}`)
    return true
  }
}
