// Cost at scale: faild's CPU, memory and packet rate against a load generator of N hosts; route churn;
// start-up time. All in a wide lab (two /16 LANs) so thousands of simulated hosts fit.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rttEvery } from '../lib/core/engine/answering.js'
import type { StatusReport } from '../lib/core/report/status.js'
import { type Host, Lab, type Proc, sleep, until } from '../spec/lab/harness/netlab.js'
import { between, buildLoadgen, invalidWhy, loadStats, startLoadgen, writeTemplates } from './loadgen.js'
import { CLK_TCK, cpuTicks, rssMb, systemTicks } from './proc-stat.js'
import { simAddress } from './sim-address.js'
import { type Summary, summarize } from './stats.js'

const SIM = fileURLToPath(new URL('./peer-sim.js', import.meta.url))
const CHURN = fileURLToPath(new URL('./churn-worker.js', import.meta.url))
const BARE = fileURLToPath(new URL('./bare-node.js', import.meta.url))
/** Two hosts on two /16 LANs, so thousands of simulated hosts fit. */
const WIDE = { hosts: 2, wide: true } as const
const FLAGS = ['-r', '-t', '0.1', '-f', '3', '-s', '3', '-i', 'etha', '-i', 'ethb']

/** A scale row: N simulated hosts of one kind, and whether the daemon was disturbed (LOAD_KINDS). */
export interface ScaleRow {
  readonly peers: number
  readonly kind: LoadKind
  /** Seconds watched, where the row has its own (a soak); else the bench's window. */
  readonly windowS?: number
}

export type LoadKind = 'responders' | 'requestors' | 'burst' | 'hog' | 'floor'

/**
 * "1000r": 1000 responders; q: requestors spreading their INQs; b: sending in one burst; h: requestors
 * with a CPU hog on faild's core; n: requestors against bench/bare-node.ts in faild's place (Node's floor).
 * ":300" after a row watches it for 300 s instead of the bench's window.
 */
const LOAD_KINDS: Record<string, LoadKind> = { r: 'responders', q: 'requestors', b: 'burst', h: 'hog', n: 'floor' }

export function parseRows(text: string): ScaleRow[] {
  return text.split(',').map((r) => {
    const m = /^(\d+)([rqbhn])(?::(\d+))?$/.exec(r.trim())
    if (!m || m[3] === '0')
      throw new Error(`--rows: "${r}" is not N followed by r, q, b, h or n, and optionally :seconds (e.g. 1000q:300)`)
    const row = { peers: Number(m[1]), kind: LOAD_KINDS[m[2]!]! }
    return m[3] ? { ...row, windowS: Number(m[3]) } : row
  })
}

export interface ScaleResult extends ScaleRow {
  /** Seconds the row was watched: its CPU is the mean over them, its false downs and routes all of theirs. */
  readonly windowS: number
  /** Share of one core over the window (1 = 100%), and the part spent in the kernel. */
  readonly cpu: number
  readonly cpuSystem: number
  readonly rssMb: number
  /** Packets per second the daemon received from and sent to the generator, as the generator counted. */
  readonly ppsIn: number
  readonly ppsOut: number
  /** Path down events during the window (no fault is injected: every one is false). */
  readonly falseDowns: number
  /** Path changes the log summed up instead of logging (a budget): downs or ups, not told apart. */
  readonly unlogged: number
  /** Route changes faild made during the window: false failovers. */
  readonly routes: number
  /** Log lines of faild about overload during the window. */
  readonly overloadLines: number
  /** Paths (peer x LAN) up at the end of the window, of peers x 2. */
  readonly pathsUp: number
  /** After the load stopped: ms until every path was up again (undefined: not within 10 s, or not measured). */
  readonly recoveredMs?: number
  /** Why the generator's figures are not evidence (it fell behind); undefined: they are. */
  readonly invalid?: string
  /** What the generator achieved: INQs per second sent, of intended. */
  readonly inqRate: number
  readonly inqIntendedRate: number
}

