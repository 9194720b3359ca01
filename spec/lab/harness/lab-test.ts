// Runs a lab scenario under tap: skips with the reason where the lab cannot run (fails in CI),
// and always tears the lab down, even when the scenario throws.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import tap, { type Test } from 'tap'
import { addr, type Host, Lab, type LabOptions, type Proc, until } from './netlab.js'

export { addr }

// A lab spec takes up to minutes, not the 30 s tap gives a unit spec: this raises the runner's
// timeout for every file that uses the lab, also when one is run alone (`npx tap spec/lab/x.spec.ts`).
tap.setTimeout(600_000)

/** faild's flags in the lab: fast enough to test in seconds, as the issue suggests. */
export const FAST = ['-r', '-t', '0.1', '-f', '3', '-s', '3']

export async function withLab(t: Test, opt: LabOptions, body: (lab: Lab) => Promise<void>): Promise<void> {
  const { labUnavailable } = await import('./netlab.js')
  const why = (await labUnavailable()) ?? (await missingTool(opt))
  if (why) {
    if (process.env.CI) t.fail(`lab tests must run in CI: ${why}`)
    else t.plan(0, `lab test skipped: ${why}`)
    return
  }
  const lab = await Lab.create(opt)
  t.teardown(() => lab.destroy())
  try {
    await body(lab)
  } finally {
    // A failure in CI cannot be run again by hand: what each faild said is the evidence.
    if (!t.passing()) for (const log of lab.faildLogs()) t.comment(log)
  }
}

/** The first program of `opt.tools` this machine lacks, as a reason to skip. */
async function missingTool(opt: LabOptions): Promise<string | undefined> {
  const { run } = await import('./netlab.js')
  for (const { program, apt } of opt.tools ?? []) {
    const r = await run('sh', ['-c', `command -v ${program}`])
    if (r.code !== 0) return `'${program}' is not installed (apt-get install -y ${apt})`
  }
  return undefined
}

/** The route from `h` to peer `p`'s address on LAN `lan`: direct, or via `p`'s address on LAN `via`. */
export function expectRoute(lab: Lab, h: Host, p: Host, lan: number, via?: number): Promise<void> {
  const want = via === undefined ? `dev ${h.ifaces[lan]}` : `dev ${h.ifaces[via]} via ${addr(via, p.n)}`
  return lab.routeBecomes(h, addr(lan, p.n), want)
}

/** The IPv6 route from `h` to `p`'s LAN `lan` address: direct, or via `p`'s IPv6 address on LAN `via`. */
export function expectRoute6(lab: Lab, h: Host, p: Host, lan: number, via?: number): Promise<void> {
  const want = via === undefined ? `dev ${h.ifaces[lan]}` : `dev ${h.ifaces[via]} via ${lab.address6(via, p.n)}`
  return lab.routeBecomes(h, lab.address6(lan, p.n), want)
}

/** Host h's routes in faild's IPv6 table, one per line ('' when it has swapped nothing). */
export async function faildRoutes6(h: Host): Promise<string> {
  const { run } = await import('./netlab.js')
  const r = await run('ip', ['-6', '-n', h.ns, 'route', 'show', 'table', '4207'])
  return r.code === 0 ? r.stdout.trim() : ''
}

/** A key file in the lab's directory, for faild's --key-file. */
export function labKey(lab: Lab, text = 'lab key, not a secret anywhere else\n'): string {
  const key = join(lab.dir, 'cluster.key')
  writeFileSync(key, text)
  chmodSync(key, 0o600)
  return key
}

/** Start faild on every host with the same flags. */
export async function faildEverywhere(lab: Lab, args: readonly string[]): Promise<Proc[]> {
  const procs: Proc[] = []
  for (const h of lab.hosts) procs.push(await lab.faild(h, args))
  return procs
}

/**
 * Every host reaches every other host's addresses directly, and faild's table empties. It may take
 * a few intervals: a peer revalidates a restarted host LAN by LAN, and until it has on both, its
 * INQs say it does not hear that host on one LAN, which detours that LAN for those intervals.
 */
export async function expectConverged(t: Test, lab: Lab): Promise<void> {
  for (const h of lab.hosts) {
    for (const p of lab.hosts) {
      if (p === h) continue
      for (let lan = 0; lan < lab.lans; lan++) await expectRoute(lab, h, p, lan)
    }
    let table = ''
    await until(async () => (table = await lab.faildRoutes(h)) === '', CONVERGED_MS, 'an empty table').catch(() => {})
    t.equal(table, '', `${h.ns}: faild's table holds nothing`)
  }
}

/** How long a lab with FAST timers is given to settle: thirty intervals. */
const CONVERGED_MS = 3_000
