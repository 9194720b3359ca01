// Service addresses through the engine (lib/core/engine/services.ts): what this host says it holds, and which peers' claims it takes.
import t from 'tap'
import { type Effect, Engine } from '../../../lib/core/engine/engine.js'
import { toLocal, toPacket } from '../../../lib/core/engine/pairing.js'
import { parseIPv4 } from '../../../lib/core/util/ipv4.js'
import type { HeldAddress, Message } from '../../../lib/core/wire/message.js'
import { ackFrom, inqFrom } from '../../support/messages.js'
import { TWO_LANS as base, PEER, PEER_ADDR } from '../../support/two-lans.js'

const ip = (s: string): number => parseIPv4(s)!
const sends = (fx: Effect[]) => fx.flatMap((e) => (e.kind === 'send' ? [e] : []))
const HELD: HeldAddress[] = [{ address: ip('198.18.1.100'), len: 24, lan: 1 }]
const claim = (lan: number, services: HeldAddress[], over: Partial<Message> = {}): Message =>
  inqFrom({ from: PEER, addresses: PEER_ADDR }, { lan, seq: 1, services, ...over })

t.test('hold: a notice on every LAN at once, and every INQ and ACK says it from then on', async (t) => {
  const e = new Engine(base)
  const notices = sends(e.hold(HELD))
  t.same(
    notices.map((s) => [s.lan, s.to, s.msg.intervalMs, s.msg.services]),
    [
      [0, 'broadcast', 0, HELD],
      [1, 'broadcast', 0, HELD],
    ],
  )
  t.same(e.hold([...HELD]), [], 'the same again: nothing to tell')
  t.same(
    sends(e.tick(0)).map((s) => s.msg.services),
    [HELD, HELD],
  )
  const acks = sends(e.receive(1, 0, PEER_ADDR[0]!, inqFrom({ from: PEER, addresses: PEER_ADDR }, { lan: 0, seq: 5 })))
  t.same(
    acks[0]?.msg.services,
    undefined,
    'an unconfirmed peer gets an ACK no larger than its INQ: no service addresses',
  )
  e.receive(2, 1, PEER_ADDR[1]!, inqFrom({ from: PEER, addresses: PEER_ADDR }, { lan: 1, seq: 6 }))
  const confirmed = sends(
    e.receive(3, 0, PEER_ADDR[0]!, inqFrom({ from: PEER, addresses: PEER_ADDR }, { lan: 0, seq: 7 })),
  )
  t.same(confirmed[0]?.msg.services, HELD, 'a confirmed one (heard on two LANs) is told')
  t.same(
    sends(e.hold([])).map((s) => s.msg.services),
    [undefined, undefined],
    'none held any more: said at once',
  )
})

t.test("a peer's claims are taken only with a key: anyone could claim any address", async (t) => {
  const open = new Engine({ ...base, requestor: false })
  open.receive(0, 0, PEER_ADDR[0]!, claim(0, HELD))
  t.same(open.view().peers[0]?.services, [], 'without a key: not taken')
  const keyed = new Engine({ ...base, requestor: false, authenticated: true })
  keyed.receive(0, 0, PEER_ADDR[0]!, claim(0, HELD))
  t.same(keyed.view().peers[0]?.services, HELD, 'with one: taken')
  keyed.receive(100, 0, PEER_ADDR[0]!, claim(0, [], { seq: 2, services: undefined }))
  t.same(keyed.view().peers[0]?.services, [], 'a packet without them: it holds none now')
})

t.test('implausible claims are left out: loopback, multicast, this host, a LAN this host lacks', async (t) => {
  const e = new Engine({ ...base, requestor: false, authenticated: true })
  const bad = ['127.0.0.1', '224.0.0.5', '0.1.2.3'].map((a) => ({ address: ip(a), len: 32, lan: 0 }))
  const mine = { address: base.addresses[1]!, len: 24, lan: 1 }
  const nowhere = { address: ip('198.18.7.7'), len: 32, lan: 2 }
  e.receive(0, 0, PEER_ADDR[0]!, claim(0, [...bad, mine, nowhere, ...HELD]))
  t.same(e.view().peers[0]?.services, HELD)
})

