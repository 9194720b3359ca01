// Parsing `ip -o monitor link` lines in lib/link-watch.ts.
import t from 'tap'
import { parseLinkLine } from '../../lib/host/carrier-watch.js'

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
