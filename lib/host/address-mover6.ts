// Puts an IPv6 service address on an interface and takes it off another (`ip -6 addr`), routes its replies out of that interface, and has the kernel announce it with an unsolicited neighbour advertisement.
//
// Node has no raw sockets and no common package sends an NA, so the kernel does. Measured on Linux
// 6.18 in namespaces (a client with a REACHABLE entry for the address at the old NIC's MAC):
// - `ip -6 addr add X dev eth2 nodad`: no NA at all, with ndisc_notify 0 or 1 (per interface or
//   `all`); the client kept the old MAC.
// - ndisc_notify=1 and accept_dad=0 on eth2 (`all.accept_dad` is 0 by default), added without
//   `nodad`: never tentative, one NA at once; the client's entry named eth2's MAC (STALE) 7 ms
//   after the `ip` began, in each of 3 runs.
// - ndisc_notify=1 with DAD on: one NA when DAD ends, 0.9-1.3 s later (and the address unusable
//   until then); with `optimistic` the old NIC, still holding it, made DAD fail.
// - Setting eth2's own MAC again (NETDEV_CHANGEADDR) sends one NA per address on it, but some
//   drivers reset the NIC on a MAC change: not used.
// So faild sets ndisc_notify=1 and accept_dad=0 on the address's interfaces after the start's
// DAD, and restores both at stop (host/ndisc-sysctl.ts). One NA a move (IPv4 sends three ARPs):
// a lost one leaves a client on the old MAC until its neighbour entry is probed again.

import { setTimeout as sleep } from 'node:timers/promises'
import { ADDR_FLAGS6, addLine6, moveBatch6, type Reply6, rule6 } from '../core/addresses/lines6.js'
import { moveErrors } from '../core/addresses/move-errors.js'
import type { IpAddrInfo } from '../core/lan-ipv6.js'
import { type IpRunner, ipJson } from './ip-runner.js'
import type { Logger } from './log.js'
import type { NdiscSysctls } from './ndisc-sysctl.js'

export interface Mover6Options extends Reply6 {
  readonly dryRun: boolean
  /** How long the start's DAD may take: the kernel waits up to 1 s before its probe, then 1 s for an answer. */
  readonly dadTimeoutMs: number
}

/** How often the start looks whether DAD has ended. */
const DAD_POLL_MS = 100

interface AddrLink {
  readonly ifname: string
  readonly addr_info?: ReadonlyArray<IpAddrInfo>
}

export class AddressMover6 {
  readonly #ip: IpRunner
  readonly #log: Logger
  readonly #o: Mover6Options
  readonly #sysctls: NdiscSysctls

  constructor(o: Mover6Options, deps: { ip: IpRunner; log: Logger; sysctls: NdiscSysctls }) {
    this.#o = o
    this.#ip = deps.ip
    this.#log = deps.log
    this.#sysctls = deps.sysctls
  }

  /** The interfaces that hold `address` now (past DAD or not): one, or two after a crash between a move's two steps. */
  async holders(address: string): Promise<string[]> {
    const links = await ipJson<AddrLink[]>(this.#ip, ['-6', 'addr', 'show'])
    return links
      .filter((l) => l.addr_info?.some((a) => a.family === 'inet6' && a.local === address))
      .map((l) => l.ifname)
  }

  /**
   * Each interface the address may live on announces what is added there at once (no DAD,
   * ndisc_notify). Only `to`, where it goes now, must take it: another may be gone (the NIC
   * that failed, unplugged), and the address must still move.
   */
  announceOn(to: string, ifaces: readonly string[]): void {
    if (this.#o.dryRun) return
    for (const i of new Set([to, ...ifaces])) {
      try {
        this.#sysctls.set(i, 'ndisc_notify', '1')
        this.#sysctls.set(i, 'accept_dad', '0')
      } catch (err) {
        if (i === to) throw err
      }
    }
  }

  /**
   * The kernel's duplicate address detection on `iface`: the address goes on with DAD (on, for
   * this) and stays when it passes (the kernel announces it then); when another host answers, it
   * is taken off again. Undefined: nobody else has it; else why, in words.
   */
  async duplicate(iface: string, address: string, len: number): Promise<string | undefined> {
    if (this.#o.dryRun) return undefined
    this.#sysctls.set(iface, 'ndisc_notify', '1')
    this.#sysctls.set(iface, 'accept_dad', '1')
    await this.#run(['addr', 'add', `${address}/${len}`, 'dev', iface, ...ADDR_FLAGS6])
    for (let waited = 0; ; waited += DAD_POLL_MS) {
      const info = (await this.#find(address))?.info
      if (info && !info.tentative && !info.dadfailed) return undefined
      const failed = !info || info.dadfailed === true // a link-local one the kernel drops; a global one it keeps, marked
      if (failed || waited >= this.#o.dadTimeoutMs) {
        await this.#run(['addr', 'del', `${address}/${len}`, 'dev', iface], true)
        if (!failed) throw new Error(`DAD on ${iface} did not end in ${this.#o.dadTimeoutMs} ms`)
        return `another host answers its duplicate address detection on ${iface}`
      }
      await sleep(DAD_POLL_MS)
    }
  }

  /**
   * Put the address on `to` (the kernel announces it there), then route its replies out of `to`
   * and take it off `from`: one `ip` for the address, one batch for the rest.
   */
  async move(address: string, len: number, to: string, from: string | undefined, foreign = false): Promise<void> {
    await this.#run(addLine6(address, len, to, foreign))
    await this.#batch(moveBatch6(address, len, to, from, foreign, this.#o))
  }

  /** At stop (or a leftover of a crashed run): the reply rule and table go; the address only if owned. */
  async release(address: string, len: number, owned: boolean): Promise<void> {
    await this.#run(['rule', 'del', ...rule6(address, this.#o)], true) // none there is no error
    await this.#run(['route', 'flush', 'table', `${this.#o.table}`], true)
    if (!owned) return
    for (const holder of await this.holders(address))
      await this.#run(['addr', 'del', `${address}/${len}`, 'dev', holder])
  }

  async #find(address: string): Promise<{ ifname: string; info: IpAddrInfo } | undefined> {
    const links = await ipJson<AddrLink[]>(this.#ip, ['-6', 'addr', 'show'])
    for (const l of links) {
      const info = l.addr_info?.find((a) => a.family === 'inet6' && a.local === address)
      if (info) return { ifname: l.ifname, info }
    }
    return undefined
  }

  /** Several commands in one `ip -6 -force -batch`: as the IPv4 mover's (move-errors.ts). */
  async #batch(lines: ReadonlyArray<readonly string[]>): Promise<void> {
    if (this.#o.dryRun) return void lines.forEach((l) => this.#log.info(`dry run: would run ip -6 ${l.join(' ')}`))
    const r = await this.#ip.run(['-6', '-force', '-batch', '-'], `${lines.map((l) => l.join(' ')).join('\n')}\n`)
    const errors = moveErrors(lines, r.stderr)
    if (errors.length > 0) throw new Error(`ip -6 -batch: ${errors.join('; ')}`)
  }

  async #run(args: readonly string[], quiet = false): Promise<void> {
    if (this.#o.dryRun) return void this.#log.info(`dry run: would run ip -6 ${args.join(' ')}`)
    const r = await this.#ip.run(['-6', ...args])
    if (r.code !== 0 && !quiet) throw new Error(`ip -6 ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`)
  }
}
