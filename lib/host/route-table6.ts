// Writes faild's IPv6 routes and its IPv6 rules, and makes established sockets see every change.
//
// route-table.ts's twin for IPv6, through its own `ip -6` (a batch line cannot name its family):
// the same tables (gateway tables included), protocol and priorities, the same probe exemption,
// cleanup and reconcile. Every batch that changes a route ends with the refresh of
// core/routes/ip6-batch.ts, without which an established IPv6 TCP connection keeps its old route.
import { performance } from 'node:perf_hooks'
import { changeSetBy, isEmptyChangeSet } from '../core/routes/diff.js'
import { MAX_GATEWAY_TABLES, type OwnRule, ruleArgs, ruleDelLine } from '../core/routes/ip-batch.js'
import {
  parseRoutes6,
  parseRules6,
  route6DelLine,
  route6Lines,
  rule6AddLines,
  SHOW_RULES_LINE,
  showRoutesLine,
} from '../core/routes/ip6-batch.js'
import { describeRoute6, type Route6, route6Key, sameRoute6 } from '../core/routes/route6.js'
import { heldText, Repeats } from '../core/util/repeats.js'
import { batchErrorText, type IpBatch, SpawnBatch } from './ip-batch.js'
import { IpBatchProcess } from './ip-batch-process.js'
import type { IpRunner } from './ip-runner.js'
import type { Logger } from './log.js'
import type { RouteTableDeps, RouteTableOptions } from './route-table.js'

/** `ip` made `ip -6`: for reads through a runner, and for the long-lived batch. */
export function ip6(ip: IpRunner): IpRunner {
  return {
    ...(ip.command ? { command: [...ip.command, '-6'] } : {}),
    run: (args, input) => ip.run(['-6', ...args], input),
  }
}

const diff = (before: readonly Route6[], after: readonly Route6[]) => changeSetBy(before, after, route6Key, sameRoute6)

export class RouteTable6 {
  readonly #batch: IpBatch
  readonly #log: Logger
  readonly #opt: RouteTableOptions
  readonly #repeats = new Repeats()
  readonly #now: () => number
  /** What the kernel holds in our tables, as far as we know; re-read after any failure. */
  #installed: Route6[] = []
  /** Started and not stopped: the daemon starts it only on a host with IPv6 on some LAN. */
  #running = false
  /** IPv6 gateway-route prefix lengths, longest first: group i uses table + 1 + i, as in IPv4. */
  #lengths: number[] = []

  /** `deps.batch`, when given, must already run `ip -6`. */
  constructor(opt: RouteTableOptions, deps: RouteTableDeps) {
    this.#opt = opt
    this.#log = deps.log
    this.#now = deps.now ?? (() => performance.now())
    const ip = ip6(deps.ip)
    this.#batch =
      deps.batch ?? (ip.command ? new IpBatchProcess({ command: ip.command, log: deps.log }) : new SpawnBatch(ip))
  }

  get installed(): readonly Route6[] {
    return this.#installed
  }

  get running(): boolean {
    return this.#running
  }

  /** The table that holds IPv6 gateway routes of prefix length `len` (see setGatewayLengths). */
  gatewayTable(len: number): number {
    const table = this.gatewayTableOf(len)
    if (table === undefined) throw new RangeError(`no IPv6 gateway table for /${len}`)
    return table
  }

  /**
   * gatewayTable, or undefined while `len` has none: a reload's new lengths, while
   * setGatewayLengths is still renumbering (a plan made meanwhile leaves those routes out).
   */
  gatewayTableOf(len: number): number | undefined {
    const i = this.#lengths.indexOf(len)
    return i < 0 ? undefined : this.#opt.table + 1 + i
  }

