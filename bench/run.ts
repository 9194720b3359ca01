// `npm run bench`: measures faild in the lab, prints a table against the targets, writes
// bench/results/*.json, results.md and failover.svg.
//   --runs N    runs per failover case (default 20)     --quick   5 runs, fast profile only
//   --frr-only  only faild's fast profile beside FRR (bench/frr.ts)
//   --idle-only [--window S]  only the idle cost of two hosts at -t 0.1, beside bare Node and FRR
//   --tcp-only [--runs N]     only the TCP stall of a thin and a bulk stream, default RTO and rto_min 20ms
//   --ipv6-only [--runs N] [--frr]  only the IPv6 rows: dual-stack hosts with a key, each fault timed to the
//                             peer's IPv6 and IPv4 swaps, and an IPv6 TCP stream's stall (bench/ipv6.ts);
//                             --frr adds FRR in IPv6 (ospf6d + bfdd) beside them
//   --targets-only [--runs N] only the default route moving between two routers that run no faild, and
//                             a service address moving between two NICs
//   --scale-only [--window S] [--rows 1000r,500q,1000q:300,1000n,2000q,1000b,1000h] [--no-pin]
//               only the scale rows (r responders, q requestors, b bursting, h a CPU hog on faild's core,
//               n requestors against a bare Node receiver in faild's place: the floor under faild's CPU;
//               :S after a row watches it S seconds instead of the window);
//               FAILD_NODE_ARGS adds node flags to faild there (--cpu-prof --cpu-prof-dir=DIR to profile)
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release } from 'node:os'
import { fileURLToPath } from 'node:url'
import { labUnavailable } from '../spec/lab/harness/netlab.js'
import { type AddressRow, benchAddressMove, benchNetMonMove } from './addresses.js'
import { chartSvg } from './chart.js'
import { benchProfile, type CaseResult, PROFILES } from './failover.js'
import { FAULT_STAMP } from './fault-clock.js'
import { benchFrr, type FrrCase, frrMissing, frrSection } from './frr.js'
import { benchIdle, type IdleFigure, type IdleResult } from './idle.js'
import { benchIpv6, type Ipv6Row } from './ipv6.js'
import {
  benchChurn,
  benchScale,
  benchStartup,
  type ChurnResult,
  parseRows,
  type ScaleOptions,
  type ScaleResult,
  type ScaleRow,
  type StartupResult,
  windowOf,
} from './scale.js'
import { ms, type Summary } from './stats.js'
import { benchTargets } from './targets.js'
import { benchTcp, type TcpRow } from './tcp.js'

const OUT = fileURLToPath(new URL('../../bench/results/', import.meta.url))
const say = (s: string): void => void process.stdout.write(`${s}\n`)

interface Target {
  readonly what: string
  readonly target: string
  readonly measured: string
  readonly met: boolean
}

interface Args {
  readonly runs: number
  readonly quick: boolean
  readonly rows: ScaleRow[]
  readonly windowS: number
  readonly pin: boolean
}

/** The 1000-requestor row is watched for five minutes, as its target says (no false down over 5 minutes). */
const SOAK_S = 300
const FULL_ROWS = `1000r,500q,1000q:${SOAK_S},1000n,2000q,1000b,1000h`
const QUICK_ROWS = '1000r,1000q'

function args(): Args {
  const a = process.argv.slice(2)
  const value = (flag: string) => {
    const i = a.indexOf(flag)
    return i >= 0 ? a[i + 1] : undefined
  }
  const quick = a.includes('--quick')
  const runs = Number(value('--runs') ?? (quick ? 5 : 20))
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of runs')
  const windowS = Number(value('--window') ?? (quick ? 10 : 30))
  if (!(windowS > 0)) throw new Error('--window takes seconds')
  return {
    runs,
    quick,
    rows: parseRows(value('--rows') ?? (quick ? QUICK_ROWS : FULL_ROWS)),
    windowS,
    pin: !a.includes('--no-pin'),
  }
}