t.test('on the wire: held on our LAN B, read by a host that lists its LANs the other way round', async (t) => {
  const mine = [
    { address: ip('198.18.1.1'), prefixLen: 24, nameTag: 0 },
    { address: ip('198.18.2.1'), prefixLen: 24, nameTag: 0 },
  ]
  const msg = claim(0, HELD, { addresses: [ip('198.18.1.1'), ip('198.18.2.1')] })
  const packet = toPacket(msg, mine)
  t.same(packet.services, [{ slot: 1, address: { family: 4, prefix: 24, address: '198.18.1.100' } }])
  const theirs = [
    { address: ip('198.18.2.9'), prefixLen: 24, nameTag: 0 },
    { address: ip('198.18.1.9'), prefixLen: 24, nameTag: 0 },
  ]
  const paired = toLocal(packet, theirs)
  t.ok(paired.ok)
  t.same(
    paired.ok && paired.msg.services,
    [{ address: ip('198.18.1.100'), len: 24, lan: 0 }],
    'our LAN B is their index 0',
  )
})

t.test(
  'only a host of one of our subnets that no peer has as its own: not 8.8.8.8, not a router of ours taken over',
  async (t) => {
    const e = new Engine({ ...base, requestor: false, authenticated: true })
    const other = { from: 0xc6120103, addresses: [0xc6120103, 0xc6120203] }
    e.receive(0, 0, other.addresses[0]!, inqFrom(other, { lan: 0, seq: 1 }))
    const claims = [
      { address: ip('8.8.8.8'), len: 32, lan: 1 },
      { address: other.addresses[0]!, len: 24, lan: 1 },
      ...HELD,
    ]
    e.receive(1, 0, PEER_ADDR[0]!, claim(0, claims))
    t.same(e.view().peers.find((p) => p.id === PEER)?.services, HELD)
  },
)

t.test(
  "a restart forgets the old run's claims; a v1 copy says nothing; claims unsaid for the forget time go",
  async (t) => {
    const e = new Engine({ ...base, authenticated: true })
    const services = () => e.view().peers[0]?.services
    /** One interval: our INQ out, the peer's ACK (without SERVICE: an ACK-only holder) back. */
    const round = (now: number, boot = 9) => {
      const seq = sends(e.tick(now))[0]!.msg.seq
      const ack = ackFrom({ from: PEER, addresses: PEER_ADDR }, base.nodeId, { lan: 0, seq, boot })
      return e.receive(now + 1, 0, PEER_ADDR[0]!, ack)
    }
    e.receive(0, 0, PEER_ADDR[0]!, claim(0, HELD))
    e.receive(10, 0, PEER_ADDR[0]!, claim(0, [], { seq: 2, services: undefined, version: 1 }))
    t.same(services(), HELD, 'a v1 copy of its INQ (v1 cannot carry SERVICE) changes nothing')
    round(100)
    t.same(services(), HELD, 'an ACK without SERVICE changes nothing')
    const restarted = round(200, 10)
    t.same(services(), [], 'a new run: what the old one held is not held any more')
    t.ok(
      restarted.some((x) => x.kind === 'services'),
      'and the routes are planned again',
    )
    e.receive(250, 0, PEER_ADDR[0]!, claim(0, HELD, { seq: 9, boot: 10 }))
    let dropped: number | undefined
    for (let now = 300; now < 31_000 && dropped === undefined; now += 100) {
      round(now, 10)
      if (e.expire(now + 50).some((x) => x.kind === 'services')) dropped = now + 50
    }
    t.equal(dropped, 30_250, 'said by no packet for 30 s, the peer heard all along: dropped')
    t.same(services(), [])
  },
)
