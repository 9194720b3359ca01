// faild's ip rules of one family and the gateway tables they lead to: which table holds which prefix length, the rules added for them, and the rules put back when the kernel lost some, on route-table.ts's behalf.
import type { RouteFamily } from '../core/routes/family.js'
import { MAX_GATEWAY_TABLES, type OwnRule, ruleArgs, ruleDelLine, type TableLayout } from '../core/routes/ip-batch.js'
import { batchErrorText, type IpBatch } from './ip-batch.js'
import type { Warn } from './kernel-tables.js'
import type { Logger } from './log.js'

/** route-table.ts's RouteTableOptions (not imported: it imports this). */
type Layout = TableLayout & { readonly dryRun: boolean }

/** What the rules need of a route family: none of it is about routes. */
type RuleFamily = Pick<RouteFamily<unknown>, 'ip' | 'adjective' | 'ruleAddLines'>

/** Each length once, longest first. */
const ordered = (lengths: readonly number[]): number[] => [...new Set(lengths)].sort((a, b) => b - a)

export class TableRules {
  readonly #family: RuleFamily
  readonly #opt: Layout
  readonly #log: Logger
  readonly #warn: Warn
  /** Gateway-route prefix lengths, longest first: group i uses table + 1 + i. */
  #lengths: number[] = []

  constructor(family: RuleFamily, opt: Layout, log: Logger, warn: Warn) {
    this.#family = family
    this.#opt = opt
    this.#log = log
    this.#warn = warn
  }

  /** The table that holds gateway routes of prefix length `len`. Throws a RangeError while `len` has none. */
  table(len: number): number {
    const table = this.tableOf(len)
    if (table === undefined) throw new RangeError(`no ${this.#family.adjective}gateway table for /${len}`)
    return table
  }

  /** The table that holds gateway routes of prefix length `len`; undefined while `len` has none. */
  tableOf(len: number): number | undefined {
    const i = this.#lengths.indexOf(len)
    return i < 0 ? undefined : this.#opt.table + 1 + i
  }

  /** The rules' arguments, in priority order (see ruleArgs). */
  args(): string[][] {
    return ruleArgs(this.#opt, this.#lengths)
  }

  /** `lengths` are not the ones the rules are for now. */
  changed(lengths: readonly number[]): boolean {
    return ordered(lengths).join() !== this.#lengths.join()
  }

  /** Take `lengths` and add their rules (a dry run logs them). Throws if the kernel refuses them. */
  async install(lengths: readonly number[], batch: IpBatch): Promise<void> {
    this.#lengths = ordered(lengths).slice(0, MAX_GATEWAY_TABLES)
    const { ip } = this.#family
    const lines = this.#family.ruleAddLines(this.#opt, this.#lengths)
    if (this.#opt.dryRun) {
      for (const l of lines) this.#log.info(`dry run: would run ${ip} ${l}`)
      return
    }
    const r = await batch.run(lines)
    if (r.ok) return
    throw new Error(`cannot add ${ip} rules (${batchErrorText(r, lines)}): faild needs root or CAP_NET_ADMIN`)
  }

  /** How the kernel's rules (`have`) differ from ours, in words; undefined: they do not. */
  mismatch(have: readonly OwnRule[]): string | undefined {
    const want = this.args().map((r) => Number(r[1]))
    const at = have.map((r) => r.priority)
    if (want.length === at.length && want.every((p) => at.includes(p))) return undefined
    return `${this.#family.ip} rules at ${at.join(', ') || 'no priority'} instead of ${want.join(', ')}`
  }

  /** The kernel's rules (`have`) replaced by ours; a refusal is warned of (the next check tries again). */
  async restore(have: readonly OwnRule[], batch: IpBatch): Promise<void> {
    const dels = have.map((ru) => ruleDelLine(ru.priority, this.#opt.proto))
    const lines = [...dels, ...this.#family.ruleAddLines(this.#opt, this.#lengths)]
    const r = await batch.run(lines)
    if (!r.ok)
      this.#warn('rules', `cannot restore the ${this.#family.ip} rules, will retry: ${batchErrorText(r, lines)}`)
  }
}
