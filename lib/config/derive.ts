// What the options mean on this host's LANs: the engine's tunables, the gateways, the rate limit.

import { onSubnet6 } from '../core/addresses/lines6.js'
import type { ServiceAddress } from '../core/addresses/placement.js'
import type { Tunables } from '../core/engine/engine.js'
import { InterfaceError, type Lan, lanOf } from '../core/lans.js'
import type { Gateway, Gateway6 } from '../core/routes/gateway.js'
import type { TargetSpec } from '../core/targets/targets.js'
import { formatIPv4, sameSubnet } from '../core/util/ipv4.js'
import { formatIPv6, type IPv6, sameSubnet6 } from '../core/util/ipv6.js'
import type { RateLimitConfig } from '../core/util/rate-limit.js'
import { isRoute6, type Options, type TargetEntry } from './types.js'

function lanIndexOf(lans: readonly Lan[], address: number, key: string): number {
  const lan = lanOf(lans, address)
  if (!lan) throw new InterfaceError(`${key}: ${formatIPv4(address)} is on none of this host's LANs`)
  return lan.index
}

/** The LAN whose IPv6 subnet holds `address`, if any. */
const lanOf6 = (lans: readonly Lan[], address: IPv6): Lan | undefined =>
  lans.find((l) => l.ipv6 && sameSubnet6(l.ipv6.address, address, l.ipv6.prefixLen))

/** "A 198.18.1.1/24 2001:db8:1::1/64, B ...": this host's LANs, for the errors of addresses on none. */
function mineText(lans: readonly Lan[]): string {
  const v6 = (l: Lan) => (l.ipv6 ? ` ${formatIPv6(l.ipv6.address)}/${l.ipv6.prefixLen}` : '')
  const v4 = (l: Lan) => (l.address === 0 ? '' : ` ${formatIPv4(l.address)}/${l.prefixLen}`)
  return lans.map((l) => `${l.label}${v4(l)}${v6(l)}`).join(', ')
}

/** Each route's gateways, as [route index, gateway index, LAN or undefined] for every family. */
function gatewayLans(o: Options, lans: readonly Lan[]): Array<[number, number, Lan | undefined, string]> {
  return o.routes.flatMap((r, i) =>
    isRoute6(r)
      ? r.via.map((a, j): [number, number, Lan | undefined, string] => [i, j, lanOf6(lans, a), formatIPv6(a)])
      : r.via.map((a, j): [number, number, Lan | undefined, string] => [i, j, lanOf(lans, a), formatIPv4(a)]),
  )
}

/**
 * Every static peer and gateway on none of this host's LANs, as "/routes/0/via/1: ..." lines: what
 * placeGateways and tunables would refuse, all at once (they throw at the first).
 */
export function unplaced(o: Options, lans: readonly Lan[]): string[] {
  const mine = mineText(lans)
  const off = (address: number, key: string): string[] =>
    lanOf(lans, address) ? [] : [`${key}: ${formatIPv4(address)} is on none of this host's LANs (${mine})`]
  return [
    ...o.staticPeers.flatMap((a, i) => off(a, `/staticPeers/${i}`)),
    ...gatewayLans(o, lans).flatMap(([i, j, lan, text]) =>
      lan ? [] : [`/routes/${i}/via/${j}: ${text} is on none of this host's LANs (${mine})`],
    ),
    ...o.targets.flatMap((x, i) => (targetLans(x, lans).length > 0 ? [] : [targetProblem(x, i, mine)])),
    ...o.addresses.flatMap((a, i) =>
      a.interfaces.flatMap((name, j) =>
        lans.some((l) => l.iface === name) ? [] : [interfaceProblem(name, i, j, lans)],
      ),
    ),
  ]
}

function interfaceProblem(name: string, i: number, j: number, lans: readonly Lan[]): string {
  const mine = lans.map((l) => `${l.label}=${l.iface}`).join(', ')
  return `/addresses/${i}/interfaces/${j}: '${name}' is not one of faild's LAN interfaces (${mine})`
}

