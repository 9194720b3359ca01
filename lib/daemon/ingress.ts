// The packet path in: the sockets, and what takes a datagram from them through packet-in.ts to the engine.
import { rateLimit } from '../config/derive.js'
import type { Options } from '../config/types.js'
import type { Effect } from '../core/engine/effects.js'
import type { Engine, Routine } from '../core/engine/engine.js'
import type { Lan } from '../core/lans.js'
import { LinkHandles } from '../core/link-handles.js'
import { RateLimiter } from '../core/util/rate-limit.js'
import type { WireKey } from '../core/wire/message.js'
import { Datagrams } from './datagrams.js'
import type { DaemonDeps } from './deps.js'
import type { Overload } from './overload.js'
import { PacketIn, type PacketInDeps } from './packet-in.js'

/** What ingress is built on; drops, label, own, versions and wireVersion are shared with what sends. */
export interface IngressParts extends Pick<PacketInDeps, 'drops' | 'label' | 'own' | 'versions' | 'wireVersion'> {
  readonly engine: Engine
  /** Updated in place as interfaces change, as the sockets read them. */
  readonly lans: readonly Lan[]
  readonly keys: readonly WireKey[]
  readonly options: () => Options
  /** Carry out the engine's effects (Hooks.run). */
  readonly run: (effects: readonly Effect[], exact: boolean) => void
  /** Why faild may have lost packets of its own doing since it was last asked (Scheduler.dropped). */
  readonly dropped: () => string | undefined
  readonly overload: Overload
}

/** What a routine INQ leaves to carry out: nothing. */
const NO_EFFECTS: readonly Effect[] = Object.freeze([])

/** The sockets (which what sends uses too) and the packet ingress they deliver to. */
export function buildIngress(deps: DaemonDeps, p: IngressParts): { packets: PacketIn; datagrams: Datagrams } {
  const { engine, run, overload, options } = p
  const o = options()
  // Asked only when a peer begins to say it does not hear us: is that our own doing? (One
  // function for every packet, not a closure each.)
  let arrivedAt = 0
  const blindNow = () => {
    const why = p.dropped()
    if (why !== undefined) overload.held(arrivedAt, why)
    return why !== undefined
  }
  const accept = (now: number, lan: number, src: number, msg: Parameters<Engine['receive']>[3]) => {
    arrivedAt = now
    const effects = engine.receive(now, lan, src, msg, blindNow)
    run(effects, false)
    return effects.length === 0 ? engine.routineOf(lan, src, msg) : undefined
  }
  const takesRoutine = (r: Routine, seq: number) => engine.takesRoutine(r, seq)
  const takeRoutine = (now: number, r: Routine, seq: number) => {
    arrivedAt = now
    engine.takeRoutine(now, r, seq)
    run(NO_EFFECTS, false)
  }
  const limiter = new RateLimiter(rateLimit(o))
  const handles = new LinkHandles((lan, handle) => engine.knows(lan, handle))
  const ingress = {
    log: deps.log,
    drops: p.drops,
    label: p.label,
    own: p.own,
    versions: p.versions,
    wireVersion: p.wireVersion,
    accept,
    takesRoutine,
    takeRoutine,
    nodeId: engine.config.nodeId,
    handles,
    maxPeers: () => options().maxPeers,
  }
  const packets = new PacketIn(ingress, limiter, p.keys, o.logPackets)
  const datagrams = new Datagrams(p.lans, o.port, handles, { udp4: deps.socketFactory, udp6: deps.socketFactory6 })
  return { packets, datagrams }
}
