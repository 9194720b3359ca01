// What faild says once it has started: who it is, how it probes, its LANs, and what it cannot protect.
import type { Options } from '../config/types.js'
import { isIPv6Only, type Lan } from '../core/lans.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import { formatIPv6 } from '../core/util/ipv6.js'
import type { Logger } from '../host/log.js'
import { INQ_GROUP } from '../host/transport6.js'
import { RECV_BUFFER_BYTES } from '../host/udp-socket.js'

/** A receive buffer well under what faild asked for (net.core.rmem_max caps it): said, with what it means. */
export function logBuffer(log: Logger, buffer: number): void {
  if (buffer >= RECV_BUFFER_BYTES / 4) return
  log.info(
    `UDP receive buffer is ${buffer >> 10} KiB (net.core.rmem_max): ` +
      `ACKs may be lost in clusters over ~${Math.floor(buffer / 1024)} hosts`,
  )
}

/** The start line, and without a key the warnings of what any host on the LANs can do. */
export function logStart(log: Logger, o: Options, lans: readonly Lan[], nodeId: number, keyed: boolean): void {
  const v6 = (l: Lan) => (l.ipv6 ? ` ${formatIPv6(l.ipv6.address)}/${l.ipv6.prefixLen}` : '')
  const only6 = (l: Lan) => ` (IPv6 only: probing ${INQ_GROUP} from ${formatIPv6(l.linkLocal!)})`
  const lanList = lans
    .map((l) =>
      isIPv6Only(l)
        ? `${l.label}=${l.iface}${v6(l)}${only6(l)}`
        : `${l.label}=${l.iface} ${formatIPv4(l.address)}/${l.prefixLen}${v6(l)}`,
    )
    .join(', ')
  log.info(
    `started as node ${formatIPv4(nodeId)}, ${o.requestor ? `requestor every ${o.interval}s` : 'responder only'}, ` +
      `-f ${o.failAfter} -s ${o.upAfter}, port ${o.port}, table ${o.table}${o.dryRun ? ', dry run' : ''}; LANs ${lanList}` +
      (o.configFile ? `; config ${o.configFile}` : ''),
  )
  if (keyed) return
  log.warn(
    `no --key-file: any host on LAN ${lans.map((l) => l.label).join(', ')} can forge faild packets (keep a dead path up, ` +
      'take a live one down while it sends); see README "Security"',
  )
  if (lans.some((l) => l.ipv6))
    log.warn(
      "no --key-file: peers' IPv6 addresses are not followed (a packet's IPv4 source proves nothing " +
        'about them), so no IPv6 route is swapped; see README "IPv6"',
    )
}