const row = (cells: Array<string | number>): string => `| ${cells.join(' | ')} |`
const sumCells = (s: Summary): string[] => [ms(s.min), ms(s.median), ms(s.p95), ms(s.max)]

function tables(cases: CaseResult[], scale: ScaleResult[], churn: ChurnResult, startup: StartupResult): string[] {
  const out: string[] = []
  out.push(
    `Failover: from the fault taking effect (${FAULT_STAMP}), as ../shared/reference/frr-lab does, ` +
      'to the route change on a peer (ms); the fault and heal commands themselves took the median in the last column',
    '',
  )
  out.push(
    row([
      'profile',
      'fault',
      'samples',
      'min',
      'median',
      'p95',
      'max',
      'limit (f - 0.5) x t',
      'median / limit',
      'fault command',
    ]),
  )
  out.push(row(Array(10).fill('---')))
  for (const c of cases) {
    out.push(
      row([
        c.profile,
        c.fault,
        flaggedCell(c.summary.failover.n, c.flagged),
        ...sumCells(c.summary.failover),
        c.failoverLimitMs,
        (c.summary.failover.median / c.failoverLimitMs).toFixed(2),
        ms(c.injectMedianMs),
      ]),
    )
  }
  out.push(
    '',
    'Failback: from the heal taking effect (stamped as the fault is) to the route restored (ms), and flapping',
    '',
  )
  out.push(row(['profile', 'fault', 'min', 'median', 'p95', 'max', 'limit s x t', 'flaps', 'false failovers']))
  out.push(row(Array(9).fill('---')))
  for (const c of cases)
    out.push(row([c.profile, c.fault, ...sumCells(c.summary.failback), c.failbackLimitMs, c.flaps, c.falseFailovers]))
  out.push('', 'TCP stream between A addresses: longest stall (ms) and bytes lost', '')
  out.push(
    row(['profile', 'fault', 'stall at failover: median', 'max', 'stall at failback: median', 'max', 'bytes lost']),
  )
  out.push(row(Array(7).fill('---')))
  for (const c of cases) {
    const f = c.summary.stallFailover
    const b = c.summary.stallFailback
    out.push(row([c.profile, c.fault, ms(f.median), ms(f.max), ms(b.median), ms(b.max), c.bytesLost]))
  }
  out.push('', ...scaleTable(scale))
  out.push('', 'Route churn and start-up (ms)', '')
  out.push(row(['measure', 'min', 'median', 'p95', 'max']))
  out.push(row(Array(5).fill('---')))
  out.push(row([`apply ${churn.routes} route swaps in one batch`, ...sumCells(churn.apply)]))
  out.push(row([`restore ${churn.routes} routes`, ...sumCells(churn.restore)]))
  out.push(row(['start to first INQ', ...sumCells(startup.firstInq)]))
  out.push(row(['start to every path up (50 peers)', ...sumCells(startup.converged)]))
  return out
}