export interface ChurnResult {
  readonly routes: number
  readonly apply: Summary
  readonly restore: Summary
  readonly failed: number
}

export interface StartupResult {
  readonly firstInq: Summary
  readonly converged: Summary
}

async function addSimAddresses(lab: Lab, h: Host, n: number): Promise<void> {
  const lines: string[] = []
  for (let i = 0; i < n; i++)
    for (const lan of [0, 1]) lines.push(`addr add ${simAddress(lan, i)}/16 dev ${h.ifaces[lan]}`)
  const r = await lab.exec(h, 'ip', ['-batch', '-'], `${lines.join('\n')}\n`)
  if (r.code !== 0) throw new Error(`adding simulator addresses: ${r.stderr}`)
}

type Sample = { at: number; inqRx: number; ackTx: number; firstInqAt: number }
const samples = (p: Proc): Sample[] =>
  p.output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Sample)

/** The start-up bench's simulator (bench/peer-sim.ts): n responders, and when the first INQ came. */
async function startSim(lab: Lab, h: Host, n: number): Promise<Proc> {
  const sim = lab.spawn(h, process.execPath, [SIM, '4207', `${n}`, lab.address(0, 1), lab.address(1, 1)])
  await sim.waitFor(/ready/, 60_000)
  return sim
}

/** Paths up as `faildctl status` shows them (the log budgets path lines that move no route). */
async function pathsUp(lab: Lab, h: Host): Promise<number> {
  const r = await lab.faildctl(h, ['status', '--json'])
  if (r.code !== 0) return 0
  const s = JSON.parse(r.stdout) as StatusReport
  return s.peers.reduce((n, p) => n + p.paths.filter((x) => x.state === 'up').length, 0)
}

/** Path changes during a window: the lines logged, and those a budget summed up instead. */
function pathChanges(log: string): { downs: number; unlogged: number } {
  let unlogged = 0
  for (const m of log.matchAll(/(\d+) more path changes that moved no route were not logged/g)) unlogged += Number(m[1])
  return { downs: count(log, /-> down/g), unlogged }
}

const count = (text: string, re: RegExp): number => (text.match(re) ?? []).length

/** Permanent neighbour entries on the daemon's side for every simulated address: ARP is not what is measured. */
async function pinNeighbours(lab: Lab, h1: Host, h2: Host, n: number): Promise<void> {
  const lines: string[] = []
  for (const lan of [0, 1]) {
    const link = await lab.exec(h2, 'ip', ['-j', 'link', 'show', 'dev', h2.ifaces[lan]!])
    const mac = (JSON.parse(link.stdout) as Array<{ address: string }>)[0]!.address
    for (let i = 0; i < n; i++)
      lines.push(`neigh replace ${simAddress(lan, i)} lladdr ${mac} dev ${h1.ifaces[lan]} nud permanent`)
  }
  const r = await lab.exec(h1, 'ip', ['-batch', '-'], `${lines.join('\n')}\n`)
  if (r.code !== 0) throw new Error(`pinning neighbours: ${r.stderr}`)
}

export interface ScaleOptions {
  readonly windowS: number
  /** Pin faild to CPU 0 and the generator to CPU 1 (the hog row always pins). */
  readonly pin: boolean
}

/** The seconds a row is watched: its own, else the bench's window. */
export const windowOf = (row: ScaleRow, o: ScaleOptions): number => row.windowS ?? o.windowS

