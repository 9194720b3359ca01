// The daemon's components, built once its LANs are known, each handed the collaborators it needs.
import { randomInt } from 'node:crypto'
import { tunables } from '../config/derive.js'
import type { Options } from '../config/types.js'
import type { ServiceAddress } from '../core/addresses/placement.js'
import type { Effect } from '../core/engine/effects.js'
import { Engine } from '../core/engine/engine.js'
import { FORGET_INTERVALS, FORGET_MIN_MS } from '../core/engine/timing.js'
import type { EngineView } from '../core/engine/view.js'
import { defaultNodeId, engineAddress, type Lan, ownLan } from '../core/lans.js'
import { lanName, type StatusInput } from '../core/report/status-report.js'
import type { TargetSpec } from '../core/targets/targets.js'
import { clusterTag } from '../core/wire/codec.js'
import type { WireKey } from '../core/wire/message.js'
import { clockBoot } from '../host/boot-counter.js'
import { CarrierMonitor, type CarrierWatch } from '../host/carrier-watch.js'
import type { RouteTable } from '../host/route-table.js'
import type { RouteTable6 } from '../host/route-table6.js'
import { socketDrops } from '../host/socket-drops.js'
import type { Datagrams } from './datagrams.js'
import type { DaemonDeps } from './deps.js'
import { Drops } from './drops.js'
import { EffectRunner } from './effect-runner.js'
import { buildIngress } from './ingress.js'
import { Interfaces } from './interfaces.js'
import { schedulerJobs } from './jobs.js'
import type { DaemonObserver } from './observer.js'
import { Operator } from './operator.js'
import { Overload } from './overload.js'
import type { PacketIn } from './packet-in.js'
import { Probes } from './probes.js'
import type { RouteSync, Wanted } from './route-sync.js'
import { buildRouting } from './routing.js'
import { Scheduler } from './scheduler.js'
import type { ServiceAddresses } from './service-addresses.js'
import { WireVersions } from './wire-versions.js'

export interface Parts {
  /** Updated in place as interfaces change (see Interfaces). */
  readonly lans: readonly Lan[]
  /** The LAN interfaces' names at start, in LAN order: what the carrier watch reports them by. */
  readonly ifaces: readonly string[]
  readonly interfaces: Interfaces
  readonly probes: Probes
  readonly addresses: ServiceAddresses
  readonly engine: Engine
  readonly drops: Drops
  readonly packets: PacketIn
  readonly effects: EffectRunner
  readonly datagrams: Datagrams
  readonly routes: RouteTable
  readonly routes6: RouteTable6
  readonly sync: RouteSync
  readonly scheduler: Scheduler
  readonly carrier: CarrierWatch
  readonly operator: Operator
}

/** What the components call back into the daemon for. */
export interface Hooks {
  readonly options: () => Options
  /** Carry out effects; `exact`: re-arm the deadline from the engine's exact next one. */
  readonly run: (effects: readonly Effect[], exact?: boolean) => void
  /** The routes wanted now, or with `view` in place of the engine's (what-if). */
  readonly plan: (view?: EngineView) => Wanted
  readonly statusInput: (view: EngineView) => StatusInput
  /** A LAN has an IPv6 address now: IPv6 routes may be needed where none were at start. */
  readonly ipv6: () => void
}

/** The engine for this host's LANs: a fresh boot id and a random first sequence number per start. */
function newEngine(
  o: Options,
  lans: readonly Lan[],
  keys: readonly WireKey[],
  boot: number,
  observer: DaemonObserver | undefined,
): Engine {
  const rtt = observer?.rtt
  return new Engine({
    ...(rtt ? { rttSample: (lan: number, ms: number) => rtt.call(observer, lan, ms) } : {}),
    nodeId: o.nodeId ?? defaultNodeId(lans),
    boot,
    firstSeq: randomInt(0, 2 ** 32),
    addresses: lans.map((l) => engineAddress(l).address),
    prefixLens: lans.map((l) => engineAddress(l).prefixLen),
    ipv6: lans.map((l) => l.ipv6),
    requestor: o.requestor,
    cluster: o.cluster ? clusterTag(o.cluster) : 0,
    authenticated: keys.length > 0,
    ...tunables(o, lans),
  })
}