/** The scale rows: a row whose generator fell behind says so instead of giving figures. */
function scaleTable(scale: readonly ScaleResult[]): string[] {
  const out = ['Cost at scale, -t 0.1 -f 3 -s 3, 2 LANs, against a load generator of N hosts (bench/loadgen)', '']
  const head = [
    'hosts',
    'they are',
    'watched (s)',
    'CPU (% of one core)',
    'RSS (MB)',
    'pkt/s in',
    'pkt/s out',
    'paths up',
  ]
  out.push(row([...head, 'false downs', 'routes moved', 'overload lines', 'all up after the load', 'generator']))
  out.push(row(Array(head.length + 5).fill('---')))
  for (const s of scale) {
    const gen = s.invalid
      ? `**invalid**: ${s.invalid}`
      : `kept up (${Math.round(s.inqRate)} of ${Math.round(s.inqIntendedRate)} INQ/s)`
    const back = s.recoveredMs === undefined ? (s.pathsUp === 2 * s.peers ? '-' : 'not in 10 s') : `${s.recoveredMs} ms`
    const cpu = `${(s.cpu * 100).toFixed(1)} (${(s.cpuSystem * 100).toFixed(1)} kernel)`
    const figures = [cpu, s.rssMb.toFixed(0), Math.round(s.ppsIn), Math.round(s.ppsOut)]
    if (s.kind === 'floor') {
      out.push(
        row([s.peers, "requestors, bare Node in faild's place", s.windowS, ...figures, ...Array(5).fill('-'), gen]),
      )
      continue
    }
    out.push(
      row([
        s.peers,
        s.kind,
        s.windowS,
        ...figures,
        `${s.pathsUp}/${2 * s.peers}`,
        s.falseDowns,
        s.routes,
        s.overloadLines,
        back,
        gen,
      ]),
    )
  }
  return out
}

function idleTarget(r: IdleResult): Target {
  // The worst host for each figure: CPU and memory need not be the same host's.
  const cpu = Math.max(...r.hosts.map((h) => h.cpuWithHelpers))
  const rss = Math.max(...r.hosts.map((h) => h.rssMb))
  const frr = typeof r.frr === 'string' ? '' : `; FRR ${pct2(Math.max(...r.frr.map((h) => h.cpu)))}`
  return {
    what: `idle, 2 hosts at -t 0.1 (with its ip helpers), ${r.seconds} s after its first ${r.seconds} s`,
    target: "<= 1.4% of a core (FRR's), <= 60 MB",
    measured: `${pct2(cpu)}, ${rss.toFixed(0)} MB${frr}`,
    met: cpu <= 0.014 && rss <= 60,
  }
}

const pct2 = (x: number): string => `${(100 * x).toFixed(2)}%`

function targets(cases: CaseResult[], scale: ScaleResult[], churn: ChurnResult, startup: StartupResult): Target[] {
  const fast = cases.filter((c) => c.profile === PROFILES[0]!.name)
  const port = fast.find((c) => c.fault === 'dead switch port')
  const cable = fast.find((c) => c.fault === 'pulled cable')
  const big = scale.find((s) => s.peers === 1000 && s.kind === 'requestors' && !s.invalid)
  const t: Target[] = []
  if (port) {
    const s = port.summary.failover
    t.push({
      what: 'dead-port failover, -t 0.1 -f 3',
      target: 'median <= 250 ms, max <= 300 ms',
      measured: `median ${ms(s.median)}, max ${ms(s.max)}`,
      met: s.median <= 250 && s.max <= 300,
    })
  }
  if (cable) {
    const s = cable.summary.failover
    t.push({
      what: 'pulled cable: every peer rerouted',
      target: 'median <= 10 ms',
      measured: `median ${ms(s.median)}`,
      met: s.median <= 10,
    })
  }
  for (const c of fast) {
    const s = c.summary.failback
    t.push({
      what: `failback after ${c.fault}, -t 0.1 -s 3`,
      target: `median <= ${c.failbackLimitMs + 50} ms, no flapping`,
      measured: `median ${ms(s.median)}, ${c.flaps} flaps`,
      met: s.median <= c.failbackLimitMs + 50 && c.flaps === 0,
    })
    const st = c.summary.stallFailover
    t.push({
      what: `TCP stall at ${c.fault} failover`,
      target: `median <= failover + 30 ms (${ms(c.summary.failover.median + 30)}), nothing lost`,
      measured: `median ${ms(st.median)}, ${c.bytesLost} bytes lost`,
      met: st.median <= c.summary.failover.median + 30 && c.bytesLost === 0,
    })
  }
  if (big) {
    // Any path change at all is false here (no fault is injected), logged or summed up by the log's budget.
    const changes = big.falseDowns + big.unlogged
    t.push({
      what: '1000 all-requestor hosts at -t 0.1',
      target: `< 25% of one core, < 150 MB, every path up, no false down over ${SOAK_S} s`,
      measured:
        `${(big.cpu * 100).toFixed(1)}%, ${big.rssMb.toFixed(0)} MB, ${big.pathsUp}/2000 up, ` +
        `${changes} path changes and ${big.routes} routes in ${big.windowS} s`,
      met:
        big.cpu < 0.25 &&
        big.rssMb < 150 &&
        big.pathsUp === 2000 &&
        changes === 0 &&
        big.routes === 0 &&
        big.windowS >= SOAK_S,
    })
  }
  t.push({
    what: `${churn.routes} route swaps applied`,
    target: '< 200 ms',
    measured: `median ${ms(churn.apply.median)}`,
    met: churn.apply.median < 200 && churn.failed === 0,
  })
  t.push({
    what: 'start to first INQ',
    target: '< 500 ms',
    measured: `median ${ms(startup.firstInq.median)}`,
    met: startup.firstInq.median < 500,
  })
  return t
}

