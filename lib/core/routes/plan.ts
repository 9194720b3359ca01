// The pure planner of host routes: each dead peer path's swap, and where peers' service addresses go (gateway routes: plan-gateways.ts).
import { isHandle } from '../link-handles.js'
import { LinkState } from '../path/link-fsm.js'
import { sameSubnet } from '../util/ipv4.js'
import { formatIPv6 } from '../util/ipv6.js'
import type { PlanContext, PlanLan, PlanPath, PlanPeer } from './plan-input.js'
import type { Route } from './route.js'
import type { Route6 } from './route6.js'

/**
 * A LAN can carry a dead path's traffic only with fresh evidence, both ways:
 * - Heard within one probe interval of the moment the dead path went down. A host that dies goes
 *   silent on every LAN at once, but its LANs are judged a few milliseconds apart; without this
 *   rule the first LAN judged down would be routed, for that moment, via another just as dead.
 * - Up when the dead path went down, or up long enough (upAfter + 1 intervals) for the dead path
 *   to have come back if it could. A peer that was down everywhere (paused, rebooting) comes back
 *   on its LANs a few milliseconds apart; without this rule the first LAN back would carry, for
 *   that moment, the others.
 */
function carries(via: PlanPath, dead: PlanPath, intervalMs: number, ctx: PlanContext): boolean {
  if (via.state !== LinkState.Up || via.address === 0 || via.lastHeard <= dead.downSince - intervalMs) return false
  return dead.downSince > via.upSince || ctx.now - via.upSince >= (ctx.upAfter + 1) * intervalMs
}

/** The IPv6 swaps, and their paths held back as in Plan. */
export interface Plan6 {
  readonly routes: Route6[]
  readonly waiting: number
}

export interface Plan {
  readonly routes: Route[]
  /**
   * Down paths held back only for lack of fresh evidence on their alternative: the next packet
   * (or the passing of time) may release them, so the caller plans again on every event while
   * this is non-zero.
   */
  readonly waiting: number
}

/** LAN indexes, most preferred first (ties in LAN order). */
export function preferenceOrder(lans: readonly PlanLan[]): number[] {
  return lans.map((_, i) => i).sort((a, b) => lans[a]!.preference - lans[b]!.preference || a - b)
}

/**
 * For every peer path that is down, route the peer's address on that LAN via its address on the
 * most preferred LAN that carries it, keeping our own address on the dead LAN as the source,
 * so connections between addresses on the dead LAN carry on. A peer down everywhere is gone, not
 * a path: nothing is routed for it. Unknown paths (never heard) take no action.
 *
 * A peer's service addresses go with the LAN that holds them: on a dead path they take its
 * detour; on a path that is up, one outside this host's subnet there (moved to that LAN from
 * another) is routed on-link out of this host's interface there, so the holder's gratuitous ARP
 * and this host's own ARP find it. One inside that subnet needs nothing: the connected route.
 */
export function planRoutes(lans: readonly PlanLan[], peers: Iterable<PlanPeer>, ctx: PlanContext): Plan {
  const table = ctx.table
  const routes = new Map<number, Route>() // keyed by dst; BOUNDED: peers x LANs
  const order = preferenceOrder(lans)
  const all = [...peers]
  /** Each dead path's detour, by peer and LAN: its service addresses take it too (serviceRoutes). */
  const detours = new Map<PlanPeer, Map<number, (dst: number) => Route>>()
  let waiting = 0
  for (const peer of all) {
    peer.lans.forEach((dead, x) => {
      const mine = lans[x]
      if (dead.state !== LinkState.Down || dead.address === 0 || !mine || routes.has(dead.address)) return
      // A handle names a host on an IPv6-only LAN: no IPv4 route to it, nor via it (planRoutes6 has those).
      if (isHandle(dead.address)) return
      const y = detour(peer, x, order, ctx, hasIPv4)
      const via = y === undefined ? undefined : lans[y]
      if (via) {
        const around = (dst: number): Route => ({
          table,
          dst,
          len: 32,
          via: peer.lans[y!]!.address,
          dev: via.iface,
          src: mine.address,
        })
        routes.set(dead.address, around(dead.address))
        if (peer.services?.length) detours.set(peer, (detours.get(peer) ?? new Map()).set(x, around))
      }
      if (heldBack(peer, x, y, order)) waiting++
    })
  }
  serviceRoutes(lans, all, detours, ctx, routes)
  return { routes: [...routes.values()], waiting }
}

