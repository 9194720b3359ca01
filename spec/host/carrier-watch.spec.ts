// Parsing `ip -o monitor` lines in lib/host/carrier-watch.ts: links (carrier) and addresses.
import t from 'tap'
import { isAddressLine, parseLinkLine } from '../../lib/host/carrier-watch.js'

const cases: Array<[string, ReturnType<typeof parseLinkLine>]> = [
  [
    '3: etha@if5: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default \\    link/ether 82:ee:18:9b:b6:c9 brd ff:ff:ff:ff:ff:ff link-netns sw',
    { index: 3, iface: 'etha', carrier: false },
  ],
  [
    '3: etha@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP',
    { index: 3, iface: 'etha', carrier: true },
  ],
  ['2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP', { index: 2, iface: 'eth0', carrier: true }],
  ['Deleted 3: etha@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500', { index: 3, iface: 'etha', carrier: false }],
  ['4: ethb: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN', { index: 4, iface: 'ethb', carrier: false }],
  ['', undefined],
  ['garbage line', undefined],
]

for (const [line, want] of cases) {
  t.test(JSON.stringify(line.slice(0, 40)), async (t) => t.same(parseLinkLine(line), want))
}

t.test('address lines: added and deleted, either family; links, routes and rules are not', async (t) => {
  const yes = [
    '3: etha    inet 198.18.1.10/24 brd 198.18.1.255 scope global secondary etha\\       valid_lft forever',
    'Deleted 3: etha    inet 198.18.1.9/24 brd 198.18.1.255 scope global etha\\       valid_lft forever',
    '2: vpeer    inet6 fe80::a4e7:41ff:fe5e:7969/64 scope link \\       valid_lft forever preferred_lft forever',
  ]
  const no = [
    '3: etha@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP',
    '198.18.1.2 via 198.18.2.2 dev ethb table 4207 proto 188',
    '1000:\tfrom all lookup 4207',
  ]
  for (const line of yes) t.ok(isAddressLine(line), line.slice(0, 30))
  for (const line of no) t.notOk(isAddressLine(line), line.slice(0, 30))
})