/** The idle rows: faild in its first window and after, bare Node and FRR; per host, CPU, RSS and private memory. */
function idleTable(r: IdleResult): string[] {
  const cells = (hs: readonly IdleFigure[], helpers: boolean) =>
    hs.map(
      (h) =>
        `${pct2(h.cpu)}${helpers ? ` (${pct2(h.cpuWithHelpers)} with its ip helpers)` : ''}, ${h.rssMb.toFixed(0)} MB (${h.privateMb.toFixed(0)} private)`,
    )
  const frr = typeof r.frr === 'string' ? [r.frr, '-'] : cells(r.frr, false)
  return [
    `Idle, two hosts at -t 0.1 -f 3 -s 3, windows of ${r.seconds} s (bench/idle.ts), each in a lab of its own`,
    '',
    row(['what', 'host 1', 'host 2']),
    row(Array(3).fill('---')),
    row([`faild, its first ${r.seconds} s (V8 still compiling)`, ...cells(r.first, true)]),
    row([`faild, the ${r.seconds} s after`, ...cells(r.hosts, true)]),
    row(['bare Node, as many datagrams (bench/bare-node.ts)', ...cells(r.floor, false)]),
    row(['FRR zebra + ospfd + bfdd, BFD 100 ms x 3', ...frr]),
  ]
}

/** `--idle-only`: two idle hosts, written to bench/results/idle.json. */
async function idleOnly(seconds: number): Promise<number> {
  const r = await benchIdle(seconds)
  say(idleTable(r).join('\n'))
  mkdirSync(OUT, { recursive: true })
  writeFileSync(`${OUT}idle.json`, `${JSON.stringify({ when: new Date().toISOString(), ...r }, null, 2)}\n`)
  return 0
}

/** The TCP rows as a table: the stall of each stream kind under each RTO setting. */
function tcpTable(rows: readonly TcpRow[]): string[] {
  return [
    row(['stream', 'RTO', 'runs', 'failover median (ms)', 'stall median (ms)', 'p95', 'max', 'bytes lost']),
    row(Array(8).fill('---')),
    ...rows.map((r) =>
      row([
        r.stream,
        r.rtoMinMs === undefined ? 'default (200 ms min)' : `rto_min ${r.rtoMinMs}ms`,
        `${r.runs}`,
        ms(r.failover.median),
        ms(r.stall.median),
        ms(r.stall.p95),
        ms(r.stall.max),
        `${r.bytesLost}`,
      ]),
    ),
  ]
}

