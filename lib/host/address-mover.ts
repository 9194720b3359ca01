// Puts a service address on an interface and takes it off another (`ip addr`), routes its replies out of that interface, and announces it with gratuitous ARP (iputils arping).
//
// Replies must leave through the interface that holds the address: with two NICs on one subnet
// the kernel's connected route names only one of them. So each service address gets a rule
// `from ADDRESS lookup TABLE` and, in that table of faild's own, its subnet out of the interface
// that holds it now. The announcement is an unsolicited ARP request (sender and target the
// address) sent `count` times `spacingMs` apart: Linux neighbours update an entry they have on
// it, and the repeats cover a lost one and the one-second lock on a recently updated entry.
//
// On an interface whose own subnet does not hold the address (NetMon's case: two NICs on separate
// LANs), the address goes on without a prefix route (that subnet lives on the other NIC) and its
// replies get no route of their own: they follow faild's host routes and the main table, as the
// host's other traffic to a peer's address on the dead LAN does.
import { moveErrors } from '../core/addresses/move-errors.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import { type IpRunner, ipJson, runProcess } from './ip-runner.js'
import type { Logger } from './log.js'

export interface MoverOptions {
  /** The table of this address's reply route (one table per address), and the rule priority that sends them there. */
  readonly table: number
  readonly priority: number
  /** Gratuitous ARPs per move, and the time between them. */
  readonly announce: { readonly count: number; readonly spacingMs: number }
  readonly dryRun: boolean
}

interface AddrLink {
  readonly ifname: string
  readonly addr_info?: ReadonlyArray<{ family?: string; local?: string; prefixlen?: number }>
}

const mask = (len: number) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0)
const text = (address: number, len: number) => `${formatIPv4(address)}/${len}`

export class AddressMover {
  readonly #ip: IpRunner
  readonly #log: Logger
  readonly #o: MoverOptions

  constructor(o: MoverOptions, deps: { ip: IpRunner; log: Logger }) {
    this.#o = o
    this.#ip = deps.ip
    this.#log = deps.log
  }

  /** The interfaces that hold `address` now: one, or two after a crash between a move's two steps. */
  async holders(address: number): Promise<string[]> {
    const links = await ipJson<AddrLink[]>(this.#ip, ['-4', 'addr', 'show'])
    const want = formatIPv4(address)
    return links.filter((l) => l.addr_info?.some((a) => a.family === 'inet' && a.local === want)).map((l) => l.ifname)
  }

  /** Who else answers ARP for `address` on `iface` (a MAC), by duplicate address detection; undefined: nobody. */
  async duplicate(iface: string, address: number): Promise<string | undefined> {
    const r = await runProcess(
      'arping',
      ['-D', '-c', '2', '-w', '2', '-I', iface, formatIPv4(address)],
      undefined,
      5000,
    )
    if (r.code === 0) return undefined
    const mac = /\[([0-9A-Fa-f:]{17})\]/.exec(r.stdout)?.[1]
    if (mac) return mac
    throw new Error(`arping -D on ${iface} failed: ${(r.stderr || r.stdout).trim() || `exit ${r.code}`}`)
  }

  /**
   * Put the address on `to` and announce it at once (clients move while the rest is done), then
   * route its replies out of `to` and take it off `from`: one `ip` for the address, one batch for
   * the rest (each `ip` run costs about 10 ms; five in a row were a tenth of a second). `foreign`:
   * `to`'s own subnet does not hold the address (see above).
   */
  async move(address: number, len: number, to: string, from: string | undefined, foreign = false): Promise<void> {
    const a = text(address, len)
    const subnet = text((address & mask(len)) >>> 0, len)
    await this.#run(['addr', 'replace', a, 'dev', to, ...(foreign ? ['noprefixroute'] : [])])
    this.#announce(address, to)
    const rule = this.#ruleOf(address)
    const table = `${this.#o.table}`
    await this.#batch([
      foreign
        ? ['route', 'flush', 'table', table]
        : ['route', 'replace', subnet, 'dev', to, 'src', formatIPv4(address), 'table', table],
      ['rule', 'del', ...rule], // none yet is no error here (-force goes on)
      ['rule', 'add', ...rule],
      ...(from && from !== to ? [['addr', 'del', a, 'dev', from]] : []),
    ])
  }

  /** Several commands in one `ip -force -batch`: one that fails does not stop the rest; what was done already is no error (move-errors.ts). */
  async #batch(lines: ReadonlyArray<readonly string[]>): Promise<void> {
    if (this.#o.dryRun) return void lines.forEach((l) => this.#log.info(`dry run: would run ip ${l.join(' ')}`))
    const r = await this.#ip.run(['-force', '-batch', '-'], `${lines.map((l) => l.join(' ')).join('\n')}\n`)
    const errors = moveErrors(lines, r.stderr)
    if (errors.length > 0) throw new Error(`ip -batch: ${errors.join('; ')}`)
  }

  /** At stop (or a leftover of a crashed run): the reply rule and table go; the address only if owned. */
  async release(address: number, len: number, owned: boolean): Promise<void> {
    await this.#run(['rule', 'del', ...this.#ruleOf(address)], true) // none there is no error
    await this.#run(['route', 'flush', 'table', `${this.#o.table}`], true)
    if (!owned) return
    for (const holder of await this.holders(address))
      await this.#run(['addr', 'del', text(address, len), 'dev', holder])
  }

  /** The selector of the address's reply rule: the same for its add and its deletes. */
  #ruleOf(address: number): string[] {
    return ['from', formatIPv4(address), 'lookup', `${this.#o.table}`, 'pref', `${this.#o.priority}`]
  }

  async #run(args: readonly string[], quiet = false): Promise<void> {
    if (this.#o.dryRun) return void this.#log.info(`dry run: would run ip ${args.join(' ')}`)
    const r = await this.#ip.run(args)
    if (r.code !== 0 && !quiet) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`)
  }

  /** Gratuitous ARPs, `count` of them `spacingMs` apart, each its own short arping (never waited for). */
  #announce(address: number, iface: string): void {
    if (this.#o.dryRun) return
    const a = formatIPv4(address)
    const { count, spacingMs } = this.#o.announce
    for (let i = 0; i < count; i++) {
      setTimeout(() => {
        void runProcess('arping', ['-U', '-c', '1', '-I', iface, '-s', a, a], undefined, 5000).then((r) => {
          if (r.code !== 0 && r.code !== 1) this.#log.warn(`gratuitous ARP for ${a} on ${iface}: ${r.stderr.trim()}`)
        })
      }, i * spacingMs).unref()
    }
  }
}
