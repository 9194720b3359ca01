// A virtual dual-LAN cluster on this machine: hosts as network namespaces, switches as bridges
// in a namespace of their own, faults as link changes and nftables bridge rules.
//
// Every name carries a prefix unique to the run; addresses are in 198.18.0.0/15 (and, with
// `ipv6`, in a ULA /48 of fd00::/8 named by that prefix) only; nothing in
// the root namespace is touched; every wait is bounded; only processes started here are ended.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NODE_FLAGS } from '../../../lib/cli/node-flags.js'
import { type IpAddrInfo, lanIPv6 } from '../../../lib/core/lan-ipv6.js'
import { type IpResult, runProcess } from '../../../lib/host/ip-runner.js'

/** The project root, whether this file runs from spec/lab/harness (tap) or dist/spec/lab/harness (the demo). */
const here = dirname(fileURLToPath(import.meta.url))
export const ROOT = resolve(here, here.includes('/dist/spec/') ? '../../../..' : '../../..')
/** The built daemon and stream tool: `npm run build` makes them. */
export const FAILD = join(ROOT, 'dist/bin/faild.js')
export const FAILDCTL = join(ROOT, 'dist/bin/faildctl.js')
export const STREAM = join(ROOT, 'dist/spec/lab/harness/stream.js')
export const FLOOD = join(ROOT, 'dist/spec/lab/harness/flood.js')
export const FORGE = join(ROOT, 'dist/spec/lab/harness/forge.js')
export const CLOCK_BACK = join(ROOT, 'dist/spec/lab/harness/clock-back.js')

export interface LabOptions {
  readonly hosts: number
  readonly lans?: number
  /** Two /16 LANs (198.18.0.0/16, 198.19.0.0/16), host n at 198.1x.0.n: room for simulated peers. */
  readonly wide?: boolean
  /** Hosts (by number, from 1) whose addresses have no broadcast address (`ip addr add A/24`, no `brd +`). */
  readonly noBroadcast?: readonly number[]
  /** Also an IPv6 address on every LAN (see Lab.address6), added without duplicate address detection. */
  readonly ipv6?: boolean
  /** false: no IPv4 address on the hosts' LANs, only IPv6 (with `ipv6`); create() waits for their link-local addresses. */
  readonly ipv4?: boolean
  /** Programs the scenario needs besides ip and nft, each with the package that has it. */
  readonly tools?: ReadonlyArray<{ readonly program: string; readonly apt: string }>
}

export interface Host {
  readonly ns: string
  /** 1-based host number: its address on LAN X is 198.18.X.n (LAN A = 1). */
  readonly n: number
  /** Interface names inside the host, in LAN order. */
  readonly ifaces: readonly string[]
}

export type Run = IpResult

export type Direction = 'both' | 'from-host' | 'to-host'

/** What a TCP stream of stream.ts delivered: stalls over 20 ms end at `endedAt` (epoch ms). */
export interface StreamResult {
  readonly sent: number
  readonly bytes: number
  readonly bad: number
  readonly maxGapMs: number
  readonly gaps: ReadonlyArray<{ readonly endedAt: number; readonly ms: number }>
}

export interface TcpStream {
  /** End the stream gracefully and report what arrived. */
  stop(): Promise<StreamResult>
}

const lastJson = <T>(p: Proc): T => JSON.parse(p.output.trim().split('\n').pop() ?? '{}') as T

const LAN_NAMES = ['a', 'b', 'c', 'd']

export const addr = (lan: number, n: number): string => `198.18.${lan + 1}.${n}`

/** Run a command and collect its output; never throws for a failing command. */
export const run = (cmd: string, args: readonly string[], input?: string, timeoutMs = 10_000): Promise<Run> =>
  runProcess(cmd, args, input, timeoutMs)