  /** The rules' arguments, in priority order (see ruleArgs). */
  rules(): string[][] {
    return ruleArgs(this.#opt, this.#lengths)
  }

  /** Start ip, remove what an earlier run left, then add the rules (with the IPv6 gateway routes' prefix lengths). */
  async start(gatewayLengths: readonly number[] = []): Promise<void> {
    await this.#batch.start()
    try {
      await this.#removeAll('left by an earlier run')
      await this.#addRules(gatewayLengths)
      this.#running = true
    } catch (err) {
      await this.#batch.stop()
      throw err
    }
  }

  /**
   * New IPv6 gateway prefix lengths (a reloaded config): everything is removed and the rules
   * redone, so the caller must apply its routes again. False (nothing changed) if they are the same.
   */
  async setGatewayLengths(gatewayLengths: readonly number[]): Promise<boolean> {
    const next = [...new Set(gatewayLengths)].sort((a, b) => b - a)
    if (next.join() === this.#lengths.join()) return false
    await this.#removeAll('for the new IPv6 gateway routes')
    this.#installed = []
    await this.#addRules(next)
    return true
  }

  async #addRules(gatewayLengths: readonly number[]): Promise<void> {
    this.#lengths = [...new Set(gatewayLengths)].sort((a, b) => b - a).slice(0, MAX_GATEWAY_TABLES)
    const lines = rule6AddLines(this.#opt, this.#lengths)
    if (this.#opt.dryRun) {
      for (const l of lines) this.#log.info(`dry run: would run ip -6 ${l}`)
      return
    }
    const r = await this.#batch.run(lines)
    if (!r.ok)
      throw new Error(`cannot add ip -6 rules (${batchErrorText(r, lines)}): faild needs root or CAP_NET_ADMIN`)
  }

  /** Remove every IPv6 route and rule faild added, then stop ip. */
  async stop(): Promise<void> {
    this.#running = false
    await this.#removeAll('at shutdown')
    this.#installed = []
    await this.#batch.stop()
  }

  /** Make the tables hold exactly `desired`, in one batch with the refresh. False if ip reported a failure. */
  async apply(desired: readonly Route6[]): Promise<boolean> {
    const changes = diff(this.#installed, desired)
    if (isEmptyChangeSet(changes)) return true
    const lines = route6Lines(changes, this.#opt)
    if (this.#opt.dryRun) {
      for (const l of lines) this.#log.info(`dry run: would run ip -6 ${l}`)
      this.#installed = [...desired]
      return true
    }
    this.#log.debug(`ip -6 -batch: ${lines.join('; ')}`)
    const r = await this.#batch.run(lines)
    if (r.ok) {
      this.#installed = [...desired]
      this.#repeats.clear('apply')
      return true
    }
    this.#warn('apply', `ip -6 -batch failed, will retry: ${batchErrorText(r, lines)}`)
    this.#installed = (await this.#readAll()).routes ?? []
    return false
  }

  /** Compare the kernel with what we believe it holds, as RouteTable.reconcile does; returns what differed. */
  async reconcile(): Promise<string[]> {
    if (this.#opt.dryRun) return []
    const { routes: kernel, rules } = await this.#readAll()
    if (!kernel || !rules) return []
    const c = diff(kernel, this.#installed)
    const out = [
      ...[...c.add, ...c.change].map((r) => `route ${describeRoute6(r)} missing`),
      ...c.remove.map((r) => `stray route ${describeRoute6(r)}`),
    ]
    const want = this.rules().map((r) => Number(r[1]))
    const have = rules.map((r) => r.priority)
    const rulesDiffer = want.length !== have.length || want.some((p) => !have.includes(p))
    if (rulesDiffer) out.push(`ip -6 rules at ${have.join(', ') || 'no priority'} instead of ${want.join(', ')}`)
    if (out.length === 0) return out
    this.#installed = kernel
    if (rulesDiffer) await this.#redoRules(rules)
    return out
  }

  async #redoRules(rules: readonly OwnRule[]): Promise<void> {
    const dels = rules.map((ru) => ruleDelLine(ru.priority, this.#opt.proto))
    const lines = [...dels, ...rule6AddLines(this.#opt, this.#lengths)]
    const r = await this.#batch.run(lines)
    if (!r.ok) this.#warn('rules', `cannot restore the ip -6 rules, will retry: ${batchErrorText(r, lines)}`)
  }

  /** Routes and rules in one batch; undefined where unreadable (logged). */
  async #readAll(): Promise<{ routes?: Route6[] | undefined; rules?: OwnRule[] | undefined }> {
    const lines = [showRoutesLine(this.#opt.proto), SHOW_RULES_LINE]
    const r = await this.#batch.run(lines)
    if (!r.ok) {
      this.#warn('read-all', `cannot read faild's IPv6 routes and rules: ${batchErrorText(r, lines)}`)
      return {}
    }
    const routes = parseRoutes6(r.output[0] ?? '', this.#opt)
    const rules = parseRules6(r.output[1] ?? '', this.#opt)
    if (!routes || !rules) this.#warn('read-all', "cannot read faild's IPv6 routes and rules: unexpected output")
    return { routes, rules }
  }

  /** A warning that recurs every interval while its cause lasts: once, then summed up once a minute. */
  #warn(kind: string, text: string): void {
    const r = this.#repeats.take(kind, this.#now())
    if (r.log) this.#log.warn(text + heldText(r.held))
  }

  async #removeAll(why: string): Promise<void> {
    const o = this.#opt
    const { routes = [], rules = [] } = await this.#readAll()
    if (routes.length === 0 && rules.length === 0) return
    for (const rt of routes) this.#log.info(`removing route ${describeRoute6(rt)} table ${rt.table} ${why}`)
    for (const ru of rules) this.#log.info(`removing ip -6 rule pref ${ru.priority} table ${ru.table} ${why}`)
    if (o.dryRun) return
    const lines = [
      ...routes.map((rt) => route6DelLine(rt, o.proto)),
      ...rules.map((ru) => ruleDelLine(ru.priority, o.proto)),
    ]
    const r = await this.#batch.run(lines)
    if (!r.ok) this.#log.warn(`IPv6 cleanup ${why} incomplete: ${batchErrorText(r, lines)}`)
  }
}
