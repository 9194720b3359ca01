// IPv6 beside IPv4 (#15, dual-stack): this host's IPv6 addresses out in its packets, a peer's taken in (with a key only), and the swap planned for both families.
import t from 'tap'
import { Engine } from '../../../lib/core/engine/engine.js'
import { toLocal, toPacket } from '../../../lib/core/engine/pairing.js'
import { adopts6 } from '../../../lib/core/engine/trust6.js'
import { planPeers } from '../../../lib/core/engine/view.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { planRoutes, planRoutes6 } from '../../../lib/core/routes/plan.js'
import { describeRoute } from '../../../lib/core/routes/route.js'
import { describeRoute6 } from '../../../lib/core/routes/route6.js'
import { formatIPv4, parseIPv4 } from '../../../lib/core/util/ipv4.js'
import { formatIPv6, type IPv6, parseIPv6 } from '../../../lib/core/util/ipv6.js'
import { inqFrom } from '../../support/messages.js'
import { TWO_LANS as base, PEER, PEER_ADDR } from '../../support/two-lans.js'

const v4 = (s: string) => parseIPv4(s)!
const v6 = (s: string) => parseIPv6(s)!
const MY6 = [
  { address: v6('2001:db8:a::1'), prefixLen: 64 },
  { address: v6('2001:db8:b::1'), prefixLen: 64 },
]
const PEER6 = [v6('2001:db8:a::2'), v6('2001:db8:b::2')]
const own = [
  { address: v4('198.18.1.1'), prefixLen: 24, nameTag: 0, ipv6: MY6[0] },
  { address: v4('198.18.2.1'), prefixLen: 24, nameTag: 0, ipv6: MY6[1] },
]

t.test('out and back in: each LAN carries its IPv6 address after its IPv4 one', async (t) => {
  const msg = inqFrom({ from: own[0]!.address, addresses: own.map((o) => o.address) }, { lan: 0, seq: 1 })
  const packet = toPacket(msg, own)
  t.same(
    packet.lans.map((l) => l.addresses.map((a) => `${a.address}/${a.prefix}`)),
    [
      ['198.18.1.1/24', '2001:db8:a::1/64'],
      ['198.18.2.1/24', '2001:db8:b::1/64'],
    ],
  )
  const theirs = [
    { address: v4('198.18.2.9'), prefixLen: 24, nameTag: 0 },
    { address: v4('198.18.1.9'), prefixLen: 24, nameTag: 0 },
  ]
  const paired = toLocal(packet, theirs)
  t.ok(paired.ok)
  t.same(paired.ok && paired.msg.addresses6, [MY6[1]!.address, MY6[0]!.address], "by the receiver's LAN order")
  const v4only = toLocal(
    toPacket(
      msg,
      own.map(({ ipv6: _, ...o }) => o),
    ),
    theirs,
  )
  t.equal(v4only.ok && v4only.msg.addresses6, undefined, 'an IPv4-only sender: nothing allocated')
})

t.test("a peer's IPv6 address is taken only with a key, in this host's subnet, not this host's", async (t) => {
  const peer = { id: PEER, intervalMs: 100, lastHeard: 0, confirmed: true, lans: [{ address: PEER, lastHeard: 0 }] }
  const cfg = { ...base, ipv6: MY6 }
  t.notOk(adopts6(peer, 0, PEER6[0]!, 0, cfg), 'without a key: its source does not prove it')
  const keyed = { ...cfg, authenticated: true }
  t.ok(adopts6(peer, 0, PEER6[0]!, 0, keyed))
  t.notOk(adopts6(peer, 0, v6('2001:db8:ffff::2'), 0, keyed), 'another subnet')
  t.notOk(adopts6(peer, 0, MY6[0]!.address, 0, keyed), "this host's own")
  t.notOk(adopts6(peer, 0, v6('fe80::2'), 0, keyed), 'link-local: never routed')
  t.notOk(adopts6(peer, 1, PEER6[1]!, 0, { ...keyed, ipv6: [MY6[0]] }), 'a LAN where this host has no IPv6')
  const known = { ...peer, lans: [{ address: PEER, lastHeard: 0, ipv6: PEER6[0] }] }
  t.ok(adopts6(known, 0, v6('2001:db8:a::3'), 100, keyed), 'another while it is heard: renumbered, its own word')
  const other = { ...peer, id: PEER + 1, lastHeard: 100 }
  t.notOk(
    adopts6(known, 0, v6('2001:db8:a::3'), 100, keyed, () => other),
    'not one another peer still heard holds there',
  )
  t.ok(
    adopts6(known, 0, v6('2001:db8:a::3'), 10_000, keyed, () => other),
    'one whose holder has gone silent',
  )
})

