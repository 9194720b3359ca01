// What `faildctl status` shows: the report the daemon builds, and its rendering as readable tables.

export interface LanStatus {
  readonly label: string
  readonly iface: string
  readonly address: string
  /** This host's global or ULA IPv6 address there; null: none (an IPv4-only LAN); absent: an older faild. */
  readonly ipv6?: string | null
  readonly carrier: boolean
  readonly offline: boolean
  /** "up", "no carrier" or "offline". */
  readonly state: string
  /** Smoothed round-trip time of ACKs on this LAN (requestor), ms. */
  readonly srttMs: number | null
}

export interface PathStatus {
  readonly lan: string
  readonly address: string
  /** The peer's global or ULA IPv6 address there (learnt with a key only); null: none known; absent: an older faild. */
  readonly ipv6?: string | null
  /** The state routes follow (effective). */
  readonly state: string
  /** What this host itself observes, before the peer's own report is taken into account. */
  readonly observed: string
  readonly missed: number
  readonly good: number
  readonly hearsUs: boolean
  readonly peerOutOfService: boolean
  /** Seconds since a valid packet from the peer on this LAN; null: never. */
  readonly lastHeardS: number | null
  readonly rttMs: number | null
}

export interface PeerStatus {
  readonly id: string
  readonly role: 'requestor' | 'responder'
  readonly paths: readonly PathStatus[]
  /** The service addresses it says it holds (with a key only), and the LAN each is on. */
  readonly services?: ReadonlyArray<{ readonly address: string; readonly lan: string }>
  /** How far behind it says it is (OVERLOAD), in ms; absent: it keeps up. */
  readonly behindMs?: number
}

/** A probe target: a box that runs no faild, judged by its answers. */
export interface TargetStatus {
  readonly address: string
  readonly lan: string
  readonly method: string
  readonly state: string
  readonly missed: number
  readonly good: number
  /** Seconds since its last answer; null: none yet. */
  readonly lastAnswerS: number | null
  readonly rttMs: number | null
}

export interface RouteStatus {
  readonly route: string
  readonly table: number
  readonly why: string
}

/** What a peer's OVERLOAD means here, in the log and in faildctl status alike. */
export const saysBehind = (peer: string, ms: number): string =>
  `peer ${peer} says it is ${ms} ms behind (overloaded): its INQs are waited for that much longer, and they alone judge its paths`

/** faild fell behind and holds judgement (see daemon/overload.ts). */
export interface OverloadStatus {
  /** Seconds since faild first fell behind in this spell. */
  readonly sinceS: number
  /** The first reason of the spell, and the latest. */
  readonly why: string
  readonly latest: string
  /** Judgements held in this spell. */
  readonly held: number
}

export interface StatusReport {
  readonly version: string
  readonly pid: number
  readonly node: string
  readonly role: 'requestor' | 'responder'
  readonly intervalS: number
  readonly failAfter: number
  readonly upAfter: number
  readonly uptimeS: number
  readonly dryRun: boolean
  /** null while faild keeps up. */
  readonly overload: OverloadStatus | null
  readonly lans: readonly LanStatus[]
  readonly peers: readonly PeerStatus[]
  readonly targets: readonly TargetStatus[]
  readonly routes: readonly RouteStatus[]
  /**
   * The IPv6 routes faild wants: each moves with its peer path's IPv4 route, for the same reason.
   * Absent from an older faild's report (faildctl may be newer than the daemon it asks).
   */
  readonly routes6?: readonly RouteStatus[]
  readonly packets: {
    readonly received: number
    readonly dropped: number
    readonly drops: Readonly<Record<string, number>>
  }
}

