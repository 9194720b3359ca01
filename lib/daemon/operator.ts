// What an operator asks of a running daemon: take a LAN offline or back, and the status report.
import type { Options } from '../config/types.js'
import type { Effect } from '../core/engine/effects.js'
import type { Engine } from '../core/engine/engine.js'
import { type EngineView, offlineView } from '../core/engine/view.js'
import type { Lan } from '../core/lans.js'
import { connectivityMatrix, type Matrix } from '../core/report/matrix.js'
import type { OverloadStatus, StatusReport } from '../core/report/status.js'
import { routeWhy6, type StatusInput, statusReport } from '../core/report/status-report.js'
import { changeSet, changeSetBy } from '../core/routes/diff.js'
import { describeRoute, type Route } from '../core/routes/route.js'
import { describeRoute6, type Route6, route6Key, sameRoute6 } from '../core/routes/route6.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import type { Logger } from '../host/log.js'
import type { OfflineStore } from '../host/offline-file.js'
import type { Drops } from './drops.js'
import type { Wanted } from './route-sync.js'

export interface OperatorDeps {
  readonly log: Logger
  readonly engine: Engine
  readonly lans: readonly Lan[]
  readonly drops: Drops
  readonly version: string
  readonly startedAt: number
  readonly now: () => number
  readonly options: () => Options
  readonly received: () => number
  /** The overload spell faild is in, if any. */
  readonly overload: () => OverloadStatus | null
  readonly statusInput: () => StatusInput
  /** Carry out the engine's effects, as for any event. */
  readonly run: (effects: Effect[]) => void
  /** The routes wanted with `view` in place of the engine's. */
  readonly plan: (view: EngineView) => Wanted
  /** The routes faild wants now. */
  readonly target: () => readonly Route[]
  /** Where the LANs offline are kept across a restart; none: in memory only. */
  readonly offline?: OfflineStore
}

export class Operator {
  readonly #deps: OperatorDeps

  constructor(deps: OperatorDeps) {
    this.#deps = deps
  }