async function must(cmd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input)
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`)
  return r.stdout
}

/** Why lab tests cannot run here, or undefined if they can. */
export async function labUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'the lab needs Linux network namespaces'
  if (process.getuid?.() !== 0) return 'the lab needs root (network namespaces, veth, bridges, nftables)'
  for (const tool of ['ip', 'nft']) {
    const r = await run(tool, ['-V'])
    if (r.code !== 0) return `'${tool}' is not installed (apt-get install -y iproute2 nftables)`
  }
  const probe = `fdprobe${randomBytes(3).toString('hex')}`
  const r = await run('ip', ['netns', 'add', probe])
  if (r.code !== 0) return `cannot create a network namespace: ${r.stderr.trim()}`
  await run('ip', ['netns', 'del', probe])
  return undefined
}

/** A started faild: its PID, everything it logged, and ways to wait for lines and to stop it. */
export class Proc {
  readonly child: ChildProcess
  output = ''
  readonly exited: Promise<number | null>

  constructor(child: ChildProcess) {
    this.child = child
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.output += d))
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.output += d))
    this.exited = new Promise((resolve) => child.on('close', (code, sig) => resolve(code ?? (sig ? -1 : null))))
  }

  /** Wait (bounded) until the output matches. */
  async waitFor(re: RegExp, timeoutMs = 10_000): Promise<void> {
    await until(() => re.test(this.output), timeoutMs, `output to match ${re}:\n${this.output.slice(-2000)}`)
  }

  /** Signal the process we started, by PID; wait (bounded) for it to exit; SIGKILL as a last resort. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited
    this.child.kill(signal)
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }
}

/** Poll `check` every 20 ms until it holds or `timeoutMs` passes (then throw). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs
  for (let i = 0; i < timeoutMs / 20 + 1; i++) {
    if (await check()) return
    if (Date.now() > end) break
    await sleep(20)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * A netlink monitor's lines (a host's `ip monitor route`, the switch's `ip monitor link` and `nft
 * monitor`), each timestamped on arrival: the same stamp for a fault taking effect and the route
 * changes timed from it.
 */
export class RouteWatch {
  readonly #proc: Proc
  /** Lines not yet consumed by next(). BOUNDED: trimmed to the last 10,000. */
  #lines: Array<{ at: number; line: string }> = []
  /** The start of a line whose end has not arrived yet: a pipe read may end mid-line. */
  #partial = ''

  constructor(proc: Proc) {
    this.#proc = proc
    proc.child.stdout?.on('data', (d: string) => {
      const at = performance.now()
      const parts = (this.#partial + String(d)).split('\n')
      this.#partial = parts.pop() ?? ''
      for (const line of parts) if (line) this.#lines.push({ at, line })
      if (this.#lines.length > 10_000) this.#lines = this.#lines.slice(-10_000)
    })
  }

  /** Wait (bounded) for a line matching `re`; its arrival time (performance.now()), or undefined. */
  async next(re: RegExp, timeoutMs: number): Promise<number | undefined> {
    const end = performance.now() + timeoutMs
    for (let i = 0; i < timeoutMs / 2 + 1 && performance.now() < end; i++) {
      const k = this.#lines.findIndex((l) => re.test(l.line))
      if (k >= 0) return this.#lines.splice(0, k + 1).pop()!.at
      await sleep(2)
    }
    return undefined
  }

  /** Take every line seen so far. */
  drain(): Array<{ at: number; line: string }> {
    return this.#lines.splice(0)
  }

  stop(): Promise<number | null> {
    return this.#proc.stop()
  }
}

export class Lab {
  readonly prefix: string
  readonly sw: string
  readonly hosts: Host[] = []
  readonly lans: number
  readonly wide: boolean
  readonly ipv6: boolean
  ipv4 = true
  readonly #procs: Proc[] = []
  /** Every faild started here, with its host: their logs are shown when a test fails. */
  readonly #failds: Array<{ readonly ns: string; readonly proc: Proc }> = []
  readonly #faults = new Map<string, string>() // keyed by host/LAN/kind; BOUNDED: hosts x LANs x 2
  #destroyed = false
  /** Files of this run (pid files, control sockets, configs, logs); removed by destroy(). */
  readonly dir: string

  private constructor(lans: number, wide: boolean, ipv6: boolean) {
    this.prefix = `fd${randomBytes(3).toString('hex')}`
    this.dir = mkdtempSync(join(tmpdir(), `${this.prefix}-`))
    writeFileSync(join(this.dir, 'empty.json'), '{}\n')
    this.sw = `${this.prefix}-sw`
    this.lans = lans
    this.wide = wide
    this.ipv6 = ipv6
  }

  /** Host n's address on LAN `lan`, and the prefix length of the LANs. */
  address(lan: number, n: number): string {
    return this.wide ? `198.${18 + lan}.0.${n}` : addr(lan, n)
  }

  /**
   * Host n's IPv6 address on LAN `lan` (with `ipv6`): fdXX:XXXX:L::n/64, the /48 named by the
   * run's prefix ("fd" and 6 random hex digits), so runs side by side never share a subnet.
   */
  address6(lan: number, n: number): string {
    // As the kernel prints it (RFC 5952): no leading zeros in a group ("fd05:855:...", not "0855").
    const group = (hex: string) => Number.parseInt(hex, 16).toString(16)
    return `${group(this.prefix.slice(0, 4))}:${group(this.prefix.slice(4, 8))}:${lan + 1}::${n.toString(16)}`
  }

  get prefixLen(): number {
    return this.wide ? 16 : 24
  }

  /** Labs not yet destroyed, for the signal handlers. BOUNDED: the labs one process builds at once. */
  static readonly #live = new Set<Lab>()

  /**
   * A fatal signal (Ctrl-C, tap's timeout) skips `finally` blocks and 'exit' handlers: tear down
   * every live lab synchronously, then die of the same signal's exit code.
   */
  static #onSignal = (sig: NodeJS.Signals): void => {
    Lab.#onExit()
    process.exit(sig === 'SIGINT' ? 130 : 143)
  }

  /** process.exit() or a crash skips `finally` blocks too. */
  static #onExit = (): void => {
    for (const lab of Lab.#live) lab.destroySync()
  }

  /** A lab of `opt` for as long as `body` runs, destroyed after it whatever happens. */
  static async using<T>(opt: LabOptions, body: (lab: Lab) => Promise<T>): Promise<T> {
    const lab = await Lab.create(opt)
    try {
      return await body(lab)
    } finally {
      await lab.destroy()
    }
  }

  /** Build the switches and hosts; on any failure, tear down what was built and rethrow. */
  static async create(opt: LabOptions): Promise<Lab> {
    if (opt.wide && (opt.lans ?? 2) > 2) throw new Error('a wide lab has two LANs: 198.18.0.0/15 holds two /16s')
    const lab = new Lab(opt.lans ?? 2, opt.wide ?? false, opt.ipv6 ?? false)
    if (Lab.#live.size === 0) process.on('SIGINT', Lab.#onSignal).on('SIGTERM', Lab.#onSignal).on('exit', Lab.#onExit)
    Lab.#live.add(lab)
    try {
      lab.ipv4 = opt.ipv4 ?? true
      if (!lab.ipv4 && !lab.ipv6) throw new Error('a lab without IPv4 needs ipv6')
      await lab.#build(opt.hosts, new Set(opt.noBroadcast))
      if (!lab.ipv4) for (const h of lab.hosts) await lab.#linkLocalReady(h)
    } catch (err) {
      await lab.destroy()
      throw err
    }
    return lab
  }

  /** The bridge-side veth of host n on LAN `lan` (in the switch namespace). */
  port(h: Host, lan: number): string {
    return `${this.prefix}h${h.n}${LAN_NAMES[lan]}`
  }

  /**
   * A second NIC of host h on LAN `lan` (two NICs on one subnet, IPMP's model): interface
   * `ifname` in the host with `address`/prefix, its switch port `port(h, lan)` + "2". Gone with the lab.
   */
  async addPort(h: Host, lan: number, ifname: string, address: string): Promise<string> {
    const port = `${this.port(h, lan)}2`
    await must('ip', ['link', 'add', port, 'netns', this.sw, 'type', 'veth', 'peer', 'name', ifname, 'netns', h.ns])
    await must('ip', ['-n', this.sw, 'link', 'set', port, 'master', `${this.prefix}br${LAN_NAMES[lan]}`, 'up'])
    await must('ip', ['-n', h.ns, 'addr', 'add', `${address}/${this.prefixLen}`, 'brd', '+', 'dev', ifname])
    await must('ip', ['-n', h.ns, 'link', 'set', ifname, 'up'])
    return port
  }

  async #build(hosts: number, noBroadcast: ReadonlySet<number>): Promise<void> {
    const sw = this.sw
    await must('ip', ['netns', 'add', sw])
    for (let l = 0; l < this.lans; l++) {
      const br = `${this.prefix}br${LAN_NAMES[l]}`
      await must('ip', ['-n', sw, 'link', 'add', br, 'type', 'bridge'])
      await must('ip', ['-n', sw, 'link', 'set', br, 'up'])
    }
    // The fault chain lives in the switch namespace: nft runs there, never in the root namespace.
    await must(
      'ip',
      ['netns', 'exec', sw, 'nft', '-f', '-'],
      'add table bridge faildlab\nadd chain bridge faildlab faults { type filter hook forward priority 0; policy accept; }\n',
    )
    for (let n = 1; n <= hosts; n++) {
      const ns = `${this.prefix}-h${n}`
      const host: Host = { ns, n, ifaces: LAN_NAMES.slice(0, this.lans).map((l) => `eth${l}`) }
      await must('ip', ['netns', 'add', ns])
      this.hosts.push(host)
      await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
      for (let l = 0; l < this.lans; l++) {
        const port = this.port(host, l)
        await must('ip', [
          'link',
          'add',
          port,
          'netns',
          sw,
          'type',
          'veth',
          'peer',
          'name',
          host.ifaces[l]!,
          'netns',
          ns,
        ])
        await must('ip', ['-n', sw, 'link', 'set', port, 'master', `${this.prefix}br${LAN_NAMES[l]}`, 'up'])
        if (this.ipv4)
          await must('ip', [
            '-n',
            ns,
            'addr',
            'add',
            `${this.address(l, n)}/${this.prefixLen}`,
            ...(noBroadcast.has(n) ? [] : ['brd', '+']),
            'dev',
            host.ifaces[l]!,
          ])
        if (this.ipv6)
          await must('ip', ['-n', ns, 'addr', 'add', `${this.address6(l, n)}/64`, 'dev', host.ifaces[l]!, 'nodad'])
        await must('ip', ['-n', ns, 'link', 'set', host.ifaces[l]!, 'up'])
      }
    }
  }

  /** Wait (bounded) until every LAN interface of host h has a link-local address past duplicate address detection. */
  async #linkLocalReady(h: Host): Promise<void> {
    const ready = async () => {
      const r = await run('ip', ['-n', h.ns, '-6', '-json', 'addr', 'show'])
      const links = JSON.parse(r.stdout || '[]') as Array<{ ifname: string; addr_info?: IpAddrInfo[] }>
      return h.ifaces.every((i) => lanIPv6(links.find((l) => l.ifname === i)?.addr_info ?? []).linkLocal !== undefined)
    }
    await until(ready, 10_000, `${h.ns}: a link-local address past DAD on ${h.ifaces.join(', ')}`)
  }

  /** Run a command inside a host. */
  exec(h: Host | string, cmd: string, args: readonly string[], input?: string): Promise<Run> {
    return run('ip', ['netns', 'exec', typeof h === 'string' ? h : h.ns, cmd, ...args], input)
  }

  /** Start a process inside a host; it is ended by destroy() if the test does not end it. */
  spawn(h: Host, cmd: string, args: readonly string[]): Proc {
    const p = new Proc(spawn('ip', ['netns', 'exec', h.ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }))
    this.#procs.push(p)
    return p
  }

  /** A TCP stream from `from`'s LAN A address to `to`'s (IPv4, or IPv6 with `ipv6`), every byte checked (see stream.ts). */
  async tcpStream(
    from: Host,
    to: Host,
    port = 5001,
    kind: 'thin' | 'bulk' = 'thin',
    family: 4 | 6 = 4,
  ): Promise<TcpStream> {
    const at = (n: number) => (family === 6 ? this.address6(0, n) : this.address(0, n))
    const [src, dst] = [at(from.n), at(to.n)]
    const server = this.spawn(to, process.execPath, [STREAM, 'server', dst, `${port}`])
    await server.waitFor(/listening/)
    const client = this.spawn(from, process.execPath, [STREAM, 'client', src, dst, `${port}`, kind])
    await client.waitFor(/connected/)
    return {
      async stop() {
        await client.stop('SIGTERM', 30_000)
        await server.waitFor(/"bytes"/, 30_000)
        return { sent: lastJson<{ sent: number }>(client).sent, ...lastJson<Omit<StreamResult, 'sent'>>(server) }
      },
    }
  }

  /** Host h's pid file, control socket and state directory, in this lab's directory (hosts share the filesystem). */
  files(h: Host): { pidFile: string; controlSocket: string; stateDir: string } {
    const at = (what: string) => join(this.dir, `${h.ns}.${what}`)
    return { pidFile: at('pid'), controlSocket: at('sock'), stateDir: at('state') }
  }

  /**
   * faild's arguments in host h: its own pid file, control socket and state directory, and an empty config file
   * (so a /etc/faild.json on this machine cannot leak in), unless `args` names them.
   */
  faildArgs(h: Host, args: readonly string[]): string[] {
    const f = this.files(h)
    const has = (flag: string) => args.some((a) => a === flag || a.startsWith(`${flag}=`))
    return [
      ...(has('-c') || has('--config') ? [] : ['-c', join(this.dir, 'empty.json')]),
      ...(has('--pid-file') ? [] : ['--pid-file', f.pidFile]),
      ...(has('--control-socket') ? [] : ['--control-socket', f.controlSocket]),
      ...(has('--state-dir') ? [] : ['--state-dir', f.stateDir]),
      ...args,
    ]
  }

  /** node's arguments to run faild in a host: the flags it is installed with (NODE_FLAGS), `nodeFlags`, faild's own. */
  faildArgv(h: Host, args: readonly string[], nodeFlags: readonly string[] = []): string[] {
    return [...NODE_FLAGS, ...nodeFlags, FAILD, ...this.faildArgs(h, args)]
  }

  /** Start faild in a host (node flags first: `--import` a preload); waits (bounded) for its "started" line. */
  async faild(h: Host, args: readonly string[], nodeFlags: readonly string[] = []): Promise<Proc> {
    const p = this.spawn(h, process.execPath, this.faildArgv(h, args, nodeFlags))
    this.#failds.push({ ns: h.ns, proc: p })
    await p.waitFor(/started as node|cannot start/)
    if (/cannot start/.test(p.output)) throw new Error(`faild did not start in ${h.ns}:\n${p.output}`)
    return p
  }

  /** The last lines each faild started here logged (what a failed lab test shows). */
  faildLogs(lines = 60): string[] {
    return this.#failds.map(({ ns, proc }) => {
      const tail = proc.output.trimEnd().split('\n').slice(-lines).join('\n')
      return `faild in ${ns}, its last ${lines} lines:\n${tail}`
    })
  }

  /** Run faildctl in host h against its faild's control socket. */
  faildctl(h: Host, args: readonly string[]): Promise<Run> {
    return this.exec(h, process.execPath, [FAILDCTL, '-S', this.files(h).controlSocket, ...args])
  }

  /** Watch a host's routes; started before the event to be timed. */
  async watchRoutes(h: Host): Promise<RouteWatch> {
    const w = new RouteWatch(this.spawn(h, 'ip', ['monitor', 'route']))
    await sleep(50) // let ip subscribe to netlink before anything is timed
    return w
  }

  /**
   * Watch the switch namespace's own reports of its ports going down and up (`ip monitor link`)
   * and of its fault rules committed (`nft monitor`): when a fault took effect, seen as the route
   * changes timed from it are.
   */
  async watchSwitch(): Promise<{ links: RouteWatch; rules: RouteWatch }> {
    const sw: Host = { ns: this.sw, n: 0, ifaces: [] }
    const links = new RouteWatch(this.spawn(sw, 'ip', ['monitor', 'link']))
    const rules = new RouteWatch(this.spawn(sw, 'nft', ['monitor']))
    await sleep(50) // let both subscribe to netlink before anything is timed
    return { links, rules }
  }

  /** `ip route get` from a host: how it reaches `dst` now, as "dev ethb via 198.18.2.2", "dev etha" or "unreachable". */
  async route(h: Host, dst: string, selectors: readonly string[] = []): Promise<string> {
    const args = ['-json', 'route', 'get', dst, ...selectors]
    const got = await run('ip', ['-n', h.ns, ...args])
    if (/Network is unreachable/.test(got.stderr)) return 'unreachable'
    const out = got.code === 0 ? got.stdout : await must('ip', ['-n', h.ns, ...args])
    const [r] = JSON.parse(out) as Array<{ dev: string; gateway?: string }>
    return r ? `dev ${r.dev}${r.gateway ? ` via ${r.gateway}` : ''}` : 'none'
  }

  /** Wait (bounded) until host h reaches dst as `want`. */
  async routeBecomes(h: Host, dst: string, want: string, timeoutMs = 10_000): Promise<void> {
    let last = ''
    await until(
      async () => (last = await this.route(h, dst)) === want,
      timeoutMs,
      `${h.ns} to reach ${dst} by "${want}"`,
    ).catch((err: Error) => {
      throw new Error(`${err.message} (last "${last}")`)
    })
  }

  /** Cable pull: the bridge-side veth goes down, the host sees carrier loss. */
  async cable(h: Host, lan: number, plugged: boolean): Promise<void> {
    await must('ip', ['-n', this.sw, 'link', 'set', this.port(h, lan), plugged ? 'up' : 'down'])
  }

  /** A dead, hung or one-way switch port (links stay up), or random loss of `lossPct` percent. */
  async fault(h: Host, lan: number, dir: Direction, lossPct = 100): Promise<void> {
    const port = this.port(h, lan)
    const match = lossPct >= 100 ? '' : `numgen random mod 100 < ${lossPct} `
    const rules: string[] = []
    if (dir !== 'to-host') rules.push(`iifname "${port}" ${match}drop`)
    if (dir !== 'from-host') rules.push(`oifname "${port}" ${match}drop`)
    this.#faults.set(`${h.n}/${lan}`, rules.join('\n'))
    await this.#syncFaults()
  }

  /** A switch that does not forward IPv4 broadcast on LAN `lan` (ARP and unicast still flow). */
  async filterBroadcast(lan: number): Promise<void> {
    const ports = this.hosts.map(
      (h) => `oifname "${this.port(h, lan)}" ether type ip ether daddr ff:ff:ff:ff:ff:ff drop`,
    )
    this.#faults.set(`broadcast/${lan}`, ports.join('\n'))
    await this.#syncFaults()
  }

  async heal(h: Host, lan: number): Promise<void> {
    this.#faults.delete(`${h.n}/${lan}`)
    await this.#syncFaults()
  }

  /** Every cable plugged in and every port working again: a clean slate after a scenario. */
  async healAll(): Promise<void> {
    this.#faults.clear()
    await this.#syncFaults()
    for (const h of this.hosts) for (let l = 0; l < this.lans; l++) await this.cable(h, l, true)
  }

  /** The routes in faild's table of host h, one per line ('' when faild has swapped nothing). */
  async faildRoutes(h: Host): Promise<string> {
    const r = await run('ip', ['-n', h.ns, 'route', 'show', 'table', '4207'])
    if (r.code !== 0 && !/FIB table does not exist/.test(r.stderr))
      throw new Error(`ip route show table 4207 in ${h.ns}: ${r.stderr.trim()}`)
    return r.stdout.trim()
  }

  /** Rewrite the switch's fault chain in one nft transaction. */
  async #syncFaults(): Promise<void> {
    const rules = [...this.#faults.values()].flatMap((r) => r.split('\n')).filter(Boolean)
    const script = `${['flush chain bridge faildlab faults', ...rules.map((r) => `add rule bridge faildlab faults ${r}`)].join('\n')}\n`
    await must('ip', ['netns', 'exec', this.sw, 'nft', '-f', '-'], script)
  }

  /** Every IPv4 rule and route of a host, for before/after comparisons (faild is IPv4-only). */
  async routingState(h: Host): Promise<string> {
    const rules = await must('ip', ['-4', '-n', h.ns, 'rule', 'show'])
    const routes = await must('ip', ['-4', '-n', h.ns, 'route', 'show', 'table', 'all'])
    return `${rules}\n${routes}`
  }

  #forget(): void {
    Lab.#live.delete(this)
    if (Lab.#live.size === 0)
      process.off('SIGINT', Lab.#onSignal).off('SIGTERM', Lab.#onSignal).off('exit', Lab.#onExit)
  }

  /** End every process started here, then delete every namespace made here. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return
    this.#destroyed = true
    this.#forget()
    await Promise.all(this.#procs.map((p) => p.stop('SIGTERM', 5000)))
    for (const ns of [...this.hosts.map((h) => h.ns), this.sw]) await run('ip', ['netns', 'del', ns])
    rmSync(this.dir, { recursive: true, force: true })
  }

  /** Last resort when the test process itself is dying: synchronous and quiet. */
  destroySync(): void {
    this.#destroyed = true
    this.#forget()
    for (const p of this.#procs) if (p.child.exitCode === null && p.child.pid) p.child.kill('SIGKILL')
    for (const ns of [...this.hosts.map((h) => h.ns), this.sw]) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' })
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true })
  }
}