t.test(
  'with a key, a renumbered peer that goes on sending: its new IPv6 address is routed, the old dropped',
  async (t) => {
    const e = new Engine({ ...base, requestor: false, authenticated: true, ipv6: MY6 })
    const inq = (lan: number, seq: number, addresses6: ReadonlyArray<IPv6 | undefined>) =>
      inqFrom({ from: PEER, addresses: PEER_ADDR }, { lan, seq, addresses6, version: 2 })
    const renumbered = [v6('2001:db8:a::7'), PEER6[1]]
    for (let seq = 1; seq <= 3; seq++)
      for (const lan of [0, 1]) e.receive(seq * 100, lan, PEER_ADDR[lan]!, inq(lan, seq, PEER6))
    e.receive(400, 0, PEER_ADDR[0]!, inq(0, 4, renumbered))
    t.same(
      e.view().peers[0]!.paths.map((p) => p.ipv6),
      renumbered,
      'the new address at once, the peer never silent',
    )
    e.receive(500, 0, PEER_ADDR[0]!, inq(0, 5, [undefined, PEER6[1]]))
    t.same(
      e.view().peers[0]!.paths.map((p) => p.ipv6),
      [undefined, PEER6[1]],
      'an address it no longer gives: dropped',
    )
  },
)

t.test('a dead path swaps both families of the peer at once', async (t) => {
  const e = new Engine({ ...base, requestor: false, authenticated: true, ipv6: MY6 })
  const inq = (lan: number, seq: number) =>
    inqFrom({ from: PEER, addresses: PEER_ADDR }, { lan, seq, addresses6: PEER6 })
  for (let seq = 1; seq <= 3; seq++) for (const lan of [0, 1]) e.receive(seq * 100, lan, PEER_ADDR[lan]!, inq(lan, seq))
  t.same(
    e.view().peers[0]!.paths.map((p) => p.ipv6),
    PEER6,
  )
  e.receive(400, 1, PEER_ADDR[1]!, inq(1, 4))
  e.receive(500, 1, PEER_ADDR[1]!, inq(1, 5))
  e.expire(600)
  e.receive(600, 1, PEER_ADDR[1]!, inq(1, 6))
  e.expire(800)
  e.receive(800, 1, PEER_ADDR[1]!, inq(1, 7))
  const view = e.view()
  t.equal(view.peers[0]!.paths[0]!.state, LinkState.Down, 'LAN A silent: down')
  const lans = [
    { iface: 'etha', address: base.addresses[0]!, prefixLen: 24, preference: 0, ipv6: MY6[0] },
    { iface: 'ethb', address: base.addresses[1]!, prefixLen: 24, preference: 1, ipv6: MY6[1] },
  ]
  const ctx = { table: 4207, now: 800, upAfter: 2 }
  t.same(planRoutes(lans, planPeers(view), ctx).routes.map(describeRoute), [
    '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1',
  ])
  t.same(
    planRoutes6(lans, planPeers(view), ctx).routes.map(describeRoute6),
    ['2001:db8:a::2 via 2001:db8:b::2 dev ethb src 2001:db8:a::1'],
    'and the same swap in IPv6',
  )
  const [laneA, laneB] = lans
  const { ipv6: _gone, ...noV6OnB } = laneB!
  t.same(
    planRoutes6([laneA!, noV6OnB], planPeers(view), ctx).routes,
    [],
    'no IPv6 of this host on the LAN that would carry it: none (the kernel would refuse the next hop)',
  )
  const noV6Here = lans.map(({ ipv6: _, ...l }) => l)
  t.same(
    planRoutes6(noV6Here, planPeers(view), { table: 4207, now: 800, upAfter: 2 }).routes,
    [],
    'this host has no IPv6: none',
  )
})

t.test(
  'with a key, an IPv6 address taken from a holder gone silent is cleared there: one holder at a time',
  async (t) => {
    const e = new Engine({ ...base, requestor: false, authenticated: true, ipv6: MY6 })
    const other = { from: parseIPv4('198.18.1.3')!, addresses: [parseIPv4('198.18.1.3')!, parseIPv4('198.18.2.3')!] }
    const inq = (who: typeof other, lan: number, seq: number, addresses6: ReadonlyArray<IPv6 | undefined>) =>
      inqFrom(who, { lan, seq, addresses6, version: 2 })
    for (const lan of [0, 1])
      e.receive(100, lan, PEER_ADDR[lan]!, inq({ from: PEER, addresses: PEER_ADDR }, lan, 1, PEER6))
    // The first holder falls silent; another peer (its address renumbered onto the same one) gives it.
    e.receive(20_000, 0, other.addresses[0]!, inq(other, 0, 1, [PEER6[0], undefined]))
    const held = e.view().peers.map((p) => [formatIPv4(p.id), p.paths[0]!.ipv6 && formatIPv6(p.paths[0]!.ipv6)])
    t.same(held, [
      ['198.18.1.2', undefined],
      ['198.18.1.3', '2001:db8:a::2'],
    ])
  },
)