/** One row: faild on host 1, the generator of n hosts on host 2, a window of windowOf() seconds. */
async function measure(lab: Lab, bin: string, row: ScaleRow, o: ScaleOptions): Promise<ScaleResult> {
  const [h1, h2] = lab.hosts as [Host, Host]
  const n = row.peers
  const windowS = windowOf(row, o)
  const intervalMs = 100
  const mode = row.kind === 'responders' ? 'responders' : row.kind === 'burst' ? 'burst' : 'spread'
  const templates = join(lab.dir, `templates-${n}-${mode}`)
  writeTemplates(templates, n, mode, intervalMs, 16)
  const pin = o.pin || row.kind === 'hog'
  const total = windowS + 40
  const gen = await startLoadgen(lab, h2, {
    bin,
    templates,
    n,
    mode,
    intervalMs,
    daemon: [lab.address(0, 1), lab.address(1, 1)],
    seconds: total,
    ...(pin ? { cpu: 1 } : {}),
  })
  // FAILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p": node flags for faild, to profile a row.
  const nodeArgs = (process.env.FAILD_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const floor = row.kind === 'floor'
  // Bare Node answers as many datagrams as faild sends ACKs: one in what each peer's samples are apart.
  const bare = [BARE, '4207', lab.address(0, 1), lab.address(1, 1), `--answer-every=${rttEvery(n)}`]
  const args = floor ? bare : lab.faildArgv(h1, FLAGS, nodeArgs)
  const daemon = pin
    ? lab.spawn(h1, 'taskset', ['-c', '0', process.execPath, ...args])
    : lab.spawn(h1, process.execPath, args)
  const hog = row.kind === 'hog' ? lab.spawn(h1, 'taskset', ['-c', '0', 'sh', '-c', 'while :; do :; done']) : undefined
  try {
    const pid = daemon.child.pid!
    if (floor) await daemon.waitFor(/^ready/m, 10_000)
    else await until(async () => (await pathsUp(lab, h1)) >= 2 * n, 30_000, `${n} peers up`).catch(() => undefined)
    await sleep(2000)
    const logAt = daemon.output.length
    const g0 = loadStats(gen).at(-1)!
    const c0 = cpuTicks(pid)
    const k0 = systemTicks(pid)
    const t0 = performance.now()
    await sleep(windowS * 1000)
    const c1 = cpuTicks(pid)
    const k1 = systemTicks(pid)
    const t1 = performance.now()
    const rss = rssMb(pid)
    await sleep(1100)
    const g1 = loadStats(gen).at(-1)!
    const w = between(g0, g1)
    const during = daemon.output.slice(logAt)
    const expected = mode === 'responders' ? 0 : (2 * n * w.t * 1000) / intervalMs
    const up = floor ? 0 : await pathsUp(lab, h1)
    hog?.child.kill('SIGKILL')
    const recoveredMs = !floor && up < 2 * n ? await recovery(lab, h1, n) : undefined
    const changes = pathChanges(during)
    // Bare Node's answers are not INQs: the generator counts them as other packets.
    const invalid = invalidWhy(floor ? { ...w, inqRx: w.otherRx } : w, expected, intervalMs)
    return {
      ...row,
      windowS,
      cpu: (c1 - c0) / CLK_TCK / ((t1 - t0) / 1000),
      cpuSystem: (k1 - k0) / CLK_TCK / ((t1 - t0) / 1000),
      rssMb: rss,
      ppsIn: (w.inqSent + w.ackSent) / w.t,
      ppsOut: (w.inqRx + w.ackRx + w.otherRx) / w.t,
      falseDowns: changes.downs,
      unlogged: changes.unlogged,
      routes: count(during, /-> down \([^)]*\): route /g),
      overloadLines: count(during, /overload/g),
      pathsUp: up,
      ...(recoveredMs === undefined ? {} : { recoveredMs }),
      ...(invalid ? { invalid } : {}),
      inqRate: w.inqSent / w.t,
      inqIntendedRate: expected / w.t,
    }
  } finally {
    hog?.child.kill('SIGKILL')
    await daemon.stop()
    await gen.stop()
  }
}

/** With the disturbance gone and the generator still running: ms until every path is up (bounded, 10 s). */
async function recovery(lab: Lab, h: Host, n: number): Promise<number | undefined> {
  const t0 = performance.now()
  const ok = await until(async () => (await pathsUp(lab, h)) >= 2 * n, 10_000, 'recovery').then(
    () => true,
    () => false,
  )
  return ok ? Math.round(performance.now() - t0) : undefined
}