/** `--tcp-only`: dead ports under a thin and a bulk stream, written to bench/results/tcp.json. */
async function tcpOnly(runs: number): Promise<number> {
  const profiles: Array<{ profile: string; rows: TcpRow[] }> = []
  for (const p of PROFILES) {
    say(`TCP at a dead switch port, faild ${p.name}, ${runs} runs per row`)
    profiles.push({ profile: p.name, rows: await benchTcp(p.flags, runs, say) })
  }
  for (const { profile, rows } of profiles) {
    const flagged = flaggedLines(rows.map((r) => ({ what: `${r.stream}, RTO ${r.rtoMinMs ?? 'default'}`, ...r })))
    say(`\nfaild ${profile}\n\n${[...tcpTable(rows), ...flagged].join('\n')}`)
  }
  mkdirSync(OUT, { recursive: true })
  writeFileSync(`${OUT}tcp.json`, `${JSON.stringify({ when: new Date().toISOString(), profiles }, null, 2)}\n`)
  say('written: bench/results/tcp.json')
  return 0
}

/** Median, p95 and max, as table cells. */
const spread = (s: Summary): string[] => [ms(s.median), ms(s.p95), ms(s.max)]

/** The runs cell: how many runs, and how many of them never saw the change (not in the figures beside it: a failure). */
const runsCell = (runs: number, ...seen: Summary[]): string => {
  const missing = Math.max(...seen.map((s) => runs - s.n))
  return missing > 0 ? `${runs} (**${missing} never seen**)` : `${runs}`
}

/** A service address's moves as a table under `title`; the bound is the issue's, the detector's plus 20 ms for the move. */
function moveTable(title: string, m: AddressRow): string[] {
  return [
    '',
    title,
    '',
    row(['runs', 'moved median', 'p95', 'max', 'limit (f - 0.5) x t + 20', 'back median', 'max']),
    row(Array(7).fill('---')),
    row([runsCell(m.runs, m.move, m.back), ...spread(m.move), ms(m.moveLimitMs), ms(m.back.median), ms(m.back.max)]),
  ]
}

/** `--targets-only`: routers as probe targets, written to bench/results/targets-only.json. */
async function targetsOnly(runs: number): Promise<number> {
  say(`probe targets: two routers that run no faild, -t 0.1 -f 3 -s 3, ${runs} runs per fault`)
  const rows = [...(await benchTargets(runs, say)), ...(await benchTargets(runs, say, 'arp'))]
  const lines = [
    row([
      'probe',
      'fault',
      'runs',
      'failover median (ms)',
      'p95',
      'max',
      'limit (f - 0.5) x t',
      'back median',
      'max',
      's x t',
    ]),
    row(Array(10).fill('---')),
    ...rows.map((r) =>
      row([
        r.method,
        r.fault,
        runsCell(r.runs, r.failover, r.failback),
        ...spread(r.failover),
        ms(r.failoverLimitMs),
        ms(r.failback.median),
        ms(r.failback.max),
        ms(r.failbackLimitMs),
      ]),
    ),
  ]
  const move = await benchAddressMove(runs, say)
  const netmon = await benchNetMonMove(runs, say)
  lines.push(
    ...moveTable(
      "A service address on two NICs of one subnet: a dead switch port at the first NIC to the client's neighbour entry naming the second (ms)",
      move,
    ),
    ...moveTable(
      "NetMon's case, NICs on LANs A and B, a faild client on both: a dead port at LAN A to the client's route out of LAN B (ms)",
      netmon,
    ),
  )
  lines.push(
    '',
    timingNote([...rows, move, netmon].map((r) => r.injectMedianMs)),
    ...flaggedLines([
      ...rows.map((r) => ({ what: `${r.method}, ${r.fault}`, flagged: r.flagged })),
      { what: 'address move', flagged: move.flagged },
      { what: 'NetMon move', flagged: netmon.flagged },
    ]),
  )
  say(`\n${lines.join('\n')}`)
  mkdirSync(OUT, { recursive: true })
  const when = new Date().toISOString()
  writeFileSync(
    `${OUT}targets-only.json`,
    `${JSON.stringify({ when, rows, addressMove: move, netmonMove: netmon }, null, 2)}\n`,
  )
  say('written: bench/results/targets-only.json')
  return 0
}

