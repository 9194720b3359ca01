// The gauges and totals read at scrape time from faild's status: paths, RTT, LANs, peers, packets, the hook.
//
// Nothing is kept up to date between scrapes, so the daemon's own paths pay nothing for them.
import { Counter, Gauge, type Registry } from 'prom-client'
import type { StatusReport } from '../core/report/status.js'

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

/**
 * Each collect() waits for its own turn of the event loop, one after the other: at 1000 peers a
 * scrape sets 16,000 path series (about 40 ms of work), and packets are read between the gauges
 * instead of waiting behind all of them.
 */
function turns(): () => Promise<void> {
  let last = Promise.resolve()
  return () => {
    last = last.then(() => new Promise<void>((r) => setImmediate(r)))
    return last
  }
}

type Take = () => StatusReport | undefined

interface Scrape {
  readonly take: Take
  readonly turn: () => Promise<void>
}

/**
 * A gauge whose values are all set at scrape time by `fill`, from one status taken per scrape.
 * Label values are peer addresses (only the known peers, at most maxPeers) and LAN labels (this
 * host's config): nothing a packet can invent.
 */
function scraped<L extends string>(
  registry: Registry,
  { take, turn }: Scrape,
  def: { name: string; help: string; labelNames: readonly L[] },
  fill: (s: StatusReport, set: (labels: Record<L, string>, v: number | undefined) => void) => void,
): void {
  new Gauge<L>({
    ...def,
    registers: [registry],
    async collect() {
      await turn()
      this.reset()
      const s = take()
      if (s) fill(s, (labels, v) => v !== undefined && this.set(labels, v))
    },
  })
}

/** A counter that mirrors a running total kept elsewhere (set at scrape time, never bumped per packet). */
function mirrored<L extends string>(
  registry: Registry,
  def: { name: string; help: string; labelNames?: readonly L[] },
  read: () => ReadonlyArray<readonly [Partial<Record<L, string>>, number]>,
): void {
  new Counter<L>({
    ...def,
    labelNames: def.labelNames ?? [],
    registers: [registry],
    collect() {
      this.reset()
      for (const [labels, v] of read()) this.inc(labels, v)
    },
  })
}

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
