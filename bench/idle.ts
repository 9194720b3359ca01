// Idle cost: two hosts at -t 0.1 with nothing happening, what faild costs (with its `ip` helpers)
// beside what bench/bare-node.ts costs sending and reading as many datagrams (the floor Node and the
// kernel set) and what FRR's zebra, ospfd and bfdd cost with BFD at 100 ms, each in a lab of its own.
import { fileURLToPath } from 'node:url'
import { type Host, Lab, sleep, until } from '../spec/lab/harness/netlab.js'
import { frrIdle, frrMissing } from './frr.js'
import { CLK_TCK, cpuTicks, privateMb, rssMb, treeTicks } from './proc-stat.js'

const BARE = fileURLToPath(new URL('./bare-node.js', import.meta.url))

/** One host over a window: share of one core, alone and with its children (faild's `ip` helpers); RSS and private memory in MB. */
export interface IdleFigure {
  readonly cpu: number
  readonly cpuWithHelpers: number
  readonly rssMb: number
  /** Of that, what only its processes hold (not node's executable and the libraries they share). */
  readonly privateMb: number
}

export interface IdleResult {
  readonly seconds: number
  /** faild per host over the first window, from 3 s after convergence: V8 still compiles then. */
  readonly first: readonly IdleFigure[]
  /** faild per host over the window after it: what it costs for as long as it runs. */
  readonly hosts: readonly IdleFigure[]
  /** Two bare Node processes sending and reading as many datagrams as faild. */
  readonly floor: readonly IdleFigure[]
  /** FRR's three daemons per host, or why they did not run. */
  readonly frr: readonly IdleFigure[] | string
}

const FAST = ['-r', '-t', '0.1', '-f', '3', '-s', '3']

/** Each of faild, bare Node and FRR on two hosts, converged, then windows of `seconds` of nothing. */
export async function benchIdle(seconds: number): Promise<IdleResult> {
  const { first, hosts } = await faildIdle(seconds)
  const floor = await bareIdle(seconds)
  const why = frrMissing()
  const frr =
    why ?? (await frrIdle((pids) => window(pids, seconds)).catch((err: Error) => `FRR run failed: ${err.message}`))
  return { seconds, first, hosts, floor, frr }
}

async function faildIdle(seconds: number): Promise<{ first: IdleFigure[]; hosts: IdleFigure[] }> {
  return Lab.using({ hosts: 2 }, async (lab) => {
    // FAILD_NODE_ARGS: node flags for faild, as in the scale rows (--cpu-prof to profile).
    const nodeArgs = (process.env.FAILD_NODE_ARGS ?? '').split(' ').filter(Boolean)
    const procs = lab.hosts.map((h) => lab.spawn(h, process.execPath, lab.faildArgv(h, FAST, nodeArgs)))
    const [h1] = lab.hosts as [Host]
    await until(async () => (await lab.faildctl(h1, ['status', '--json'])).code === 0, 10_000, 'faild up')
    await sleep(3000) // converged, the first reads done
    const pids = procs.map((p) => [p.child.pid!])
    const first = await window(pids, seconds)
    const hosts = await window(pids, seconds)
    for (const p of procs) await p.stop()
    return { first, hosts }
  })
}

async function bareIdle(seconds: number): Promise<IdleFigure[]> {
  return Lab.using({ hosts: 2 }, async (lab) => {
    const broadcasts = [lab.address(0, 255), lab.address(1, 255)]
    const procs = lab.hosts.map((h) =>
      lab.spawn(h, process.execPath, [BARE, '4207', lab.address(0, h.n), lab.address(1, h.n), ...broadcasts]),
    )
    for (const p of procs) await p.waitFor(/^ready/m, 10_000)
    await sleep(3000)
    const floor = await window(
      procs.map((p) => [p.child.pid!]),
      seconds,
    )
    for (const p of procs) await p.stop()
    return floor
  })
}

/** Over `seconds`: what each host's processes cost together, alone and with their children; RSS at the end. */
async function window(hosts: readonly (readonly number[])[], seconds: number): Promise<IdleFigure[]> {
  const sum = (pids: readonly number[], f: (pid: number) => number) => pids.reduce((n, pid) => n + f(pid), 0)
  const before = hosts.map((pids) => [sum(pids, cpuTicks), sum(pids, treeTicks)] as const)
  const t0 = performance.now()
  await sleep(seconds * 1000)
  const span = (performance.now() - t0) / 1000
  return hosts.map((pids, i) => ({
    cpu: (sum(pids, cpuTicks) - before[i]![0]) / CLK_TCK / span,
    cpuWithHelpers: (sum(pids, treeTicks) - before[i]![1]) / CLK_TCK / span,
    rssMb: sum(pids, rssMb),
    privateMb: sum(pids, privateMb),
  }))
}