/** A count of samples, and how many reactions were stamped before their fault took effect (impossible: left out, and said). */
const flaggedCell = (n: number, flagged: number): string =>
  flagged > 0 ? `${n} (**${flagged} before the fault: left out**)` : `${n}`

/** A line per row whose reactions were stamped before their fault took effect (left out of its figures), if any. */
function flaggedLines(rows: ReadonlyArray<{ readonly what: string; readonly flagged: number }>): string[] {
  return rows
    .filter((r) => r.flagged > 0)
    .map(
      (r) => `**${r.what}: ${r.flagged} reactions stamped before their fault took effect (left out of the figures).**`,
    )
}

/** How the times below were taken, and how long the commands making the faults took (not in the times). */
const timingNote = (commandMs: readonly number[]): string =>
  `Times from the fault taking effect (${FAULT_STAMP}), as ../shared/reference/frr-lab does; ` +
  `the fault and heal commands themselves took ${commandMs.map(ms).join(', ')} ms (median).`

/** The samples cell: how many, and how many of them never saw each family's change (a failure, not in the figures). */
function samplesCell(n: number, v6: Summary, v4: Summary): string {
  const missing = [
    [n - v6.n, 'IPv6'],
    [n - v4.n, 'IPv4'],
  ].filter(([k]) => (k as number) > 0)
  return missing.length ? `${n} (**${missing.map(([k, f]) => `${k} ${f}`).join(', ')} never seen**)` : `${n}`
}

/** The columns of an IPv6 row: each family's figures, then the difference between them. */
const BOTH_FAMILIES = ['IPv6 median', 'p95', 'max', 'IPv4 median', 'p95', 'max', 'IPv6 - IPv4: min', 'median', 'max']

/** The IPv6 rows: both families' swaps from the same faults side by side, their difference, the IPv6 stream's stall. */
function ipv6Tables(rows: readonly Ipv6Row[]): string[] {
  const profile = rows[0]?.profile ?? PROFILES[0]!.name
  const out = [
    `IPv6 on dual-stack hosts with a key (${profile}): from the fault taking effect (stamped as for IPv4) to the peer's route to the faulted host's LAN A IPv6 address moving to LAN B, and to its IPv4 address, in the same runs (ms)`,
    '',
    row(['fault', 'samples', ...BOTH_FAMILIES, 'limit (f - 0.5) x t']),
    row(Array(12).fill('---')),
  ]
  for (const r of rows) {
    const s = r.summary
    const gap = [ms(s.failoverGap.min), ms(s.failoverGap.median), ms(s.failoverGap.max)]
    out.push(
      row([
        r.fault,
        samplesCell(r.samples, s.failover6, s.failover4),
        ...spread(s.failover6),
        ...spread(s.failover4),
        ...gap,
        ms(r.failoverLimitMs),
      ]),
    )
  }
  out.push('', "IPv6 failback: from the heal taking effect to each family's route restored (ms), and flapping", '')
  out.push(row(['fault', 'samples', ...BOTH_FAMILIES, 'limit s x t', 'flaps', 'false failovers']))
  out.push(row(Array(14).fill('---')))
  for (const r of rows) {
    const s = r.summary
    const gap = [ms(s.failbackGap.min), ms(s.failbackGap.median), ms(s.failbackGap.max)]
    out.push(
      row([
        r.fault,
        samplesCell(r.samples, s.failback6, s.failback4),
        ...spread(s.failback6),
        ...spread(s.failback4),
        ...gap,
        ms(r.failbackLimitMs),
        r.flaps,
        r.falseFailovers,
      ]),
    )
  }
  out.push('', 'IPv6 TCP stream between LAN A IPv6 addresses: longest stall (ms) and bytes lost', '')
  out.push(
    row(['fault', 'runs', 'stall at failover: median', 'p95', 'max', 'stall at failback: median', 'max', 'bytes lost']),
  )
  out.push(row(Array(8).fill('---')))
  for (const r of rows) {
    const [f, b] = [r.summary.stallFailover, r.summary.stallFailback]
    out.push(row([r.fault, r.runs, ...spread(f), ms(b.median), ms(b.max), r.bytesLost]))
  }
  out.push(
    '',
    timingNote(rows.map((r) => r.injectMedianMs)),
    ...flaggedLines(rows.map((r) => ({ what: `IPv6, ${r.fault}`, flagged: r.flagged }))),
  )
  return out
}

