// The only module that changes the host: faild's routing table, its ip rule, and the routes in it.
//
// Everything faild installs is tagged with its own table and protocol number, so it never touches
// a route it did not create, and `ip route show table <table>` shows exactly what it changed.
import type { IpRunner } from './ip.js'
import { formatIPv4, parseIPv4 } from './ipv4.js'
import type { Logger } from './log.js'
import { batchLines, describeRoute, diffRoutes, isEmptyDiff, type HostRoute, type RouteOwner } from './route-plan.js'

export interface RouteTableOptions extends RouteOwner {
  readonly rulePriority: number
  /** faild's UDP port: probes are exempt from the table so they stay on their own LAN. */
  readonly port: number
  readonly dryRun: boolean
}

interface IpRoute {
  dst?: string
  gateway?: string
  dev?: string
  prefsrc?: string
}

interface IpRule {
  priority?: number
  table?: string
  protocol?: string
}

const NO_TABLE = /FIB table does not exist/

export class RouteTable {
  readonly #ip: IpRunner
  readonly #log: Logger
  readonly #opt: RouteTableOptions
  /** What the kernel holds in our table, as far as we know; re-read after any failure. */
  #installed: HostRoute[] = []

  constructor(opt: RouteTableOptions, deps: { ip: IpRunner; log: Logger }) {
    this.#opt = opt
    this.#ip = deps.ip
    this.#log = deps.log
  }

  get installed(): readonly HostRoute[] {
    return this.#installed
  }

  /**
   * The rule that sends everything but faild's own probes to faild's table. Probes must stay on
   * their LAN: routed through the table, an ACK to a peer's A address would leave over LAN B and
   * make a dead LAN A look alive.
   */
  ruleArgs(): string[] {
    const o = this.#opt
    return ['pref', `${o.rulePriority}`, 'not', 'ipproto', 'udp', 'sport', `${o.port}`, 'table', `${o.table}`, 'protocol', `${o.proto}`]
  }

  /** Remove what an earlier run left (kill -9, power loss), then install the rule. */
  async start(): Promise<void> {
    await this.#removeAll('left by an earlier run')
    if (this.#opt.dryRun) {
      this.#log.info(`dry run: would run ip rule add ${this.ruleArgs().join(' ')}`)
      return
    }
    const r = await this.#ip.run(['rule', 'add', ...this.ruleArgs()])
    if (r.code !== 0) throw new Error(`cannot add ip rule (${r.stderr.trim()}): faild needs root or CAP_NET_ADMIN`)
  }

  /** Remove every route and rule faild added. */
  async stop(): Promise<void> {
    await this.#removeAll('at shutdown')
    this.#installed = []
  }

  /** Make the table hold exactly `desired`, in one ip -batch. Returns false if ip reported a failure. */
  async apply(desired: readonly HostRoute[]): Promise<boolean> {
    const diff = diffRoutes(desired, this.#installed)
    if (isEmptyDiff(diff)) return true
    const lines = batchLines(diff, this.#opt)
    if (this.#opt.dryRun) {
      for (const l of lines) this.#log.info(`dry run: would run ip ${l}`)
      this.#installed = [...desired]
      return true
    }
    this.#log.debug(`ip -batch: ${lines.join('; ')}`)
    const r = await this.#ip.run(['-force', '-batch', '-'], lines.join('\n') + '\n')
    if (r.code === 0) {
      this.#installed = [...desired]
      return true
    }
    this.#log.warn(`ip -batch failed, will retry: ${r.stderr.trim()}`)
    this.#installed = await this.read()
    return false
  }

  /** faild's routes as the kernel has them. */
  async read(): Promise<HostRoute[]> {
    const o = this.#opt
    const r = await this.#ip.run(['-json', 'route', 'show', 'table', `${o.table}`, 'proto', `${o.proto}`])
    if (r.code !== 0) {
      if (!NO_TABLE.test(r.stderr)) this.#log.warn(`cannot read table ${o.table}: ${r.stderr.trim()}`)
      return []
    }
    return (JSON.parse(r.stdout || '[]') as IpRoute[]).flatMap((x) => {
      const dst = parseIPv4(x.dst ?? '')
      const via = parseIPv4(x.gateway ?? '')
      const src = parseIPv4(x.prefsrc ?? '')
      return dst !== undefined && via !== undefined && src !== undefined && x.dev ? [{ dst, via, dev: x.dev, src }] : []
    })
  }

  async #removeAll(why: string): Promise<void> {
    const o = this.#opt
    const routes = await this.read()
    const rules = await this.#ownRules()
    if (routes.length === 0 && rules.length === 0) return
    for (const rt of routes) this.#log.info(`removing route ${describeRoute(rt)} ${why}`)
    for (const ru of rules) this.#log.info(`removing ip rule pref ${ru.priority} table ${o.table} ${why}`)
    if (o.dryRun) return
    const lines = [
      ...routes.map((rt) => `route del ${formatIPv4(rt.dst)}/32 table ${o.table} proto ${o.proto}`),
      ...rules.map((ru) => `rule del pref ${ru.priority} table ${o.table} protocol ${o.proto}`),
    ]
    const r = await this.#ip.run(['-force', '-batch', '-'], lines.join('\n') + '\n')
    if (r.code !== 0) this.#log.warn(`cleanup ${why} incomplete: ${r.stderr.trim()}`)
  }

  async #ownRules(): Promise<IpRule[]> {
    // `ip rule show protocol N` does not filter (iproute2 6.1), so match the fields here.
    const r = await this.#ip.run(['-json', 'rule', 'show'])
    if (r.code !== 0) return []
    const { table, proto } = this.#opt
    return (JSON.parse(r.stdout || '[]') as IpRule[]).filter(
      (x) => x.priority !== undefined && x.table === `${table}` && x.protocol === `${proto}`,
    )
  }
}