  /** The LAN an operator names by label ("A") or interface ("eth1"), the label in any case. */
  #findLan(name: string): Lan | undefined {
    const { lans } = this.#deps
    return (
      lans.find((l) => l.label === name || l.iface === name) ??
      lans.find((l) => l.label.toLowerCase() === name.toLowerCase())
    )
  }

  /** faildctl offline/online: take a LAN out of service, or put it back. Returns what happened. */
  setOffline(name: string, offline: boolean): { ok: boolean; message: string } {
    const { engine, log } = this.#deps
    const lan = this.#findLan(name)
    if (!lan) return this.#noLan(name)
    const it = `LAN ${lan.label} (${lan.iface})`
    if (engine.view().lans[lan.index]?.offline === offline)
      return { ok: true, message: `${it} is already ${offline ? 'offline' : 'online'}` }
    const message = offline
      ? `${it} taken offline: every path on it is down for routing and peers are told; probes go on`
      : `${it} back online: its paths that stayed healthy carry traffic again`
    log.info(message) // the operator's doing, not a fault
    this.#deps.run(engine.setOffline(this.#deps.now(), lan.index, offline))
    const unkept = this.#keep()
    return { ok: true, message: unkept ? `${message}; ${unkept}` : message }
  }

  /** Write down the LANs offline now; what went wrong, if it could not be kept. */
  #keep(): string | undefined {
    const { offline, engine, lans, log } = this.#deps
    if (!offline) return undefined
    const off = engine.lanViews().flatMap((l, i) => (l.offline && lans[i] ? [lans[i].iface] : []))
    try {
      offline.write(off)
      return undefined
    } catch (err) {
      const why = `not kept for a restart (${(err as Error).message}): a restart puts every LAN online`
      log.warn(why)
      return why
    }
  }

  /** At start: the LANs faildctl left offline before this start stay offline. */
  restoreOffline(): void {
    const { offline, engine, lans, log } = this.#deps
    let kept: string[]
    try {
      kept = offline?.read() ?? []
    } catch (err) {
      log.warn(`LANs taken offline before this start: cannot read them (${(err as Error).message}); none is`)
      return
    }
    for (const name of kept) {
      const lan = lans.find((l) => l.iface === name)
      if (!lan) {
        log.warn(`LAN ${name} was offline before this start and is no LAN now: forgotten`)
        continue
      }
      log.warn(
        `LAN ${lan.label} (${lan.iface}) stays offline, as faildctl left it before this start: ` +
          `every path on it is down for routing; 'faildctl online ${lan.label}' puts it back`,
      )
      this.#deps.run(engine.setOffline(this.#deps.now(), lan.index, true))
    }
    if (kept.some((name) => !lans.some((l) => l.iface === name))) this.#keep()
  }

  /**
   * faildctl what-if offline: what taking LAN `name` offline would do to the routes, planned from
   * the same view with that LAN's paths down, and made nowhere.
   */
  whatIfOffline(name: string): { ok: boolean; message: string } {
    const lan = this.#findLan(name)
    if (!lan) return this.#noLan(name)
    const it = `LAN ${lan.label} (${lan.iface})`
    const view = this.#deps.engine.view()
    if (view.lans[lan.index]?.offline) return { ok: true, message: `${it} is offline already: nothing would change` }
    const offline = offlineView(view, lan.index)
    const after = this.#deps.plan(offline)
    const c = changeSet(this.#deps.target(), after.routes)
    const lines = [
      ...c.add.map((r) => `  add     ${describeRoute(r)}  (${after.why(r)})`),
      ...c.change.map((r) => `  change  ${describeRoute(r)}  (${after.why(r)})`),
      ...c.remove.map((r) => `  remove  ${describeRoute(r)}`),
      ...this.#whatIf6(offline, after.routes6),
    ]
    const peers = view.peers.filter((p) => (p.paths[lan.index]?.address ?? 0) !== 0).length
    const head = `taking ${it} offline now would tell ${peers} peers and`
    if (lines.length === 0) return { ok: true, message: `${head} change no route here` }
    return { ok: true, message: [`${head} make ${lines.length} route changes here:`, ...lines].join('\n') }
  }

  /**
   * The IPv6 lines of what-if, after the IPv4 ones (the order RouteSync applies them in), each
   * with the why of its IPv4 twin. The routes now come with the status input (RouteSync.target6).
   */
  #whatIf6(offline: EngineView, after: readonly Route6[]): string[] {
    const now = this.#deps.statusInput()
    const c = changeSetBy(now.routes6 ?? [], after, route6Key, sameRoute6)
    const why = (r: Route6) => routeWhy6({ ...now, view: offline }, r)
    return [
      ...c.add.map((r) => `  add     ${describeRoute6(r)}  (${why(r)})`),
      ...c.change.map((r) => `  change  ${describeRoute6(r)}  (${why(r)})`),
      ...c.remove.map((r) => `  remove  ${describeRoute6(r)}`),
    ]
  }

  #noLan(name: string): { ok: false; message: string } {
    const { lans } = this.#deps
    return { ok: false, message: `no LAN '${name}': LANs are ${lans.map((l) => `${l.label} (${l.iface})`).join(', ')}` }
  }

  /** faildctl matrix: who hears whom on each LAN, as this host knows it. */
  matrix(): Matrix {
    const { engine, lans, now } = this.#deps
    return connectivityMatrix(
      engine.view(),
      lans.map((l) => l.label),
      now(),
    )
  }

  /** Everything `faildctl status` shows. */
  status(): StatusReport {
    const d = this.#deps
    const o = d.options()
    const drops = Object.fromEntries(d.drops.counts)
    return {
      version: d.version,
      pid: process.pid,
      node: formatIPv4(d.engine.config.nodeId),
      role: o.requestor ? 'requestor' : 'responder',
      intervalS: o.interval,
      failAfter: o.failAfter,
      upAfter: o.upAfter,
      uptimeS: Math.round((d.now() - d.startedAt) / 1000),
      dryRun: o.dryRun,
      overload: d.overload(),
      ...statusReport(d.statusInput()),
      packets: { received: d.received(), dropped: d.drops.total, drops },
    }
  }
}
