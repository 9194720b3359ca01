// The gauges and totals read at scrape time from faild's status: paths, RTT, LANs, peers, packets, the hook.
//
// Nothing is kept up to date between scrapes, so the daemon's own paths pay nothing for them.
import type { Registry } from 'prom-client'
import type { StatusReport } from '../core/report/status.js'
import { mirrored, type Scrape, scraped, type Take, turns } from './metrics-scrape.js'

/** The hook's tallies since faild started (a reload that replaces the hook keeps counting). */
export interface NotifyTally {
  readonly runs: number
  readonly failures: number
  /** Not run: the queue was full, or path and peer events over their budget. */
  readonly dropped: number
}

export interface StateSource {
  /** undefined before the daemon has started. */
  readonly status: () => StatusReport | undefined
  readonly notify: () => NotifyTally
}

/** Drop reasons are code words (decode error codes, the engine's drop reasons): anything else is not a label. */
const REASON = /^[A-Za-z0-9_-]{1,40}$/

type PathLabels = 'peer' | 'lan'
const secondsOf = (ms: number | null): number | undefined => (ms === null ? undefined : ms / 1000)

function pathGauges(registry: Registry, scrape: Scrape): void {
  const labelNames: readonly PathLabels[] = ['peer', 'lan']
  const each = (
    s: StatusReport,
    set: (l: Record<PathLabels, string>, v: number | undefined) => void,
    value: (x: StatusReport['peers'][number]['paths'][number]) => number | undefined,
  ) => {
    for (const p of s.peers) for (const x of p.paths) set({ peer: p.id, lan: x.lan }, value(x))
  }
  const path = (name: string, help: string, value: Parameters<typeof each>[2]) =>
    scraped(registry, scrape, { name, help, labelNames }, (s, set) => each(s, set, value))
  path('faild_path_up', 'Whether the path to a peer on a LAN carries traffic (1) or not (0: down or unknown).', (x) =>
    x.state === 'up' ? 1 : 0,
  )
  path('faild_path_known', 'Whether the path has ever been judged (0: unknown, never heard there).', (x) =>
    x.state === 'unknown' ? 0 : 1,
  )
  path(
    'faild_path_observed_up',
    'Whether this host itself hears the peer on the LAN (before what the peer says).',
    (x) => (x.observed === 'up' ? 1 : 0),
  )
  path('faild_path_hears_us', 'Whether the peer says it hears this host on the LAN.', (x) => (x.hearsUs ? 1 : 0))
  path('faild_path_rtt_seconds', "The last ACK's round-trip time on the path.", (x) => secondsOf(x.rttMs))
  path(
    'faild_path_missed_in_row',
    'Packets owed by the peer missed in a row on the path (down at failAfter).',
    (x) => x.missed,
  )
  path('faild_path_good_in_row', 'Good packets in a row on the path (up again at upAfter).', (x) => x.good)
  path(
    'faild_path_last_heard_seconds',
    'Seconds since a valid packet from the peer on the LAN.',
    (x) => x.lastHeardS ?? undefined,
  )
}

/** Probe targets (config, at most 64): their state and last answer, labelled by address and LAN. */
function targetGauges(registry: Registry, scrape: Scrape): void {
  const labelNames = ['target', 'lan'] as const
  const target = (name: string, help: string, value: (x: StatusReport['targets'][number]) => number | undefined) =>
    scraped(registry, scrape, { name, help, labelNames }, (s, set) => {
      for (const x of s.targets) set({ target: x.address, lan: x.lan }, value(x))
    })
  target('faild_target_up', 'Whether a probe target answers on the LAN (1) or not (0: down or unknown).', (x) =>
    x.state === 'up' ? 1 : 0,
  )
  target('faild_target_rtt_seconds', "The target's last answer's round-trip time.", (x) => secondsOf(x.rttMs))
  target(
    'faild_target_last_answer_seconds',
    "Seconds since the target's last answer.",
    (x) => x.lastAnswerS ?? undefined,
  )
}