/** faild's IPv6 swap beside FRR's OSPFv3 route moving, per fault, or why FRR did not run. */
function frr6Table(rows: readonly Ipv6Row[], frr: readonly FrrCase[] | string): string[] {
  const head = [
    `faild beside FRR in IPv6 (zebra + ospf6d + bfdd, BFD 100 ms x 3): from the fault taking effect (${FAULT_STAMP}), as ../shared/reference/frr-lab does, to the peer's route to the faulted host moving to LAN B (ms; faild: host 1's LAN A IPv6 address, FRR: host 1's OSPFv3-advertised /128)`,
    '',
  ]
  if (typeof frr === 'string') return [...head, `FRR skipped: ${frr}`]
  const cols = [
    'fault',
    'faild samples',
    'median',
    'p95',
    'max',
    'FRR runs',
    'median',
    'p95',
    'max',
    'faild / FRR (median)',
  ]
  const lines = [...head, row(cols), row(Array(cols.length).fill('---'))]
  for (const f of frr) {
    const r = rows.find((x) => x.fault === f.fault)
    if (!r) continue
    const [a, b] = [r.summary.failover6, f.summary]
    const faild = samplesCell(r.samples, a, r.summary.failover4)
    lines.push(
      row([
        f.fault,
        faild,
        ...spread(a),
        runsCell(f.failover.length, b),
        ...spread(b),
        (a.median / b.median).toFixed(2),
      ]),
    )
  }
  lines.push(...flaggedLines(frr.map((f) => ({ what: `FRR (IPv6), ${f.fault}`, flagged: f.flagged }))))
  return lines
}

/** `--ipv6-only`: the IPv6 rows (and with `frr`, FRR in IPv6 beside them), written to bench/results/ipv6.json. */
async function ipv6Only(runs: number, frr: boolean): Promise<number> {
  // The machine is shared: its load before and after says how far to trust the figures.
  const load = () => loadavg().map((x) => x.toFixed(1))
  const before = load()
  say(
    `IPv6 on dual-stack hosts with a key, ${PROFILES[0]!.name}, ${runs} runs per fault; load average ${before.join(' ')}`,
  )
  const rows = await benchIpv6(runs, say)
  const after = load()
  say(`\n${ipv6Tables(rows).join('\n')}\n\nload average before ${before.join(' ')}, after ${after.join(' ')}`)
  let frr6: FrrCase[] | string | undefined
  if (frr) {
    say('FRR in IPv6...')
    frr6 =
      frrMissing(6) ??
      (await benchFrr(runs, say, 6).catch((err: Error) => `FRR run failed: ${err.message.split('\n').at(-1)}`))
    say(`\n${frr6Table(rows, frr6).join('\n')}`)
  }
  mkdirSync(OUT, { recursive: true })
  const when = new Date().toISOString()
  const json = { when, loadBefore: before, loadAfter: after, rows, ...(frr6 === undefined ? {} : { frr: frr6 }) }
  writeFileSync(`${OUT}ipv6.json`, `${JSON.stringify(json, null, 2)}\n`)
  say('written: bench/results/ipv6.json')
  return 0
}