/** The service addresses of the config, each with the LANs of its interfaces, in order. */
export function placeAddresses(o: Options, lans: readonly Lan[]): ServiceAddress[] {
  return o.addresses.map((a, i) => {
    const on = a.interfaces.map((name, j) => {
      const lan = lans.find((l) => l.iface === name)
      if (!lan) throw new InterfaceError(interfaceProblem(name, i, j, lans))
      return lan
    })
    if (a.ipv6 !== undefined && !on.some((l) => onSubnet6(l, a.ipv6!)))
      throw new InterfaceError(`/addresses/${i}/address: ${a.ipv6}/${a.len} is on none of its interfaces' IPv6 subnets`)
    return {
      address: a.address,
      ...(a.ipv6 === undefined ? {} : { ipv6: a.ipv6 }),
      len: a.len,
      lans: on.map((l) => l.index),
      watch: a.watch,
      failback: a.failback ?? o.failback,
      owned: a.owned,
    }
  })
}

/** The LANs a target is probed on: the one named (label or interface), else every LAN whose subnet holds it. */
function targetLans(x: TargetEntry, lans: readonly Lan[]): Lan[] {
  const v6 = x.ipv6
  const on = v6
    ? lans.filter((l) => l.ipv6 && sameSubnet6(l.ipv6.address, v6, l.ipv6.prefixLen))
    : lans.filter((l) => l.address !== 0 && sameSubnet(l.address, x.address, l.prefixLen))
  return x.lan === undefined ? on : on.filter((l) => l.label === x.lan || l.iface === x.lan)
}

const targetText = (x: TargetEntry): string => (x.ipv6 ? formatIPv6(x.ipv6) : formatIPv4(x.address))

function targetProblem(x: TargetEntry, i: number, mine: string): string {
  const where = x.lan === undefined ? "on none of this host's LANs" : `not on LAN ${x.lan}`
  return `/targets/${i}: ${targetText(x)} is ${where} (${mine})`
}

/** The targets of the config, one per LAN each is probed on. */
export function placeTargets(o: Options, lans: readonly Lan[]): TargetSpec[] {
  const mine = mineText(lans)
  return o.targets.flatMap((x, i) => {
    const on = targetLans(x, lans)
    if (on.length === 0) throw new InterfaceError(targetProblem(x, i, mine))
    const ipv6 = x.ipv6 ? { ipv6: x.ipv6 } : {}
    return on.map((l) => ({ address: x.address, ...ipv6, lan: l.index, method: x.method }))
  })
}

/** The IPv4 gateway routes of the config, each gateway placed on the LAN whose subnet holds it. */
export function placeGateways(o: Options, lans: readonly Lan[]): Gateway[] {
  return o.routes.flatMap((r, i) => {
    if (isRoute6(r)) return []
    return [
      {
        dst: r.prefix,
        len: r.len,
        via: r.via.map((address, j) => ({ lan: lanIndexOf(lans, address, `/routes/${i}/via/${j}`), address })),
        failback: r.failback ?? o.failback,
      },
    ]
  })
}

/** The IPv6 gateway routes of the config, each gateway placed on the LAN whose IPv6 subnet holds it. */
export function placeGateways6(o: Options, lans: readonly Lan[]): Gateway6[] {
  return o.routes.flatMap((r, i) => {
    if (!isRoute6(r)) return []
    const place = (address: IPv6, j: number) => {
      const lan = lanOf6(lans, address)
      const where = `/routes/${i}/via/${j}: ${formatIPv6(address)} is on none of this host's LANs (${mineText(lans)})`
      if (!lan) throw new InterfaceError(where)
      return { lan: lan.index, address }
    }
    return [{ dst: r.prefix, len: r.len, via: r.via.map(place), failback: r.failback ?? o.failback }]
  })
}

/** What the engine may change while running: thresholds, interval, peer lists, damping, peer bound. */
export function tunables(o: Options, lans: readonly Lan[]): Tunables {
  const unicast: number[][] = lans.map(() => [])
  o.staticPeers.forEach((address, i) => unicast[lanIndexOf(lans, address, `/staticPeers/${i}`)]!.push(address))
  const d = o.flapDamping
  const damping = {
    enabled: d.enabled,
    flaps: d.flaps,
    halfLifeMs: (d.halfLife ?? 30 * o.interval) * 1000,
    maxHoldMs: d.maxHold * 1000,
  }
  return {
    intervalMs: Math.round(o.interval * 1000),
    failAfter: o.failAfter,
    upAfter: o.upAfter,
    unicast,
    ignore: o.ignorePeers,
    damping,
    maxPeers: o.maxPeers,
  }
}

/** A bucket per source: 4 packets per interval on average (INQ, ACK, a notice, a static copy), at least 200/s. */
export function rateLimit(o: Options): RateLimitConfig {
  const rate = o.rateLimit ?? Math.max(200, 4 / o.interval)
  return { rate, burst: rate, maxSources: 4 * o.maxPeers }
}
