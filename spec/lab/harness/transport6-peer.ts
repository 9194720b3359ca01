// A Transport6 in a lab host, driven over stdin and reporting on stdout, one JSON object a line.
//   node transport6-peer.js PORT IFACE...   (the interfaces in LAN order)
// First line: {"ready":true,"linkLocal":["fe80::...", ...]} by LAN (null where a LAN has none);
// then one {"lan","src","data"} line per datagram received and {"error"} per socket error.
// Input lines: {"lan":1,"to":"multicast"|"fe80::...","data":"text"}, each answered {"sent":...}.
// Ends, its sockets closed, when stdin closes or on SIGTERM.
import { execFileSync } from 'node:child_process'
import { createInterface } from 'node:readline'
import { type IpAddrInfo, lanIPv6 } from '../../../lib/core/lan-ipv6.js'
import { type Lan, lanLabel } from '../../../lib/core/lans.js'
import { formatIPv6, parseIPv6 } from '../../../lib/core/util/ipv6.js'
import { Transport6 } from '../../../lib/host/transport6.js'

const [portS, ...ifaces] = process.argv.slice(2)
const out = (x: unknown) => process.stdout.write(`${JSON.stringify(x)}\n`)

/** The LANs as faild would see them on an IPv6-only host: no IPv4 address, a link-local one. */
function lans(): Lan[] {
  const links = JSON.parse(execFileSync('ip', ['-json', 'addr', 'show'], { encoding: 'utf8' })) as Array<{
    ifname: string
    ifindex: number
    addr_info?: IpAddrInfo[]
  }>
  return ifaces.map((iface, index) => {
    const link = links.find((l) => l.ifname === iface)
    if (!link) throw new Error(`no interface ${iface}`)
    return {
      index,
      label: lanLabel(index),
      iface,
      ifindex: link.ifindex,
      address: 0,
      prefixLen: 32,
      broadcast: 0,
      preference: index,
      nameTag: 0,
      ...lanIPv6(link.addr_info ?? []),
    }
  })
}

const mine = lans()
const transport = new Transport6(mine, Number(portS))
await transport.start(
  (lan, src, data) => out({ lan, src: formatIPv6(src), data: data.toString() }),
  (lan, err) => out({ lan, error: err.message }),
)
out({ ready: true, linkLocal: mine.map((l) => (l.linkLocal ? formatIPv6(l.linkLocal) : null)) })

const stop = async () => {
  await transport.stop()
  process.exit(0)
}
process.on('SIGTERM', stop)
const input = createInterface({ input: process.stdin })
input.on('line', (line) => {
  const cmd = JSON.parse(line) as { lan: number; to: string; data: string }
  const to = cmd.to === 'multicast' ? 'multicast' : parseIPv6(cmd.to)
  if (to === undefined) return out({ error: `not an IPv6 address: ${cmd.to}` })
  transport.send(cmd.lan, to, Buffer.from(cmd.data))
  out({ sent: cmd })
})
input.on('close', stop)
