// One service address's mover, whatever its family: gratuitous ARP for IPv4, DAD and unsolicited NAs for IPv6.
import type { ServiceAddress } from '../core/addresses/placement.js'
import type { Lan } from '../core/lans.js'
import { AddressMover, type MoverOptions } from '../host/address-mover.js'
import { AddressMover6 } from '../host/address-mover6.js'
import type { IpRunner } from '../host/ip-runner.js'
import type { Logger } from '../host/log.js'
import type { NdiscSysctls } from '../host/ndisc-sysctl.js'

/** Three gratuitous ARPs, half a second apart: the first reaches everyone unless lost; the others cover a loss and neighbours' one-second lock time. */
const ANNOUNCE = { count: 3, spacingMs: 500 }
/** The start's DAD for an IPv6 address: up to 1 s before the kernel's probe, 1 s for an answer, and slack. */
export const DAD_TIMEOUT_MS = 4000

/** Where an address's replies are routed, and whether anything is changed at all: each mover adds how it announces. */
export type ReplyOptions = Omit<MoverOptions, 'announce'>

/** What a mover runs: `ip`, and the log. */
interface MoverDeps {
  readonly ip: IpRunner
  readonly log: Logger
}

/** One address's mover, whatever its family. */
export interface Mover {
  /** The interfaces that hold the address now. */
  holders(): Promise<string[]>
  /** Who else has the address on `iface`, in words; undefined: nobody. */
  duplicate(iface: string): Promise<string | undefined>
  move(to: string, from: string | undefined, foreign: boolean): Promise<void>
  release(owned: boolean): Promise<void>
  /** How a move is announced, for the log. */
  readonly announced: string
}

export function mover4(spec: ServiceAddress, o: ReplyOptions, deps: MoverDeps): Mover {
  const m = new AddressMover({ ...o, announce: ANNOUNCE }, deps)
  const { address, len } = spec
  return {
    holders: () => m.holders(address),
    duplicate: async (iface) => {
      const mac = await m.duplicate(iface, address)
      return mac && `${mac} answers ARP for it on ${iface}`
    },
    move: (to, from, foreign) => m.move(address, len, to, from, foreign),
    release: (owned) => m.release(address, len, owned),
    announced: `${ANNOUNCE.count} gratuitous ARPs`,
  }
}

/** IPv6: the kernel's DAD at the claim, then no DAD and an unsolicited NA on each of its interfaces (host/address-mover6.ts). */
export function mover6(
  spec: ServiceAddress & { ipv6: string },
  o: ReplyOptions,
  deps: MoverDeps & { readonly lans: readonly Lan[] },
  sysctls: NdiscSysctls,
): Mover {
  const m = new AddressMover6({ ...o, dadTimeoutMs: DAD_TIMEOUT_MS }, { ...deps, sysctls })
  const { ipv6, len } = spec
  const ifaces = () => spec.lans.flatMap((l) => deps.lans[l]?.iface ?? [])
  return {
    holders: () => m.holders(ipv6),
    duplicate: (iface) => m.duplicate(iface, ipv6, len),
    move: async (to, from, foreign) => {
      m.announceOn(to, ifaces())
      await m.move(ipv6, len, to, from, foreign)
    },
    release: (owned) => m.release(ipv6, len, owned),
    announced: 'an unsolicited neighbour advertisement',
  }
}