function hostGauges(registry: Registry, scrape: Scrape): void {
  const lanNames = ['lan'] as const
  scraped(
    registry,
    scrape,
    {
      name: 'faild_lan_up',
      help: "Whether this host's interface on the LAN has carrier and is online.",
      labelNames: lanNames,
    },
    (s, set) => {
      for (const l of s.lans) set({ lan: l.label }, l.carrier && !l.offline ? 1 : 0)
    },
  )
  scraped(
    registry,
    scrape,
    { name: 'faild_lan_srtt_seconds', help: 'Smoothed round-trip time of ACKs on the LAN.', labelNames: lanNames },
    (s, set) => {
      for (const l of s.lans) set({ lan: l.label }, secondsOf(l.srttMs))
    },
  )
  const plain = (name: string, help: string, v: (s: StatusReport) => number) =>
    scraped(registry, scrape, { name, help, labelNames: [] }, (s, set) => set({}, v(s)))
  plain('faild_peers', 'Peers known (heard lately, at most maxPeers).', (s) => s.peers.length)
  plain(
    'faild_peers_behind',
    'Peers that say they are behind (OVERLOAD): judged by their INQs alone, waited for longer.',
    (s) => s.peers.filter((p) => (p.behindMs ?? 0) > 0).length,
  )
  // Both families always, 0 when none: sum() over family is every route held, as before IPv6.
  scraped(
    registry,
    scrape,
    {
      name: 'faild_routes_moved',
      help: 'Routes faild holds now (host routes off their LAN, gateway routes), by address family.',
      labelNames: ['family'] as const,
    },
    (s, set) => {
      set({ family: 'ipv4' }, s.routes.length)
      set({ family: 'ipv6' }, s.routes6?.length ?? 0)
    },
  )
  plain('faild_overloaded', 'Whether faild fell behind and holds judgement (1) or keeps up (0).', (s) =>
    s.overload ? 1 : 0,
  )
  plain('faild_uptime_seconds', 'Seconds since faild started.', (s) => s.uptimeS)
  scraped(
    registry,
    scrape,
    {
      name: 'faild_info',
      help: 'Always 1: the version, node id and role as labels.',
      labelNames: ['version', 'node', 'role'] as const,
    },
    (s, set) => set({ version: s.version, node: s.node, role: s.role }, 1),
  )
}

function packetCounters(registry: Registry, take: Take, notify: () => NotifyTally): void {
  mirrored(registry, { name: 'faild_packets_received_total', help: 'Datagrams received on the LAN sockets.' }, () => [
    [{}, take()?.packets.received ?? 0],
  ])
  mirrored(
    registry,
    { name: 'faild_packets_dropped_total', help: 'Datagrams dropped, by reason.', labelNames: ['reason'] as const },
    () =>
      Object.entries(take()?.packets.drops ?? {}).flatMap(([reason, n]) =>
        REASON.test(reason) ? [[{ reason }, n] as const] : [],
      ),
  )
  mirrored(registry, { name: 'faild_notify_runs_total', help: 'Runs of the --notify program.' }, () => [
    [{}, notify().runs],
  ])
  mirrored(
    registry,
    { name: 'faild_notify_failures_total', help: 'Runs of the --notify program that failed (exit, signal, timeout).' },
    () => [[{}, notify().failures]],
  )
  mirrored(
    registry,
    { name: 'faild_notify_dropped_total', help: 'Events not given to the --notify program (queue full, over budget).' },
    () => [[{}, notify().dropped]],
  )
}

/**
 * Register every scrape-time metric. One status is taken per scrape (the first collect() asks,
 * the rest of that scrape reuse it): O(peers) per scrape, nothing between scrapes. Call the
 * returned function as a scrape begins.
 */
export function stateMetrics(registry: Registry, source: StateSource): () => void {
  let cached: { s: StatusReport | undefined } | undefined
  const take = () => {
    cached ??= { s: source.status() }
    return cached.s
  }
  const scrape = { take, turn: turns() }
  pathGauges(registry, scrape)
  targetGauges(registry, scrape)
  hostGauges(registry, scrape)
  packetCounters(registry, take, source.notify)
  return () => {
    cached = undefined
  }
}