/** Held back, or carried (via LAN `y`) by a less preferred LAN while a better one is up but not yet trusted. */
function heldBack(peer: PlanPeer, x: number, y: number | undefined, order: readonly number[]): boolean {
  const better = order.slice(0, y === undefined ? order.length : order.indexOf(y))
  return better.some((i) => i !== x && peer.lans[i]?.state === LinkState.Up)
}

const hasIPv4 = (p: PlanPath): boolean => !isHandle(p.address)
const hasIPv6 = (p: PlanPath): boolean => p.ipv6 !== undefined

/** The most preferred LAN whose path `usable` takes that carries the peer's dead path on LAN `x` now, if any (see carries). */
function detour(
  peer: PlanPeer,
  x: number,
  order: readonly number[],
  ctx: PlanContext,
  usable: (p: PlanPath, lan: number) => boolean,
): number | undefined {
  const dead = peer.lans[x]!
  return order.find((i) => {
    const via = peer.lans[i]
    return i !== x && via !== undefined && usable(via, i) && carries(via, dead, peer.intervalMs, ctx)
  })
}

/**
 * The IPv6 routes of the same swaps: a peer's IPv6 address on a dead LAN via its IPv6 address on
 * the most preferred LAN that carries it and where both hosts have one (on dual-stack LANs, the LAN that
 * carries its IPv4 one: a fault moves both families together), out of this host's interface
 * there with this host's IPv6 address on the dead LAN as the source. In faild's table of the
 * same number: IPv6 tables are apart from IPv4's in the kernel.
 */
export function planRoutes6(lans: readonly PlanLan[], peers: Iterable<PlanPeer>, ctx: PlanContext): Plan6 {
  const order = preferenceOrder(lans)
  const routes = new Map<string, Route6>() // keyed by dst; BOUNDED: peers x LANs
  let waiting = 0
  for (const peer of peers) {
    peer.lans.forEach((dead, x) => {
      const src = lans[x]?.ipv6?.address
      if (dead.state !== LinkState.Down || dead.address === 0 || !dead.ipv6 || !src) return
      // Only where this host has IPv6 too: the kernel refuses a next hop off every prefix it has
      // there (this host's IPv6 address on that LAN gone while the peer's is still known).
      const y = detour(peer, x, order, ctx, (p, i) => hasIPv6(p) && lans[i]?.ipv6 !== undefined)
      // On an IPv6-only LAN planRoutes skips the path (its address is a handle): counted here, or a
      // swap held back for lack of fresh evidence waited for a plan that never came.
      if (heldBack(peer, x, y, order)) waiting++
      const via = y === undefined ? undefined : peer.lans[y]!.ipv6
      const key = formatIPv6(dead.ipv6)
      if (!via || routes.has(key)) return
      routes.set(key, { table: ctx.table, dst: dead.ipv6, len: 128, via, dev: lans[y!]!.iface, src })
    })
  }
  return { routes: [...routes.values()], waiting }
}

/**
 * Routes for the peers' service addresses, after every peer's own: one held on a dead path takes
 * its detour; one held on a path that is up, outside this host's subnet there, goes on-link out of
 * this host's interface there. Never for an address a peer has as its own on any LAN, one of
 * `ctx.notServices` (this host's service addresses, its targets and gateways), or one that two
 * peers claim at once (neither is believed).
 */
function serviceRoutes(
  lans: readonly PlanLan[],
  peers: readonly PlanPeer[],
  detours: ReadonlyMap<PlanPeer, ReadonlyMap<number, (dst: number) => Route>>,
  ctx: PlanContext,
  routes: Map<number, Route>,
): void {
  const claims = new Map<number, number>() // BOUNDED: peers x MAX_SERVICES
  const own = new Set<number>() // BOUNDED: peers x LANs
  for (const peer of peers) {
    for (const s of peer.services ?? []) claims.set(s.address, (claims.get(s.address) ?? 0) + 1)
    for (const path of peer.lans) if (path.address !== 0) own.add(path.address)
  }
  const barred = (a: number) => claims.get(a)! > 1 || own.has(a) || ctx.notServices?.has(a) || routes.has(a)
  for (const peer of peers) {
    for (const s of peer.services ?? []) {
      if (barred(s.address)) continue
      const mine = lans[s.lan]
      const state = peer.lans[s.lan]?.state
      const detour = detours.get(peer)?.get(s.lan)
      if (state === LinkState.Down && detour) routes.set(s.address, detour(s.address))
      else if (state === LinkState.Up && mine?.address && !sameSubnet(s.address, mine.address, mine.prefixLen))
        routes.set(s.address, { table: ctx.table, dst: s.address, len: 32, via: 0, dev: mine.iface, src: mine.address })
    }
  }
}
