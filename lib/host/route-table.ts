// The only module that changes the host's routes: faild's routing tables, its ip rules, and the routes in them, for either family.
//
// Everything faild installs is tagged with its own tables and protocol number, so it never touches
// a route it did not create, and `ip route show table <table>` shows exactly what it changed. The
// text of every command and the parsing of ip's answers live in core/routes/ (ip-batch.ts,
// ip6-batch.ts); core/routes/family.ts says which a table writes. IPv6's table is route-table6.ts.
// On this module's behalf, kernel-tables.ts reads what the kernel holds back and removes it all,
// and table-rules.ts numbers the gateway tables and keeps the rules that lead to them.
import { performance } from 'node:perf_hooks'
import { isEmptyChangeSet } from '../core/routes/diff.js'
import { IPV4, type RouteFamily } from '../core/routes/family.js'
import type { TableLayout } from '../core/routes/ip-batch.js'
import type { Route } from '../core/routes/route.js'
import { heldText, Repeats } from '../core/util/repeats.js'
import { batchErrorText, type IpBatch, SpawnBatch } from './ip-batch.js'
import { IpBatchProcess } from './ip-batch-process.js'
import type { IpRunner } from './ip-runner.js'
import { KernelTables } from './kernel-tables.js'
import type { Logger } from './log.js'
import { TableRules } from './table-rules.js'

export interface RouteTableOptions extends TableLayout {
  readonly dryRun: boolean
}

export interface RouteTableDeps {
  readonly ip: IpRunner
  readonly log: Logger
  /**
   * Runs the batches, reads included. Default: one long-lived `ip -batch -` if the runner has a
   * `command`, else one `ip` per batch through the runner (a fake's way).
   */
  readonly batch?: IpBatch
  /** Monotonic ms, for summing up warnings that repeat; default performance.now. */
  readonly now?: () => number
}

/** faild's tables of one family of routes (see the file comment). */
export class FamilyRouteTable<R extends { readonly table: number }> {
  readonly #family: RouteFamily<R>
  readonly #batch: IpBatch
  /** One `ip` per batch: the shutdown's way when the long-lived one cannot answer. */
  readonly #oneOff: IpBatch
  readonly #log: Logger
  readonly #opt: RouteTableOptions
  readonly #repeats = new Repeats()
  readonly #now: () => number
  readonly #kernel: KernelTables<R>
  /**
   * What the kernel holds in our tables, as far as we know; re-read after any failure. undefined:
   * not known (a failed batch could not be read back), so the next apply reads it first, and
   * does not take the kernel for empty and leave a stale detour in it.
   */
  #installed: R[] | undefined = []
  /** Started and not stopped (the daemon starts IPv6's only on a host with IPv6 on some LAN). */
  #running = false
  /** The rules and the gateway tables they lead to. */
  readonly #rules: TableRules

  /** `deps.ip` (and `deps.batch`, when given) must run the family's `ip`. */
  constructor(opt: RouteTableOptions, deps: RouteTableDeps, family: RouteFamily<R>) {
    this.#family = family
    this.#opt = opt
    this.#log = deps.log
    this.#now = deps.now ?? (() => performance.now())
    const { ip, log } = deps
    this.#batch = deps.batch ?? (ip.command ? new IpBatchProcess({ command: ip.command, log }) : new SpawnBatch(ip))
    this.#oneOff = new SpawnBatch(ip)
    this.#kernel = new KernelTables(family, opt, log, (kind, text) => this.#warn(kind, text))
    this.#rules = new TableRules(family, opt, log, (kind, text) => this.#warn(kind, text))
  }

  get installed(): readonly R[] {
    return this.#installed ?? []
  }

  get running(): boolean {
    return this.#running
  }

  /** The table that holds gateway routes of prefix length `len` (see setGatewayLengths). */
  gatewayTable(len: number): number {
    return this.#rules.table(len)
  }

  /**
   * gatewayTable, or undefined while `len` has none: a reload's new length while setGatewayLengths
   * still removes the old tables (a plan made then, on a packet, leaves that route out for now).
   */
  gatewayTableOf(len: number): number | undefined {
    return this.#rules.tableOf(len)
  }

  /** The rules' arguments, in priority order (see ruleArgs). */
  rules(): string[][] {
    return this.#rules.args()
  }

