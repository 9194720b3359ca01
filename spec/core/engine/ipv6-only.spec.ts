// IPv6-only LANs (#15): packets carry each LAN's global and link-local addresses in place of an IPv4 one, peers pair by IPv6 subnet, the engine knows them by handles, and a dead path is swapped in IPv6 only.
import t from 'tap'
import { Engine } from '../../../lib/core/engine/engine.js'
import { toLocal, toPacket } from '../../../lib/core/engine/pairing.js'
import { planPeers } from '../../../lib/core/engine/view.js'
import { engineAddress, type Lan, ownLan } from '../../../lib/core/lans.js'
import { LinkHandles, withHandles } from '../../../lib/core/link-handles.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { planRoutes, planRoutes6 } from '../../../lib/core/routes/plan.js'
import { describeRoute6 } from '../../../lib/core/routes/route6.js'
import { parseIPv6 } from '../../../lib/core/util/ipv6.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { decodeV2, encodeV2 } from '../../../lib/core/wire/v2.js'

const v6 = (s: string) => parseIPv6(s)!
const KEY = { id: 1, secret: Buffer.from('ipv6-only spec key, not a secret') }

/** Host n's two IPv6-only LANs. */
const lansOf = (n: number): Lan[] =>
  ['a', 'b'].map((x, i) => ({
    index: i,
    label: 'AB'[i]!,
    iface: `eth${x}`,
    address: 0,
    prefixLen: 32,
    broadcast: 0,
    preference: i,
    nameTag: 0,
    ipv6: { address: v6(`2001:db8:${x}::${n}`), prefixLen: 64 },
    linkLocal: v6(`fe80::${x}:${n}`),
  }))

const engineFor = (lans: Lan[], nodeId: number) =>
  new Engine({
    nodeId,
    boot: nodeId,
    addresses: lans.map((l) => engineAddress(l).address),
    prefixLens: lans.map((l) => engineAddress(l).prefixLen),
    ipv6: lans.map((l) => l.ipv6),
    requestor: true,
    intervalMs: 100,
    failAfter: 3,
    upAfter: 2,
    authenticated: true,
  })

/** Host 1's message as it leaves, and as host 2 reads it off LAN `lan` (the link-local source given by its socket). */
function carry(msg: Message, from: Lan[], to: Lan[], handles: LinkHandles, lan: number, src = from[lan]!.linkLocal!) {
  const bytes = encodeV2(toPacket(msg, from.map(ownLan)), KEY)
  const decoded = decodeV2(bytes, [KEY])
  if (!decoded.ok) throw new Error(decoded.code)
  const paired = toLocal(decoded.packet, to.map(ownLan))
  if (!paired.ok) throw new Error(paired.reason)
  const h = withHandles(paired.msg, lan, src, handles)
  if (typeof h === 'string') throw new Error(h)
  return h
}

t.test('two IPv6-only hosts: paired by subnet, known by handles, swapped in IPv6 only', async (t) => {
  const [l1, l2] = [lansOf(1), lansOf(2)]
  const [e1, e2] = [engineFor(l1, 1), engineFor(l2, 2)]
  const handles = new LinkHandles((lan, h) => e2.knows(lan, h))
  const inq = e1.tick(0).find((x) => x.kind === 'send')!
  const packet = toPacket(inq.kind === 'send' ? inq.msg : (undefined as never), l1.map(ownLan))
  t.same(
    packet.lans.map((l) => l.addresses.map((a) => `${a.address}/${a.prefix}`)),
    [
      ['2001:db8:a::1/64', 'fe80::a:1/64'],
      ['2001:db8:b::1/64', 'fe80::b:1/64'],
    ],
    'each LAN carries its global and link-local addresses, and no handle',
  )
  // Host 1 is heard on both LANs for a while, then only on LAN B.
  let now = 0
  for (let round = 0; round < 8; round++, now += 100) {
    for (const fx of e1.tick(now)) {
      if (fx.kind !== 'send' || (round >= 3 && fx.lan === 0)) continue
      const { src, msg } = carry(fx.msg, l1, l2, handles, fx.lan)
      e2.receive(now + 1, fx.lan, src, msg)
    }
    e2.expire(now + 50)
  }
  const peer = e2.view().peers.find((p) => p.id === 1)!
  t.ok(peer, 'host 2 knows host 1')
  t.same(
    peer.paths.map((p) => p.ipv6),
    [v6('2001:db8:a::1'), v6('2001:db8:b::1')],
    'by its global addresses',
  )
  t.equal(peer.paths[0]!.state, LinkState.Down, 'LAN A silent: down')
  t.equal(peer.paths[1]!.state, LinkState.Up, 'LAN B: up')
  const sends = e2.tick(now).filter((x) => x.kind === 'send')
  t.ok(
    sends.every((x) => x.kind === 'send' && x.to === 'broadcast'),
    'INQs go to everyone (the group, on an IPv6-only LAN)',
  )
  const plans = l2.map((l) => ({ ...l, iface: l.iface }))
  const ctx = { table: 4207, now, upAfter: 2 }
  t.same(planRoutes(plans, planPeers(e2.view()), ctx).routes, [], 'no IPv4 route to or via a handle')
  t.same(
    planRoutes6(plans, planPeers(e2.view()), ctx).routes.map(describeRoute6),
    ['2001:db8:a::1 via 2001:db8:b::1 dev ethb src 2001:db8:a::2'],
    "host 1's LAN A address via its LAN B address",
  )
})

t.test('a packet that says another link-local address than it came from is refused', async (t) => {
  const [l1, l2] = [lansOf(1), lansOf(2)]
  const e1 = engineFor(l1, 1)
  const fx = e1.tick(0).find((x) => x.kind === 'send' && x.lan === 1)!
  const forged = l1.map((l) => ({ ...l, linkLocal: v6('fe80::bad') }))
  const handles = new LinkHandles(() => false)
  const msg = fx.kind === 'send' ? fx.msg : (undefined as never)
  t.throws(() => carry(msg, forged, l2, handles, 1, l1[1]!.linkLocal), /spoofed-source/)
  t.ok(carry(msg, l1, l2, handles, 1), 'the same from the address it says: let in')
})
