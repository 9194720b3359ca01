// core/report/status-format.ts: IPv6 shows as a column only on a dual-stack host; IPv6 routes follow the IPv4 ones.
import t from 'tap'
import type { StatusReport } from '../../../lib/core/report/status.js'
import { formatStatus } from '../../../lib/core/report/status-format.js'

const path = (lan: string, address: string, ipv6: string | null, state: string) => ({
  lan,
  address,
  ipv6,
  state,
  observed: state,
  missed: state === 'up' ? 0 : 3,
  good: state === 'up' ? 3 : 0,
  hearsUs: true,
  peerOutOfService: false,
  lastHeardS: 0.1,
  rttMs: 0.3,
})

const WHY = 'peer 198.18.1.2 down on LAN A (missed 3/3, good 0/3)'

/** A dual-stack host (LAN A has IPv6, B not) with peer 198.18.1.2 down on A. */
const dualStack: StatusReport = {
  version: '1.2.3',
  pid: 7,
  node: '198.18.1.1',
  role: 'requestor',
  intervalS: 0.1,
  failAfter: 3,
  upAfter: 3,
  uptimeS: 65,
  dryRun: false,
  overload: null,
  lans: [
    {
      label: 'A',
      iface: 'etha',
      address: '198.18.1.1',
      ipv6: 'fd00:1:a::1',
      carrier: true,
      offline: false,
      state: 'up',
      srttMs: 0.4,
    },
    {
      label: 'B',
      iface: 'ethb',
      address: '198.18.2.1',
      ipv6: null,
      carrier: true,
      offline: false,
      state: 'up',
      srttMs: 0.5,
    },
  ],
  peers: [
    {
      id: '198.18.1.2',
      role: 'requestor',
      paths: [path('A', '198.18.1.2', 'fd00:1:a::2', 'down'), path('B', '198.18.2.2', null, 'up')],
    },
  ],
  targets: [],
  routes: [{ route: '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1', table: 4207, why: WHY }],
  routes6: [{ route: 'fd00:1:a::2 via fd00:1:b::2 dev ethb src fd00:1:a::1', table: 4207, why: WHY }],
  packets: { received: 10, dropped: 0, drops: {} },
}

/** The same host as an older faild reports it, or an IPv4-only one: no IPv6 fields at all. */
const ipv4Only: StatusReport = {
  ...dualStack,
  lans: dualStack.lans.map(({ ipv6: _, ...l }) => l),
  peers: dualStack.peers.map((p) => ({ ...p, paths: p.paths.map(({ ipv6: _, ...x }) => x) })),
  routes6: undefined as never,
}
delete (ipv4Only as { routes6?: unknown }).routes6

t.test('dual-stack: an IPV6 column for LANs and paths ("-" where none), IPv6 routes after IPv4 ones', async (t) => {
  const text = formatStatus(dualStack)
  t.match(text, /^LAN\s+INTERFACE\s+ADDRESS\s+IPV6\s+STATE\s+RTT$/m)
  t.match(text, /^A\s+etha\s+198\.18\.1\.1\s+fd00:1:a::1\s+up\s+0\.4 ms$/m)
  t.match(text, /^B\s+ethb\s+198\.18\.2\.1\s+-\s+up\s+0\.5 ms$/m)
  t.match(text, /^PEER\s+ROLE\s+LAN\s+ADDRESS\s+IPV6\s+STATE\s/m)
  t.match(text, /^198\.18\.1\.2\s+requestor\s+A\s+198\.18\.1\.2\s+fd00:1:a::2\s+down\s+3\/3/m)
  t.match(text, /^\s+B\s+198\.18\.2\.2\s+-\s+up\s+0\/3/m)
  const routes = text.slice(text.indexOf('ROUTE'))
  t.equal(
    routes,
    [
      'ROUTE                                                 TABLE  WHY',
      `198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1     4207   ${WHY}`,
      `fd00:1:a::2 via fd00:1:b::2 dev ethb src fd00:1:a::1  4207   ${WHY}`,
      '',
    ].join('\n'),
  )
})

t.test('IPv6 routes alone are routes: not "routes: none"', async (t) => {
  const text = formatStatus({ ...dualStack, routes: [] })
  t.notMatch(text, /routes: none/)
  t.match(text, /^fd00:1:a::2 via fd00:1:b::2 dev ethb src fd00:1:a::1\s+4207\s+peer 198\.18\.1\.2/m)
})

t.test(
  'no IPv6 anywhere (an IPv4-only host, or an older faild asked by a newer faildctl): the tables as before',
  async (t) => {
    const text = formatStatus(ipv4Only)
    t.equal(
      text,
      [
        'faild 1.2.3, pid 7, node 198.18.1.1, requestor every 0.1s, -f 3 -s 3, up 1m 5s',
        'packets: received 10, dropped 0',
        '',
        'LAN  INTERFACE  ADDRESS     STATE  RTT',
        'A    etha       198.18.1.1  up     0.4 ms',
        'B    ethb       198.18.2.1  up     0.5 ms',
        '',
        'PEER        ROLE       LAN  ADDRESS     STATE  MISSED  GOOD  PEER SAYS  LAST HEARD  RTT',
        '198.18.1.2  requestor  A    198.18.1.2  down   3/3     0/3   -          0.1s ago    0.3 ms',
        '                       B    198.18.2.2  up     0/3     3/3   -          0.1s ago    0.3 ms',
        '',
        'ROUTE                                              TABLE  WHY',
        `198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1  4207   ${WHY}`,
        '',
      ].join('\n'),
    )
    t.match(formatStatus({ ...ipv4Only, routes: [] }), /\nroutes: none \(every path is on its own LAN\)\n$/)
  },
)

t.test('a peer that says it is behind (OVERLOAD) gets a line under the peers, none when it keeps up', async (t) => {
  const behind = { ...dualStack, peers: dualStack.peers.map((p) => ({ ...p, behindMs: 200 })) }
  t.match(
    formatStatus(behind),
    /\npeer 198\.18\.1\.2 says it is 200 ms behind \(overloaded\): its INQs are waited for that much longer, and they alone judge its paths\n/,
  )
  t.notMatch(formatStatus(dualStack), /behind/)
})