  /** Start ip, remove what an earlier run left (kill -9, power loss), then install the rules. */
  async start(gatewayLengths: readonly number[] = []): Promise<void> {
    await this.#batch.start()
    try {
      await this.#kernel.removeAll('left by an earlier run', this.#batch)
      await this.#rules.install(gatewayLengths, this.#batch)
      this.#running = true
    } catch (err) {
      await this.#batch.stop()
      throw err
    }
  }

  /**
   * New gateway prefix lengths (a reloaded config): everything is removed and the rules redone, so
   * the caller must apply its routes again. Returns false (and changes nothing) if they are the same.
   * The reload has applied its other settings by then: rules the kernel refuses now (ip restarting
   * after it died) are warned of and put back by the kernel check, as a rule deleted by hand is.
   */
  async setGatewayLengths(gatewayLengths: readonly number[]): Promise<boolean> {
    if (!this.#rules.changed(gatewayLengths)) return false
    const removed = await this.#kernel.removeAll(`for the new ${this.#family.adjective}gateway routes`, this.#batch)
    // Unread, the kernel may still hold routes: the next apply reads it first.
    this.#installed = removed ? [] : undefined
    await this.#rules
      .install(gatewayLengths, this.#batch)
      .catch((err: Error) => this.#warn('rules', `${err.message}; the kernel check retries`))
    return true
  }

  /**
   * Remove every route and rule faild added, then stop ip. The long-lived ip may be restarting
   * after it died (a backoff of up to 5 s): the cleanup then runs through one-off ip processes,
   * so that no route or rule of faild's outlives it.
   */
  async stop(): Promise<void> {
    this.#running = false
    if (!(await this.#kernel.removeAll('at shutdown', this.#batch)))
      await this.#kernel.removeAll('at shutdown', this.#oneOff)
    this.#installed = []
    await this.#batch.stop()
  }

  /** Make the tables hold exactly `desired`, in one batch. Returns false if ip reported a failure. */
  async apply(desired: readonly R[]): Promise<boolean> {
    const { ip } = this.#family
    this.#installed ??= await this.#kernel.routes(this.#batch)
    if (!this.#installed) return false
    const changes = this.#family.diff(this.#installed, desired)
    if (isEmptyChangeSet(changes)) return true
    const lines = this.#family.lines(changes, this.#opt)
    if (this.#opt.dryRun) {
      for (const l of lines) this.#log.info(`dry run: would run ${ip} ${l}`)
      this.#installed = [...desired]
      return true
    }
    this.#log.debug(`${ip} -batch: ${lines.join('; ')}`)
    const r = await this.#batch.run(lines)
    if (r.ok) {
      this.#installed = [...desired]
      this.#repeats.clear('apply')
      return true
    }
    this.#warn('apply', `${ip} -batch failed, will retry: ${batchErrorText(r, lines)}`)
    this.#installed = await this.#kernel.routes(this.#batch)
    return false
  }

  /**
   * Compare the kernel with what we believe it holds: a route of ours deleted by hand, or one
   * added behind our back, makes the next apply() put things right. Returns what differed.
   */
  async reconcile(): Promise<string[]> {
    if (this.#opt.dryRun) return []
    const { routes: kernel, rules } = await this.#kernel.all(this.#batch)
    if (!kernel || !rules) return []
    const { describe } = this.#family
    this.#installed ??= kernel
    const c = this.#family.diff(kernel, this.#installed)
    const out = [
      ...[...c.add, ...c.change].map((r) => `route ${describe(r)} missing`),
      ...c.remove.map((r) => `stray route ${describe(r)}`),
    ]
    const ruleMismatch = this.#rules.mismatch(rules)
    if (ruleMismatch) out.push(ruleMismatch)
    if (out.length === 0) return out
    this.#installed = kernel
    if (ruleMismatch) await this.#rules.restore(rules, this.#batch)
    return out
  }

  /** faild's routes as the kernel has them, in all of its tables (empty, with a warning, if unreadable). */
  async read(): Promise<R[]> {
    return (await this.#kernel.routes(this.#batch)) ?? []
  }

  /** A warning that recurs every interval while its cause lasts: once, then summed up once a minute. */
  #warn(kind: string, text: string): void {
    const r = this.#repeats.take(kind, this.#now())
    if (r.log) this.#log.warn(text + heldText(r.held))
  }
}

/** faild's IPv4 tables. */
export class RouteTable extends FamilyRouteTable<Route> {
  constructor(opt: RouteTableOptions, deps: RouteTableDeps) {
    super(opt, deps, IPV4)
  }
}
