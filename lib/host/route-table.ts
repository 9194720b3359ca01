// The only module that changes the host: faild's routing tables, its ip rules, and the routes in them.
//
// Everything faild installs is tagged with its own tables and protocol number, so it never touches
// a route it did not create, and `ip route show table <table>` shows exactly what it changed.
import type { IpRunner } from './ip-runner.js'
import { formatIPv4, parseIPv4 } from '../core/util/ipv4.js'
import type { Logger } from './log.js'
import { batchLines, describeRoute, diffRoutes, isEmptyDiff, type Route } from '../core/routes/plan.js'

/** Gateway-route prefix lengths need a table and two rules each: at most 33 (/0 to /32). */
const MAX_GATEWAY_TABLES = 33

export interface RouteTableOptions {
  /** Host routes live here; gateway routes in the next tables, one per prefix length. */
  readonly table: number
  readonly proto: number
  readonly rulePriority: number
  /** faild's UDP port: probes are exempt from the tables so they stay on their own LAN. */
  readonly port: number
  readonly dryRun: boolean
}

interface IpRoute {
  type?: string
  dst?: string
  gateway?: string
  dev?: string
  prefsrc?: string
  table?: string
}

interface IpRule {
  priority?: number
  table?: string
  protocol?: string
}

export class RouteTable {
  readonly #ip: IpRunner
  readonly #log: Logger
  readonly #opt: RouteTableOptions
  /** What the kernel holds in our tables, as far as we know; re-read after any failure. */
  #installed: Route[] = []
  /** Gateway-route prefix lengths, longest first: group i uses table + 1 + i. */
  #lengths: number[] = []

  constructor(opt: RouteTableOptions, deps: { ip: IpRunner; log: Logger }) {
    this.#opt = opt
    this.#ip = deps.ip
    this.#log = deps.log
  }

  get installed(): readonly Route[] {
    return this.#installed
  }

  /** The table that holds gateway routes of prefix length `len` (see setGatewayLengths). */
  gatewayTable(len: number): number {
    const i = this.#lengths.indexOf(len)
    if (i < 0) throw new RangeError(`no gateway table for /${len}`)
    return this.#opt.table + 1 + i
  }

