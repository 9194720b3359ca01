// Sets an interface's IPv6 neighbour-discovery sysctls for service addresses (accept_dad, ndisc_notify) and puts back what it found.
//
// Node has no raw sockets, so faild cannot send a neighbour advertisement itself; the kernel sends
// one, but only in these cases (measured on Linux 6.18, see host/address-mover6.ts): with
// `ndisc_notify=1` on the interface, when an address added WITHOUT `nodad` leaves duplicate
// address detection (after DAD, or at once where DAD is off: `accept_dad=0` on the interface and
// on `all`). An address added with `nodad` is never announced, whatever ndisc_notify says.
import { readFileSync, writeFileSync } from 'node:fs'

/** Reads and writes one interface's `net.ipv6.conf.IF.KEY`; a fake in specs. */
export interface Sysctl {
  read(iface: string, key: string): string
  write(iface: string, key: string, value: string): void
}

const path = (iface: string, key: string) => `/proc/sys/net/ipv6/conf/${iface}/${key}`

/** The running network namespace's /proc/sys (faild's own: a sysctl is per namespace). */
export const procSysctl: Sysctl = {
  read: (iface, key) => readFileSync(path(iface, key), 'utf8').trim(),
  write: (iface, key, value) => writeFileSync(path(iface, key), `${value}\n`),
}

/** Changes sysctls and remembers each one's value before faild's first change, to restore at stop. */
export class NdiscSysctls {
  readonly #sysctl: Sysctl
  /** Keyed by "iface/key"; BOUNDED: LAN interfaces x 2 keys. */
  readonly #saved = new Map<string, { iface: string; key: string; value: string }>()

  constructor(sysctl: Sysctl = procSysctl) {
    this.#sysctl = sysctl
  }

  set(iface: string, key: 'accept_dad' | 'ndisc_notify', value: string): void {
    const id = `${iface}/${key}`
    const before = this.#sysctl.read(iface, key)
    if (!this.#saved.has(id)) this.#saved.set(id, { iface, key, value: before })
    if (before !== value) this.#sysctl.write(iface, key, value)
  }

  /**
   * `net.ipv6.conf.all.accept_dad` is on: the kernel then runs DAD on every interface, whatever
   * the interface's own says, and a move between two NICs on one link can fail its DAD against
   * the copy it replaces. Unreadable: false (a kernel without IPv6).
   */
  dadForced(): boolean {
    try {
      return Number(this.#sysctl.read('all', 'accept_dad')) >= 1
    } catch {
      return false
    }
  }

  /** Every value back as faild found it; the errors (an interface gone) as text. */
  restore(): string[] {
    const errors: string[] = []
    for (const { iface, key, value } of this.#saved.values()) {
      try {
        this.#sysctl.write(iface, key, value)
      } catch (err) {
        errors.push(`net.ipv6.conf.${iface}.${key}: ${(err as Error).message}`)
      }
    }
    this.#saved.clear()
    return errors
  }
}
