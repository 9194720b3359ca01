// FRR (zebra + ospfd + bfdd, BFD 100 ms x 3) in the lab beside faild: the same faults, timed the same way.
//
// Routing on the host, as in /work/shared/reference/frr-lab: OSPF area 0 on LAN A (cost 10) and
// LAN B (cost 100), each host's service address 198.18.100.n/32 on lo advertised, BFD on both LANs.
// In IPv6 (family 6, for bench/ipv6.ts) the same with ospf6d (OSPFv3) on dual-stack hosts: the
// service address is in the lab's ULA /48, and routes and BFD sessions use link-local next hops.
// Each host's daemons run inside that host's namespace, in the private mount namespace `ip netns
// exec` gives them, with /run/frr and /var/tmp bind-mounted from a per-host folder under the lab's
// temp dir: nothing outside the lab is touched. They are stopped by the PIDs in their pid files.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addr, type Host, Lab, run, sleep, until } from '../spec/lab/harness/netlab.js'
import { type CaseResult, type Fault, PROFILES } from './failover.js'
import { FAULT_STAMP, FaultClock, type Inject, Reactions, type Stamp, stamping } from './fault-clock.js'
import { ms, type Summary, summarize } from './stats.js'

const FRR_BIN = '/usr/lib/frr'
const DAEMONS = ['zebra', 'bfdd', 'ospfd', 'ospf6d'] as const
type Daemon = (typeof DAEMONS)[number]
export type Family = 4 | 6
/** The routing daemon of each family; zebra and bfdd run for both. */
const OSPF: Record<Family, Daemon> = { 4: 'ospfd', 6: 'ospf6d' }
const A = 0
const B = 1
/** BFD 100 ms x 3: the timers faild's fast profile (-t 0.1 -f 3) is compared with. */
const BFD_MS = 100
const BFD_MULT = 3

export const svc = (n: number): string => `198.18.100.${n}`
/** Host n's IPv6 service address: in the lab's ULA /48, on no LAN. */
export const svc6 = (lab: Lab, n: number): string => lab.address6(99, n)
const service = (lab: Lab, family: Family, n: number): string => (family === 6 ? svc6(lab, n) : svc(n))

/** Why FRR cannot run here, or undefined when it can. */
export function frrMissing(family: Family = 4): string | undefined {
  const missing = ['zebra', 'bfdd', OSPF[family]].filter((d) => !existsSync(join(FRR_BIN, d)))
  if (missing.length)
    return `FRR not installed (no ${missing.map((d) => join(FRR_BIN, d)).join(', ')}): apt-get install -y frr`
  return undefined
}

export interface FrrCase {
  readonly fault: Fault
  /** ms from the fault taking effect (as for faild: fault-clock.ts) to host 2's route to host 1 moving to LAN B */
  readonly failover: readonly number[]
  readonly summary: Summary
  /** How long the fault and heal commands took (median, ms), and how many the switch did not report (timed from their return). */
  readonly injectMedianMs: number
  readonly unreported: number
  /** Reroutes stamped before their fault took effect: left out of the figures. */
  readonly flagged: number
}

function confs(lab: Lab, h: Host, family: Family): Partial<Record<Daemon, string>> {
  const lans = h.ifaces.map(
    (ifname, l) =>
      `interface ${ifname}\n ip ospf area 0.0.0.0\n ip ospf network broadcast\n ip ospf cost ${l === A ? 10 : 100}\n` +
      ' ip ospf bfd\n ip ospf bfd profile bench\n',
  )
  const head = (d: string) => `hostname ${lab.prefix}-h${h.n}-${d}\nlog timestamp precision 3\n`
  const lans6 = h.ifaces.map(
    (ifname, l) =>
      `interface ${ifname}\n ipv6 ospf6 area 0.0.0.0\n ipv6 ospf6 network broadcast\n ipv6 ospf6 cost ${l === A ? 10 : 100}\n` +
      ' ipv6 ospf6 bfd\n ipv6 ospf6 bfd profile bench\n',
  )
  const common = {
    // plain routes, not nexthop objects, so a reroute is one "via" line in `ip monitor route`
    zebra: `${head('zebra')}no zebra nexthop kernel enable\n`,
    bfdd: `${head('bfdd')}bfd\n profile bench\n  detect-multiplier ${BFD_MULT}\n  receive-interval ${BFD_MS}\n  transmit-interval ${BFD_MS}\n !\n!\n`,
  }
  if (family === 6)
    return {
      ...common,
      ospf6d:
        `${head('ospf6d')}interface lo\n ipv6 ospf6 area 0.0.0.0\n ipv6 ospf6 passive\n${lans6.join('')}` +
        `router ospf6\n ospf6 router-id ${svc(h.n)}\n`,
    }
  return {
    ...common,
    ospfd:
      `${head('ospfd')}interface lo\n ip ospf area 0.0.0.0\n ip ospf passive\n${lans.join('')}` +
      `router ospf\n ospf router-id ${svc(h.n)}\n`,
  }
}

