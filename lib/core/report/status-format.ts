// What `faildctl status` shows: the report the daemon builds, and its rendering as readable tables.

export interface LanStatus {
  readonly label: string
  readonly iface: string
  readonly address: string
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
  const out = [
    `faild ${s.version}, pid ${s.pid}, node ${s.node}, ${s.role}${s.role === 'requestor' ? ` every ${s.intervalS}s` : ''}, ` +
      `-f ${s.failAfter} -s ${s.upAfter}, up ${formatUptime(s.uptimeS)}${s.dryRun ? ', DRY RUN' : ''}`,
    `packets: received ${s.packets.received}, dropped ${s.packets.dropped}${drops ? ` (${drops})` : ''}`,
    ...overloadLine(s.overload),
    '',
    table(
      ['LAN', 'INTERFACE', 'ADDRESS', 'STATE', 'RTT'],
      s.lans.map((l) => [l.label, l.iface, l.address, l.state, ms(l.srttMs)]),
    ),
    '',
  ]
  if (s.peers.length === 0) out.push('peers: none heard yet')
  else {
    const rows = s.peers.flatMap((p) =>
      p.paths.map((x, i) => [
        i === 0 ? p.id : '',
        i === 0 ? p.role : '',
        x.lan,
        x.address,
        x.state === x.observed ? x.state : `${x.state} (seen ${x.observed})`,
        `${x.missed}/${s.failAfter}`,
        `${x.good}/${s.upAfter}`,
        [x.hearsUs ? '' : 'does not hear us', x.peerOutOfService ? 'its LAN is out' : ''].filter(Boolean).join(', ') ||
          '-',
        ago(x.lastHeardS),
        ms(x.rttMs),
      ]),
    )
    out.push(
      table(['PEER', 'ROLE', 'LAN', 'ADDRESS', 'STATE', 'MISSED', 'GOOD', 'PEER SAYS', 'LAST HEARD', 'RTT'], rows),
    )
    for (const p of s.peers)
      for (const a of p.services ?? []) out.push(`peer ${p.id} holds service address ${a.address} on LAN ${a.lan}`)
  }
  if (s.targets.length > 0) {
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
    out.push('', table(['TARGET', 'LAN', 'PROBE', 'STATE', 'MISSED', 'GOOD', 'LAST ANSWER', 'RTT'], rows))
  }
  out.push('')
  if (s.routes.length === 0) out.push('routes: none (every path is on its own LAN)')
  else
    out.push(
      table(
        ['ROUTE', 'TABLE', 'WHY'],
        s.routes.map((r) => [r.route, `${r.table}`, r.why]),
      ),
    )
  return `${out.join('\n')}\n`
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