  /**
   * The rules, in priority order. First everything but faild's own probes goes to the host-route
   * table: probes must stay on their LAN, or an ACK to a peer's A address would leave over LAN B
   * and make a dead LAN A look alive. Then, per gateway prefix length L (longest first), the main
   * table is asked with its routes of length <= L suppressed, so its more specific routes (the
   * LANs themselves among them) still win, and only then faild's /L gateway routes.
   */
  rules(): string[][] {
    const o = this.#opt
    const probesExempt = ['not', 'ipproto', 'udp', 'sport', `${o.port}`]
    const tag = ['protocol', `${o.proto}`]
    return [
      ['pref', `${o.rulePriority}`, ...probesExempt, 'table', `${o.table}`, ...tag],
      ...this.#lengths.flatMap((len, i) => [
        ['pref', `${o.rulePriority + 1 + 2 * i}`, 'table', 'main', 'suppress_prefixlength', `${len}`, ...tag],
        ['pref', `${o.rulePriority + 2 + 2 * i}`, ...probesExempt, 'table', `${o.table + 1 + i}`, ...tag],
      ]),
    ]
  }

  /** Remove what an earlier run left (kill -9, power loss), then install the rules. */
  async start(gatewayLengths: readonly number[] = []): Promise<void> {
    await this.#removeAll('left by an earlier run')
    this.#lengths = [...new Set(gatewayLengths)].sort((a, b) => b - a).slice(0, MAX_GATEWAY_TABLES)
    if (this.#opt.dryRun) {
      for (const r of this.rules()) this.#log.info(`dry run: would run ip rule add ${r.join(' ')}`)
      return
    }
    const r = await this.#batch(this.rules().map((x) => `rule add ${x.join(' ')}`))
    if (r.code !== 0) throw new Error(`cannot add ip rules (${r.stderr.trim()}): faild needs root or CAP_NET_ADMIN`)
  }

  /**
   * New gateway prefix lengths (a reloaded config): everything is removed and the rules redone, so
   * the caller must apply its routes again. Returns false (and changes nothing) if they are the same.
   */
  async setGatewayLengths(gatewayLengths: readonly number[]): Promise<boolean> {
    const next = [...new Set(gatewayLengths)].sort((a, b) => b - a)
    if (next.join() === this.#lengths.join()) return false
    await this.#removeAll('for the new gateway routes')
    this.#installed = []
    await this.start(next)
    return true
  }

  /** Remove every route and rule faild added. */
  async stop(): Promise<void> {
    await this.#removeAll('at shutdown')
    this.#installed = []
  }

  /** Make the tables hold exactly `desired`, in one ip -batch. Returns false if ip reported a failure. */
  async apply(desired: readonly Route[]): Promise<boolean> {
    const diff = diffRoutes(desired, this.#installed)
    if (isEmptyDiff(diff)) return true
    const lines = batchLines(diff, this.#opt.proto)
    if (this.#opt.dryRun) {
      for (const l of lines) this.#log.info(`dry run: would run ip ${l}`)
      this.#installed = [...desired]
      return true
    }
    this.#log.debug(`ip -batch: ${lines.join('; ')}`)
    const r = await this.#batch(lines)
    if (r.code === 0) {
      this.#installed = [...desired]
      return true
    }
    this.#log.warn(`ip -batch failed, will retry: ${r.stderr.trim()}`)
    this.#installed = await this.read()
    return false
  }

  /**
   * Compare the kernel with what we believe it holds: a route of ours deleted by hand, or one
   * added behind our back, makes the next apply() put things right. Returns what differed.
   */
  async reconcile(): Promise<string[]> {
    if (this.#opt.dryRun) return []
    const kernel = await this.read()
    const diff = diffRoutes(this.#installed, kernel)
    const out = [
      ...diff.replace.map((r) => `route ${describeRoute(r)} missing`),
      ...diff.remove.map((r) => `stray route ${describeRoute(r)}`),
    ]
    const rules = await this.#ownRules()
    const want = this.rules().map((r) => Number(r[1]))
    const have = rules.map((r) => r.priority!)
    const rulesDiffer = want.length !== have.length || want.some((p) => !have.includes(p))
    if (rulesDiffer) out.push(`ip rules at ${have.join(', ') || 'no priority'} instead of ${want.join(', ')}`)
    if (out.length === 0) return out
    this.#installed = kernel
    if (rulesDiffer) {
      const lines = [...rules.map((ru) => `rule del pref ${ru.priority} protocol ${this.#opt.proto}`), ...this.rules().map((x) => `rule add ${x.join(' ')}`)]
      await this.#batch(lines)
    }
    return out
  }

  /** faild's routes as the kernel has them, in all of its tables. */
  async read(): Promise<Route[]> {
    const o = this.#opt
    const r = await this.#ip.run(['-json', 'route', 'show', 'table', 'all', 'proto', `${o.proto}`])
    if (r.code !== 0) {
      this.#log.warn(`cannot read faild's routes: ${r.stderr.trim()}`)
      return []
    }
    return (JSON.parse(r.stdout || '[]') as IpRoute[]).flatMap((x) => {
      const table = Number(x.table)
      if (!(table >= o.table && table <= o.table + MAX_GATEWAY_TABLES) || (x.type && x.type !== 'unicast')) return []
      const [d, l] = (x.dst === 'default' ? '0.0.0.0/0' : x.dst ?? '').split('/')
      const dst = parseIPv4(d ?? '')
      const via = parseIPv4(x.gateway ?? '')
      const src = parseIPv4(x.prefsrc ?? '')
      const len = l === undefined ? 32 : Number(l)
      return dst !== undefined && via !== undefined && src !== undefined && x.dev ? [{ table, dst, len, via, dev: x.dev, src }] : []
    })
  }

  async #removeAll(why: string): Promise<void> {
    const o = this.#opt
    const routes = await this.read()
    const rules = await this.#ownRules()
    if (routes.length === 0 && rules.length === 0) return
    for (const rt of routes) this.#log.info(`removing route ${describeRoute(rt)} table ${rt.table} ${why}`)
    for (const ru of rules) this.#log.info(`removing ip rule pref ${ru.priority} table ${ru.table} ${why}`)
    if (o.dryRun) return
    const lines = [
      ...routes.map((rt) => `route del ${formatIPv4(rt.dst)}/${rt.len} table ${rt.table} proto ${o.proto}`),
      ...rules.map((ru) => `rule del pref ${ru.priority} protocol ${o.proto}`),
    ]
    const r = await this.#batch(lines)
    if (r.code !== 0) this.#log.warn(`cleanup ${why} incomplete: ${r.stderr.trim()}`)
  }

  /** Rules tagged with our protocol in our priority range (`ip rule show protocol N` does not filter in iproute2 6.1). */
  async #ownRules(): Promise<IpRule[]> {
    const r = await this.#ip.run(['-json', 'rule', 'show'])
    if (r.code !== 0) return []
    const { rulePriority, proto } = this.#opt
    const last = rulePriority + 2 * MAX_GATEWAY_TABLES
    return (JSON.parse(r.stdout || '[]') as IpRule[]).filter(
      (x) => x.priority !== undefined && x.priority >= rulePriority && x.priority <= last && x.protocol === `${proto}`,
    )
  }

  #batch(lines: readonly string[]) {
    return this.#ip.run(['-force', '-batch', '-'], lines.join('\n') + '\n')
  }
}
