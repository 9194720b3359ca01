// Cost at scale: faild's CPU, memory and packet rate against a simulator of N peers; route churn;
// start-up time. All in a wide lab (two /16 LANs) so up to 1000 simulated peers fit.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { FAILD, type Host, Lab, type Proc, sleep, until } from '../spec/lab/harness/netlab.js'
import { simAddress } from './sim-address.js'
import { type Summary, summarize } from './stats.js'

const SIM = fileURLToPath(new URL('./peer-sim.js', import.meta.url))
const CHURN = fileURLToPath(new URL('./churn-worker.js', import.meta.url))
const FLAGS = ['-r', '-t', '0.1', '-f', '3', '-s', '3', '-i', 'etha', '-i', 'ethb']
const CLK_TCK = 100 // Linux USER_HZ, the unit of /proc/PID/stat times

export interface ScaleResult {
  readonly peers: number
  readonly mode: 'responders' | 'requestors'
  /** Share of one core over the window (1 = 100%). */
  readonly cpu: number
  readonly rssMb: number
  /** Packets per second the daemon received and sent, from the simulator's counters. */
  readonly ppsIn: number
  readonly ppsOut: number
  /** Paths the daemon took down during the window: false failovers under load. */
  readonly falseDowns: number
  /** Paths (peer x LAN) up at the end of the window, of peers x 2: below that, faild did not keep up. */
  readonly pathsUp: number
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

const cpuTicks = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return Number(fields[11]) + Number(fields[12]) // utime + stime
}
const rssMb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024

async function addSimAddresses(lab: Lab, h: Host, n: number): Promise<void> {
  const lines: string[] = []
  for (let i = 0; i < n; i++)
    for (const lan of [0, 1]) lines.push(`addr add ${simAddress(lan, i)}/16 dev ${h.ifaces[lan]}`)
  const r = await lab.exec(h, 'ip', ['-batch', '-'], `${lines.join('\n')}\n`)
  if (r.code !== 0) throw new Error(`adding simulator addresses: ${r.stderr}`)
}

type Sample = { at: number; inqRx: number; ackTx: number; inqTx: number; ackRx: number; firstInqAt: number }
const samples = (p: Proc): Sample[] =>
  p.output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Sample)

/** Paths whose last logged transition ended up. */
function pathsUp(log: string): number {
  const last = new Map<string, string>() // keyed by "peer LAN"; BOUNDED: peers x 2
  for (const m of log.matchAll(/peer (\S+) LAN ([AB]): \w+ -> (\w+)/g)) last.set(`${m[1]} ${m[2]}`, m[3]!)
  return [...last.values()].filter((s) => s === 'up').length
}

async function startSim(lab: Lab, h: Host, n: number, mode: string): Promise<Proc> {
  const sim = lab.spawn(h, process.execPath, [SIM, '4207', `${n}`, '0.1', mode, lab.address(0, 1), lab.address(1, 1)])
  await sim.waitFor(/ready/, 60_000)
  return sim
}

/** One measurement: daemon on host 1, simulator of n peers on host 2, a window of `windowS` seconds. */
async function measure(lab: Lab, n: number, mode: 'responders' | 'requestors', windowS: number): Promise<ScaleResult> {
  const [h1, h2] = lab.hosts as [Host, Host]
  const sim = await startSim(lab, h2, n, mode === 'requestors' ? 'requestor' : 'responder')
  const daemon = await lab.faild(h1, FLAGS)
  try {
    const pid = daemon.child.pid!
    const ups = () => (daemon.output.match(/: unknown -> up/g) ?? []).length
    await until(() => ups() >= 2 * n, 30_000, `${n} peers up`).catch(() => undefined) // measured anyway: see pathsUp
    await sleep(2000)
    const downsBefore = (daemon.output.match(/-> down/g) ?? []).length
    const s0 = samples(sim).at(-1)!
    const c0 = cpuTicks(pid)
    const t0 = performance.now()
    await sleep(windowS * 1000)
    const c1 = cpuTicks(pid)
    const t1 = performance.now()
    await sleep(1100)
    const s1 = samples(sim).at(-1)!
    const secs = (s1.at - s0.at) / 1000
    return {
      peers: n,
      mode,
      cpu: (c1 - c0) / CLK_TCK / ((t1 - t0) / 1000),
      rssMb: rssMb(pid),
      ppsIn: (s1.ackTx - s0.ackTx + s1.inqTx - s0.inqTx) / secs,
      ppsOut: (s1.inqRx - s0.inqRx + s1.ackRx - s0.ackRx) / secs,
      falseDowns: (daemon.output.match(/-> down/g) ?? []).length - downsBefore,
      pathsUp: pathsUp(daemon.output),
    }
  } finally {
    await daemon.stop()
    await sim.stop()
  }
}

export async function benchScale(
  sizes: readonly number[],
  windowS: number,
  log: (s: string) => void,
): Promise<ScaleResult[]> {
  return withWideLab(async (lab) => {
    const [, h2] = lab.hosts as [Host, Host]
    await addSimAddresses(lab, h2, Math.max(...sizes))
    const out: ScaleResult[] = []
    for (const mode of ['responders', 'requestors'] as const) {
      for (const n of sizes) {
        const r = await measure(lab, n, mode, windowS)
        log(
          `  ${n} peers (${mode}): CPU ${(r.cpu * 100).toFixed(1)}% of a core, RSS ${r.rssMb.toFixed(0)} MB, ` +
            `${Math.round(r.ppsIn)} pkt/s in, ${Math.round(r.ppsOut)} out, ${r.falseDowns} false downs, ${r.pathsUp}/${2 * n} paths up`,
        )
        out.push(r)
      }
    }
    return out
  })
}

export async function benchChurn(routes: number, repeats: number): Promise<ChurnResult> {
  return withWideLab(async (lab) => {
    const [h1] = lab.hosts as [Host]
    const r = await lab.exec(h1, process.execPath, [CHURN, `${routes}`, `${repeats}`])
    if (r.code !== 0) throw new Error(`churn worker: ${r.stderr}`)
    const j = JSON.parse(r.stdout) as { apply: number[]; restore: number[]; failed: number }
    return { routes, apply: summarize(j.apply), restore: summarize(j.restore), failed: j.failed }
  })
}

/** Start faild `repeats` times beside a simulator of `n` peers: time to its first INQ, and until every path is up. */
export async function benchStartup(n: number, repeats: number): Promise<StartupResult> {
  return withWideLab(async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    await addSimAddresses(lab, h2, n)
    const first: number[] = []
    const conv: number[] = []
    for (let i = 0; i < repeats; i++) {
      const sim = await startSim(lab, h2, n, 'responder')
      const t0 = Date.now()
      const daemon = lab.spawn(h1, process.execPath, [FAILD, ...lab.faildArgs(h1, FLAGS)])
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

async function withWideLab<T>(body: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await Lab.create({ hosts: 2, wide: true })
  try {
    return await body(lab)
  } finally {
    await lab.destroy()
  }
}