/** Left-aligned columns, two spaces apart. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

const ms = (v: number | null): string => (v === null ? '-' : `${v.toFixed(1)} ms`)
const ago = (s: number | null): string => (s === null ? 'never' : `${s.toFixed(1)}s ago`)

export function formatStatus(s: StatusReport): string {
  const drops = Object.entries(s.packets.drops)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
  return `${[
    `faild ${s.version}, pid ${s.pid}, node ${s.node}, ${s.role}${s.role === 'requestor' ? ` every ${s.intervalS}s` : ''}, ` +
      `-f ${s.failAfter} -s ${s.upAfter}, up ${formatUptime(s.uptimeS)}${s.dryRun ? ', DRY RUN' : ''}`,
    `packets: received ${s.packets.received}, dropped ${s.packets.dropped}${drops ? ` (${drops})` : ''}`,
    ...overloadLine(s.overload),
    '',
    lanTable(s),
    '',
    ...peerLines(s),
    ...targetLines(s),
    '',
    routeLines(s),
  ].join('\n')}\n`
}

const IPV6 = 'IPV6'
const v6 = (a: string | null | undefined): string => a ?? '-'

/** The table without its IPV6 column when no row has an address there: an IPv4-only host's tables are as they were. */
function tableWithIPv6(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const at = header.indexOf(IPV6)
  if (rows.some((r) => r[at] !== '-')) return table(header, rows)
  const cut = (cells: readonly string[]) => cells.filter((_, i) => i !== at)
  return table(cut(header), rows.map(cut))
}

function lanTable(s: StatusReport): string {
  return tableWithIPv6(
    ['LAN', 'INTERFACE', 'ADDRESS', IPV6, 'STATE', 'RTT'],
    s.lans.map((l) => [l.label, l.iface, l.address, v6(l.ipv6), l.state, ms(l.srttMs)]),
  )
}

function peerLines(s: StatusReport): string[] {
  if (s.peers.length === 0) return ['peers: none heard yet']
  const rows = s.peers.flatMap((p) =>
    p.paths.map((x, i) => [
      i === 0 ? p.id : '',
      i === 0 ? p.role : '',
      x.lan,
      x.address,
      v6(x.ipv6),
      x.state === x.observed ? x.state : `${x.state} (seen ${x.observed})`,
      `${x.missed}/${s.failAfter}`,
      `${x.good}/${s.upAfter}`,
      [x.hearsUs ? '' : 'does not hear us', x.peerOutOfService ? 'its LAN is out' : ''].filter(Boolean).join(', ') ||
        '-',
      ago(x.lastHeardS),
      ms(x.rttMs),
    ]),
  )
  const header = ['PEER', 'ROLE', 'LAN', 'ADDRESS', IPV6, 'STATE', 'MISSED', 'GOOD', 'PEER SAYS', 'LAST HEARD', 'RTT']
  return [
    tableWithIPv6(header, rows),
    ...s.peers.flatMap((p) =>
      (p.services ?? []).map((a) => `peer ${p.id} holds service address ${a.address} on LAN ${a.lan}`),
    ),
    ...s.peers.flatMap((p) => (p.behindMs ? [saysBehind(p.id, p.behindMs)] : [])),
  ]
}

function targetLines(s: StatusReport): string[] {
  if (s.targets.length === 0) return []
  const rows = s.targets.map((x) => [
    x.address,
    x.lan,
    x.method,
    x.state,
    `${x.missed}/${s.failAfter}`,
    `${x.good}/${s.upAfter}`,
    ago(x.lastAnswerS),
    ms(x.rttMs),
  ])
  return ['', table(['TARGET', 'LAN', 'PROBE', 'STATE', 'MISSED', 'GOOD', 'LAST ANSWER', 'RTT'], rows)]
}

/** IPv4 routes first, then the IPv6 ones, in one table: an IPv6 route says why as its IPv4 twin does. */
function routeLines(s: StatusReport): string {
  const routes = [...s.routes, ...(s.routes6 ?? [])]
  if (routes.length === 0) return 'routes: none (every path is on its own LAN)'
  return table(
    ['ROUTE', 'TABLE', 'WHY'],
    routes.map((r) => [r.route, `${r.table}`, r.why]),
  )
}

function overloadLine(o: OverloadStatus | null): string[] {
  if (!o) return []
  const latest = o.latest === o.why ? '' : `; latest: ${o.latest}`
  return [`OVERLOADED for ${o.sinceS}s, judgement held ${o.held} times: ${o.why}${latest}`]
}

function formatUptime(s: number): string {
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  return `${d ? `${d}d ` : ''}${d || h ? `${h}h ` : ''}${m}m ${Math.floor(s % 60)}s`
}