/** What the probe targets are judged with: the same interval and counters as the peers. */
export const targetConfig = (o: Options) => ({
  intervalMs: Math.round(o.interval * 1000),
  failAfter: o.failAfter,
  upAfter: o.upAfter,
})

export function buildParts(
  deps: DaemonDeps,
  found: readonly Lan[],
  keys: readonly WireKey[],
  placed: { readonly targets: readonly TargetSpec[]; readonly addresses: readonly ServiceAddress[] },
  hooks: Hooks,
): Parts {
  const { log, ip, clock, notify } = deps
  const lans = [...found]
  const o = hooks.options()
  const defer = deps.defer ?? setImmediate
  const label = (lan: number) => lanName(lans, lan)
  const engine = newEngine(o, lans, keys, deps.boot?.() ?? clockBoot(Date.now()), deps.observer)
  const drops = new Drops(log, label, o.logPackets)
  const own = lans.map(ownLan)
  const forget = () => Math.max(FORGET_MIN_MS, FORGET_INTERVALS * hooks.options().interval * 1000)
  const versions = new WireVersions(lans.length, forget)
  const wireVersion = () => hooks.options().wireVersion
  const overload = new Overload(log, () => hooks.options().interval * 1000)
  const { packets, datagrams } = buildIngress(deps, {
    ...{ engine, lans, keys, drops, label, own, versions, wireVersion, overload },
    options: hooks.options,
    run: hooks.run,
    dropped: () => scheduler.dropped(),
  })
  const send = (lan: number, to: number | 'broadcast', data: Buffer) => datagrams.send(lan, to, data)
  const v1Broadcast = (lan: number) => lans[lan]?.broadcast || 'broadcast'
  const { observer } = deps
  const egress = { log, drops, label, notify, send, own, versions, wireVersion, v1Broadcast, observer }
  const effects = new EffectRunner(egress, keys[0])
  const ifaces = found.map((l) => l.iface)
  const carrier = deps.carrierWatch?.(ifaces) ?? new CarrierMonitor(ifaces, { ip, log })
  const { routes, routes6, addresses, sync } = buildRouting(deps, {
    ...{ engine, lans, label, defer, placed: placed.addresses },
    targets: () => probes.view(),
    watched: () => carrier.watchesKernel?.() ?? false,
    options: hooks.options,
    run: hooks.run,
    plan: hooks.plan,
  })
  const now = () => clock.now()
  const probes = new Probes(placed.targets, targetConfig(o), {
    log,
    now,
    label,
    iface: (lan) => lans[lan]!.iface,
    notify,
    changed: () => sync.queue([]),
    deadline: (at) => scheduler.soonest(at),
  })
  const socketDropsAt = deps.socketDrops ?? socketDrops
  const jobs = schedulerJobs({
    ...{ engine, probes, packets, overload, sync },
    socketDrops: () => socketDropsAt(o.port),
    run: (fx, exact) => hooks.run(fx, exact),
  })
  const scheduler = new Scheduler(clock, defer, jobs, o.interval * 1000)
  const operator = new Operator({
    log,
    engine,
    lans,
    drops,
    version: deps.version ?? 'unknown',
    startedAt: clock.now(),
    now: () => clock.now(),
    options: hooks.options,
    received: () => packets.received,
    overload: () => overload.status(clock.now()),
    statusInput: () => hooks.statusInput(engine.view()),
    run: (fx) => hooks.run(fx),
    plan: (view) => hooks.plan(view),
    target: () => sync.target,
    ...(deps.offline ? { offline: deps.offline } : {}),
  })
  const interfaces = new Interfaces({
    ip,
    log,
    lans,
    own,
    rebind: (lan) => datagrams.rebind(lan),
    readdress: (lan, address, prefixLen, ipv6) => {
      const effects = engine.readdress(clock.now(), lan, address, prefixLen, ipv6)
      if (ipv6) hooks.ipv6()
      return effects
    },
    run: (fx) => hooks.run(fx),
    replan: () => sync.queue([]),
    clock,
    services: addresses.own,
  })
  const parts = { lans, ifaces, interfaces, probes, addresses, engine, drops, packets, effects, datagrams }
  return { ...parts, routes, routes6, sync, scheduler, carrier, operator }
}
