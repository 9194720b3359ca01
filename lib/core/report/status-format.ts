// `faildctl status` as readable tables: the report (status.ts) rendered for a person.
import type { OverloadStatus, StatusReport } from './status.js'

/** What a peer's OVERLOAD means here, in the log and in faildctl status alike. */
export const saysBehind = (peer: string, ms: number): string =>
  `peer ${peer} says it is ${ms} ms behind (overloaded): its INQs are waited for that much longer, and they alone judge its paths`

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
