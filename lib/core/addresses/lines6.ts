// The `ip -6` lines that put an IPv6 service address on an interface, route its replies out of it, and take it away again.
//
// As for IPv4 (host/address-mover.ts): the address goes on first, in its own `ip` run, so the
// kernel announces it at once; the reply route, the rule and the old copy follow in one batch.
// The address is added WITHOUT `nodad`: on an interface with DAD off (accept_dad=0, set by faild)
// that is just as quick, and only then does the kernel send the unsolicited neighbour
// advertisement that moves clients (an address added with `nodad` is never announced).
import type { LanIPv6 } from '../lan-ipv6.js'
import { formatIPv6, parseIPv6, sameSubnet6 } from '../util/ipv6.js'

export interface Reply6 {
  /** The table of this address's reply route, and the priority of the rule that sends its replies there. */
  readonly table: number
  readonly priority: number
}

/** The network `address`/`len` lies in, as text ("fd00:1::/64"); undefined for what is not IPv6. */
export function subnet6(address: string, len: number): string | undefined {
  const a = parseIPv6(address)
  if (!a) return undefined
  const net = a.map((byte, i) => {
    const bits = Math.min(8, Math.max(0, len - 8 * i))
    return byte & ((0xff << (8 - bits)) & 0xff)
  })
  return `${formatIPv6(net)}/${len}`
}

/** The LAN's own IPv6 subnet holds `address` (a move there needs no foreign handling). */
export function onSubnet6(lan: LanIPv6, address: string): boolean {
  const a = parseIPv6(address)
  return a !== undefined && lan.ipv6 !== undefined && sameSubnet6(a, lan.ipv6.address, lan.ipv6.prefixLen)
}

/** The selector of the address's reply rule: the same for its add and its deletes. */
export const rule6 = (address: string, o: Reply6): string[] => [
  'from',
  address,
  'lookup',
  `${o.table}`,
  'pref',
  `${o.priority}`,
]

/**
 * Deprecated from the start (`preferred_lft 0`): it still takes connections and answers from
 * itself, but the kernel never picks it as a new connection's source, and faild's LAN discovery
 * (core/lan-ipv6.ts) never takes it for the interface's own address (IPv4's service addresses are
 * told apart by having no broadcast address).
 */
export const ADDR_FLAGS6 = ['preferred_lft', '0']

/** `ip -6 addr replace`: the address on `to` (without a prefix route where `to`'s own subnet does not hold it). */
export const addLine6 = (address: string, len: number, to: string, foreign: boolean): string[] => [
  'addr',
  'replace',
  `${address}/${len}`,
  'dev',
  to,
  ...ADDR_FLAGS6,
  ...(foreign ? ['noprefixroute'] : []),
]

/**
 * The batch after the address is on `to`: its subnet out of `to` in its table (none for a foreign
 * subnet), its rule again (deleting and adding an IPv6 rule also makes established sockets look
 * their route up again: see core/routes/ip6-batch.ts), and the copy on `from` removed.
 */
export function moveBatch6(
  address: string,
  len: number,
  to: string,
  from: string | undefined,
  foreign: boolean,
  o: Reply6,
): string[][] {
  const table = `${o.table}`
  return [
    foreign
      ? ['route', 'flush', 'table', table]
      : ['route', 'replace', subnet6(address, len)!, 'dev', to, 'src', address, 'table', table],
    ['rule', 'del', ...rule6(address, o)],
    ['rule', 'add', ...rule6(address, o)],
    ...(from && from !== to ? [['addr', 'del', `${address}/${len}`, 'dev', from]] : []),
  ]
}