/** The FRR daemons of one lab's hosts: started in their namespaces, stopped by PID. */
class Frr {
  readonly #lab: Lab
  readonly #family: Family
  readonly #dirs = new Map<Host, string>()
  /** The daemons run as user frr, which cannot enter the lab's own 0700 temp dir: a 0755 one of ours. */
  readonly #root: string

  constructor(lab: Lab, family: Family = 4) {
    this.#lab = lab
    this.#family = family
    this.#root = mkdtempSync(join(tmpdir(), `${lab.prefix}-frr-`))
    chmodSync(this.#root, 0o755)
  }

  dir(h: Host): string {
    return join(this.#root, `h${h.n}`)
  }

  async start(h: Host): Promise<void> {
    const d = this.dir(h)
    mkdirSync(join(d, 'run'), { recursive: true })
    mkdirSync(join(d, 'vartmp'), { recursive: true, mode: 0o1777 })
    for (const [name, text] of Object.entries(confs(this.#lab, h, this.#family)))
      writeFileSync(join(d, `${name}.conf`), text)
    this.#dirs.set(h, d)
    const len = this.#family === 6 ? 128 : 32
    const address = `${service(this.#lab, this.#family, h.n)}/${len}`
    await must('ip', ['-n', h.ns, 'addr', 'add', address, 'dev', 'lo', ...(this.#family === 6 ? ['nodad'] : [])])
    await must('chown', ['-R', 'frr:frr', d])
    await must('chmod', ['1777', join(d, 'vartmp')])
    const common = `-d -u frr -g frr -P 0 -A 127.0.0.1 --vty_socket ${d} -z ${d}/zserv.api`
    const line = (x: string, more = '') =>
      `${FRR_BIN}/${x} ${common} -f ${d}/${x}.conf -i ${d}/${x}.pid --log file:${d}/${x}.log ${more}`
    // one shell per host: its private mount namespace keeps FRR's compiled-in paths under d
    const script = [
      'set -e',
      `mount --bind ${d}/vartmp /var/tmp`,
      `mount --bind ${d}/run /run/frr`,
      line('zebra'),
      line('bfdd', `--bfdctl ${d}/bfdd.sock`),
      line(OSPF[this.#family]),
    ].join('\n')
    await must('ip', ['netns', 'exec', h.ns, 'bash', '-c', script])
  }

  /** BFD sessions up on this host (vtysh through the host's own vty sockets). */
  async bfdUp(h: Host): Promise<number> {
    const r = await run('ip', [
      'netns',
      'exec',
      h.ns,
      'vtysh',
      '--vty_socket',
      this.dir(h),
      '-c',
      'show bfd peers json',
    ])
    if (r.code !== 0) return 0
    try {
      return (JSON.parse(r.stdout) as Array<{ status?: string }>).filter((p) => p.status === 'up').length
    } catch {
      return 0
    }
  }

  /** The PIDs of host h's daemons that run (from their pid files, their command lines checked). */
  pids(h: Host): number[] {
    const d = this.#dirs.get(h)
    return d === undefined ? [] : DAEMONS.map((x) => pidOf(d, x)).filter((pid) => pid !== undefined)
  }

  /** SIGTERM each daemon we started (its pid file, its command line checked), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    for (const d of this.#dirs.values()) {
      for (const x of [...DAEMONS].reverse()) {
        const pid = pidOf(d, x)
        if (pid === undefined) continue
        process.kill(pid, 'SIGTERM')
        const gone = await until(() => !alive(pid), 5000, `${x} pid ${pid} to stop`).then(
          () => true,
          () => false,
        )
        if (!gone && alive(pid)) process.kill(pid, 'SIGKILL')
      }
    }
    this.#dirs.clear()
    rmSync(this.#root, { recursive: true, force: true })
  }
}

function pidOf(d: string, daemon: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(d, `${daemon}.pid`), 'utf8').trim())
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return Number.isInteger(pid) && pid > 1 && cmd.startsWith(`${FRR_BIN}/${daemon}`) ? pid : undefined
  } catch {
    return undefined
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function must(cmd: string, args: readonly string[]): Promise<string> {
  const r = await run(cmd, args)
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim()}`)
  return r.stdout
}

/** Both hosts reach each other's service address over LAN A and every BFD session is up (bounded). */
async function converged(lab: Lab, frr: Frr, timeoutMs: number, family: Family = 4): Promise<void> {
  const [h1, h2] = lab.hosts as [Host, Host]
  // OSPFv3's next hops are link-local: any, as long as it is on LAN A.
  const viaA = (h: Host, peer: Host) =>
    family === 6 ? `dev ${h.ifaces[A]} via fe80:` : `dev ${h.ifaces[A]} via ${addr(A, peer.n)}`
  const onA = async (h: Host, peer: Host) =>
    (await lab.route(h, service(lab, family, peer.n))).startsWith(viaA(h, peer))
  await until(
    async () => (await onA(h2, h1)) && (await onA(h1, h2)) && (await frr.bfdUp(h1)) >= 2 && (await frr.bfdUp(h2)) >= 2,
    timeoutMs,
    'FRR to converge (OSPF full on both LANs, BFD up)',
  )
}

/** Run both faults `runs` times each against FRR in a two-host lab of its own (IPv6: OSPFv3 on dual-stack hosts). */
export async function benchFrr(runs: number, log: (s: string) => void, family: Family = 4): Promise<FrrCase[]> {
  const lab = await Lab.create({ hosts: 2, ipv6: family === 6 })
  const frr = new Frr(lab, family)
  try {
    const [h1, h2] = lab.hosts as [Host, Host]
    for (const h of lab.hosts) await frr.start(h)
    // broadcast networks wait one dead interval (40 s) before electing a DR
    await converged(lab, frr, 90_000, family)
    const watch = await lab.watchRoutes(h2)
    const clock = await FaultClock.start(lab)
    const dot = (x: string) => x.replace(/\./g, '\\.')
    const moved =
      family === 6
        ? new RegExp(`^${svc6(lab, 1)} via fe80:[0-9a-f:]* dev ${h2.ifaces[B]} `)
        : new RegExp(`^${dot(svc(1))} via ${dot(addr(B, 1))} `)
    const faults: Array<[Fault, Inject]> = [
      ['dead switch port', clock.deadPort(h1, A)],
      ['pulled cable', clock.cable(h1, A)],
    ]
    const out: FrrCase[] = []
    for (const [fault, inject] of faults) {
      const failover = new Reactions()
      const stamps: Stamp[] = []
      for (let r = 0; r < runs; r++) {
        // OSPF re-originates a router LSA at most every 5 s (MinLSInterval) and BFD may still be on its
        // slow start-up timers just after coming up: let both settle, or the run times those instead
        await sleep(5500)
        watch.drain()
        await sleep(200 + Math.random() * BFD_MS)
        const stamp = await inject(true)
        stamps.push(stamp)
        const at = await watch.next(moved, 5000)
        const shown = failover.add(at, stamp.effect)
        // A miss says what the peer's routes did instead (nothing, or a form the pattern did not expect).
        if (at === undefined)
          log(`    no route line matched ${moved}; seen: ${JSON.stringify(watch.drain().map((l) => l.line))}`)
        log(`  FRR${family === 6 ? ' (IPv6)' : ''}, ${fault}, run ${r + 1}/${runs}: failover ${shown} ms`)
        await sleep(500)
        stamps.push(await inject(false))
        // OSPF hellos every 10 s: after a pulled cable the adjacency needs one to come back
        await converged(lab, frr, 60_000, family)
      }
      out.push({
        fault,
        failover: failover.ms,
        summary: summarize(failover.ms),
        ...stamping(stamps),
        flagged: failover.flagged,
      })
    }
    await watch.stop()
    return out
  } finally {
    await frr.stop()
    await lab.destroy()
  }
}

/**
 * FRR idle in a two-host lab of its own: once converged, what each host's three daemons cost
 * together while `measure` looks at them (bench/idle.ts), to compare faild's idle row with.
 */
export async function frrIdle<T>(measure: (pids: readonly (readonly number[])[]) => Promise<T>): Promise<T> {
  const lab = await Lab.create({ hosts: 2 })
  const frr = new Frr(lab)
  try {
    for (const h of lab.hosts) await frr.start(h)
    await converged(lab, frr, 90_000)
    return await measure(lab.hosts.map((h) => frr.pids(h)))
  } finally {
    await frr.stop()
    await lab.destroy()
  }
}

const row = (cells: Array<string | number>): string => `| ${cells.join(' | ')} |`

/** faild's fast profile beside FRR: median, p95, max and faild/FRR, per fault, and how long the fault commands took. */
export function sideBySide(cases: readonly CaseResult[], frr: readonly FrrCase[] | string): string[] {
  const head = [
    `faild (${PROFILES[0]!.name}) beside FRR ${frrVersion()} (zebra + ospfd + bfdd, BFD ${BFD_MS} ms x ${BFD_MULT}): ` +
      `from the fault taking effect (${FAULT_STAMP}), as ../shared/reference/frr-lab does, ` +
      "to the peer's route to the faulted host moving to LAN B, seen by `ip monitor route` on the peer " +
      "(ms; faild: host 1's LAN A address, FRR: host 1's OSPF-advertised /32). " +
      'The fault and heal commands themselves took the median in the last columns, not counted in the times.',
    '',
  ]
  if (typeof frr === 'string') return [...head, `FRR skipped: ${frr}`]
  const lines = [
    ...head,
    row([
      'fault',
      'faild median',
      'p95',
      'max',
      'FRR median',
      'p95',
      'max',
      'faild / FRR (median)',
      'command: faild',
      'FRR',
    ]),
  ]
  lines.push(row(Array(10).fill('---')))
  for (const f of frr) {
    const c = cases.find((x) => x.profile === PROFILES[0]!.name && x.fault === f.fault)
    if (!c) continue
    const a = c.summary.failover
    const b = f.summary
    lines.push(
      row([
        f.fault,
        ms(a.median),
        ms(a.p95),
        ms(a.max),
        ms(b.median),
        ms(b.p95),
        ms(b.max),
        (a.median / b.median).toFixed(2),
        ms(c.injectMedianMs),
        ms(f.injectMedianMs),
      ]),
    )
  }
  const fast = cases.filter((c) => c.profile === PROFILES[0]!.name)
  const flagged = [
    ...fast.map((c) => ({ who: 'faild', fault: c.fault, n: c.flagged })),
    ...frr.map((f) => ({ who: 'FRR', fault: f.fault, n: f.flagged })),
  ].filter((x) => x.n > 0)
  for (const x of flagged)
    lines.push('', `**${x.who}, ${x.fault}: ${x.n} reactions stamped before their fault took effect (left out).**`)
  return lines
}

function frrVersion(): string {
  try {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax, not a template
    return execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'frr'], { encoding: 'utf8', timeout: 5000 }).trim()
  } catch {
    return ''
  }
}

/** The side-by-side lines for the results: FRR run when installed, a clear skip line when not. */
export async function frrSection(
  cases: readonly CaseResult[],
  runs: number,
  log: (s: string) => void,
): Promise<string[]> {
  const why = frrMissing()
  if (why) return sideBySide(cases, why)
  log('FRR beside faild...')
  const frr = await benchFrr(runs, log).catch((err: Error) => `FRR run failed: ${err.message.split('\n').at(-1)}`)
  return sideBySide(cases, frr)
}