export async function benchScale(
  rows: readonly ScaleRow[],
  o: ScaleOptions,
  log: (s: string) => void,
): Promise<ScaleResult[]> {
  return Lab.using(WIDE, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    const most = Math.max(...rows.map((r) => r.peers))
    await addSimAddresses(lab, h2, most)
    await pinNeighbours(lab, h1, h2, most)
    for (const h of [h1, h2]) await lab.exec(h, 'sysctl', ['-qw', 'net.core.rmem_max=33554432'])
    const bin = buildLoadgen(lab.dir)
    const out: ScaleResult[] = []
    for (const row of rows) {
      const r = await measure(lab, bin, row, o)
      log(`  ${describeRow(r)}`)
      out.push(r)
    }
    return out
  })
}

/** One line of a row's figures, or why it is not evidence. */
export function describeRow(r: ScaleResult): string {
  const what = `${r.peers} ${r.kind} (${r.windowS} s)`
  const gen = `generator ${Math.round(r.inqRate)}/${Math.round(r.inqIntendedRate)} INQ/s`
  const cost = `CPU ${(r.cpu * 100).toFixed(1)}% of a core (${(r.cpuSystem * 100).toFixed(1)} in the kernel), RSS ${r.rssMb.toFixed(0)} MB`
  if (r.kind === 'floor')
    return `${r.peers} floor, bare Node in faild's place (${r.windowS} s): ${r.invalid ? `invalid (${r.invalid}); ` : ''}${cost}; ${gen}`
  const figures =
    `${cost}, ${Math.round(r.ppsIn)} pkt/s in, ` +
    `${Math.round(r.ppsOut)} out, ${r.pathsUp}/${2 * r.peers} paths up, ${r.falseDowns} false downs (+${r.unlogged} unlogged changes), ${r.routes} routes, ` +
    `${r.overloadLines} overload lines${r.recoveredMs === undefined ? '' : `, all up ${r.recoveredMs} ms after the load fell`}`
  return r.invalid ? `${what}: invalid (${r.invalid}); ${gen}; ${figures}` : `${what}: ${figures}; ${gen}`
}

export async function benchChurn(routes: number, repeats: number): Promise<ChurnResult> {
  return Lab.using(WIDE, async (lab) => {
    const [h1] = lab.hosts as [Host]
    const r = await lab.exec(h1, process.execPath, [CHURN, `${routes}`, `${repeats}`])
    if (r.code !== 0) throw new Error(`churn worker: ${r.stderr}`)
    const j = JSON.parse(r.stdout) as { apply: number[]; restore: number[]; failed: number }
    return { routes, apply: summarize(j.apply), restore: summarize(j.restore), failed: j.failed }
  })
}

/** Start faild `repeats` times beside a simulator of `n` peers: time to its first INQ, and until every path is up. */
export async function benchStartup(n: number, repeats: number): Promise<StartupResult> {
  return Lab.using(WIDE, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    await addSimAddresses(lab, h2, n)
    const first: number[] = []
    const conv: number[] = []
    for (let i = 0; i < repeats; i++) {
      const sim = await startSim(lab, h2, n)
      const t0 = Date.now()
      const daemon = lab.spawn(h1, process.execPath, lab.faildArgv(h1, FLAGS))
      await until(() => (daemon.output.match(/LAN B: unknown -> up/g) ?? []).length >= n, 30_000, 'convergence')
      const stamps = [...daemon.output.matchAll(/^(\S+) .*LAN [AB]: unknown -> up/gm)].map((m) => Date.parse(m[1]!))
      conv.push(Math.max(...stamps) - t0)
      await until(() => samples(sim).some((s) => s.firstInqAt > 0), 5000, 'the first INQ')
      first.push(samples(sim).find((s) => s.firstInqAt > 0)!.firstInqAt - t0)
      await daemon.stop()
      await sim.stop()
    }
    return { firstInq: summarize(first), converged: summarize(conv) }
  })
}