/** `--scale-only`: the scale rows alone, written to bench/results/scale-only.json. */
async function scaleOnly(rows: readonly ScaleRow[], o: ScaleOptions): Promise<number> {
  say(`scale rows ${rows.map((r) => `${r.peers} ${r.kind} (${windowOf(r, o)} s)`).join(', ')}`)
  const scale = await benchScale(rows, o, say)
  const when = new Date().toISOString()
  say(`\n${scaleTable(scale).join('\n')}`)
  mkdirSync(OUT, { recursive: true })
  writeFileSync(`${OUT}scale-only.json`, `${JSON.stringify({ when, windowS: o.windowS, scale }, null, 2)}\n`)
  say('written: bench/results/scale-only.json')
  return 0
}

async function main(): Promise<number> {
  const why = await labUnavailable()
  if (why) {
    say(`faild bench cannot run here: ${why}`)
    return 1
  }
  const { runs, quick, rows, windowS, pin } = args()
  if (process.argv.includes('--scale-only')) return scaleOnly(rows, { windowS, pin })
  if (process.argv.includes('--idle-only')) return idleOnly(windowS * 2)
  if (process.argv.includes('--targets-only')) return targetsOnly(process.argv.includes('--runs') ? runs : 10)
  if (process.argv.includes('--tcp-only')) return tcpOnly(process.argv.includes('--runs') ? runs : 10)
  if (process.argv.includes('--ipv6-only'))
    return ipv6Only(process.argv.includes('--runs') ? runs : 10, process.argv.includes('--frr'))
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Linux ${release()}, Node ${process.version}`
  say(`faild bench: ${runs} runs per failover case, ${machine}`)
  const cases: CaseResult[] = []
  const frrOnly = process.argv.includes('--frr-only')
  for (const p of quick || frrOnly ? PROFILES.slice(0, 1) : PROFILES) cases.push(...(await benchProfile(p, runs, say)))
  const frrLines = await frrSection(cases, runs, say)
  if (frrOnly) {
    say(`\n${frrLines.join('\n')}`)
    return 0
  }
  say('IPv6 on dual-stack hosts...')
  const ipv6 = await benchIpv6(runs, say)
  say('churn and start-up...')
  const churn = await benchChurn(1000, 10)
  const startup = await benchStartup(50, 10)
  say('scale...')
  const scale = await benchScale(rows, { windowS, pin }, say)
  const idle = await benchIdle(quick ? 20 : 60)
  say(idleTable(idle).join('\n'))
  const lines = tables(cases, scale, churn, startup)
  const tg = [...targets(cases, scale, churn, startup), idleTarget(idle)]
  const targetLines = [
    'Targets (medians on this machine)',
    '',
    row(['what', 'target', 'measured', 'met']),
    row(Array(4).fill('---')),
    ...tg.map((x) => row([x.what, x.target, x.measured, x.met ? 'yes' : '**no**'])),
  ]
  const when = new Date().toISOString()
  const md = [
    `Measured ${when} on ${machine} with \`npm run bench${quick ? ' -- --quick' : runs !== 20 ? ` -- --runs ${runs}` : ''}\`.`,
    '',
    ...targetLines,
    '',
    ...lines,
    '',
    ...idleTable(idle),
    '',
    ...ipv6Tables(ipv6),
    '',
    ...frrLines,
    '',
  ].join('\n')
  say(`\n${md}`)
  mkdirSync(OUT, { recursive: true })
  const meta = { when, machine, runs }
  writeFileSync(`${OUT}failover.json`, `${JSON.stringify({ ...meta, cases, ipv6 }, null, 2)}\n`)
  writeFileSync(`${OUT}scale.json`, `${JSON.stringify({ ...meta, scale, churn, startup, idle }, null, 2)}\n`)
  writeFileSync(`${OUT}targets.json`, `${JSON.stringify({ ...meta, targets: tg }, null, 2)}\n`)
  writeFileSync(`${OUT}results.md`, md)
  writeFileSync(`${OUT}failover.svg`, chartSvg(cases))
  say(`written: bench/results/{failover,scale,targets}.json, results.md, failover.svg`)
  return 0
}

process.exitCode = await main()
