// Idle cost: two hosts at -t 0.1 with nothing happening, faild's CPU (with its `ip` helpers) and memory.
import { FAILD, type Host, Lab, sleep, until } from '../spec/lab/harness/netlab.js'
import { CLK_TCK, cpuTicks, rssMb, treeTicks } from './proc-stat.js'

export interface IdleResult {
  readonly seconds: number
  /** Per host: share of one core, the daemon alone and with its children; RSS in MB. */
  readonly hosts: ReadonlyArray<{ readonly cpu: number; readonly cpuWithHelpers: number; readonly rssMb: number }>
}

const FAST = ['-r', '-t', '0.1', '-f', '3', '-s', '3']

/** Both daemons converged, then `seconds` of nothing: what each cost. */
export async function benchIdle(seconds: number): Promise<IdleResult> {
  const lab = await Lab.create({ hosts: 2 })
  try {
    const procs = []
    // FAILD_NODE_ARGS: node flags for faild, as in the scale rows (--cpu-prof to profile).
    const nodeArgs = (process.env.FAILD_NODE_ARGS ?? '').split(' ').filter(Boolean)
    for (const h of lab.hosts)
      procs.push(lab.spawn(h, process.execPath, [...nodeArgs, FAILD, ...lab.faildArgs(h, FAST)]))
    const [h1] = lab.hosts as [Host]
    await until(async () => (await lab.faildctl(h1, ['status', '--json'])).code === 0, 10_000, 'faild up')
    await sleep(3000) // converged, the first reads done
    const pids = procs.map((p) => p.child.pid!)
    const before = pids.map((pid) => [cpuTicks(pid), treeTicks(pid)] as const)
    const t0 = performance.now()
    await sleep(seconds * 1000)
    const span = (performance.now() - t0) / 1000
    const hosts = pids.map((pid, i) => ({
      cpu: (cpuTicks(pid) - before[i]![0]) / CLK_TCK / span,
      cpuWithHelpers: (treeTicks(pid) - before[i]![1]) / CLK_TCK / span,
      rssMb: rssMb(pid),
    }))
    for (const p of procs) await p.stop()
    return { seconds, hosts }
  } finally {
    await lab.destroy()
  }
}
