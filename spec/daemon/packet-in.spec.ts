// Packet ingress of lib/daemon/packet-in.ts: what is rejected never spends a sender's rate budget.
import t from 'tap'
import { RateLimiter } from '../../lib/core/util/rate-limit.js'
import { encode } from '../../lib/core/wire/codec.js'
import type { Message, WireKey } from '../../lib/core/wire/message.js'
import { fromV1 } from '../../lib/core/wire/v1-bridge.js'
import { encodeV2 } from '../../lib/core/wire/v2.js'
import { Drops } from '../../lib/daemon/drops.js'
import { PacketIn } from '../../lib/daemon/packet-in.js'
import { WireVersions } from '../../lib/daemon/wire-versions.js'
import { capturingLogger } from '../support/capturing-logger.js'
import { ackFrom, inqFrom } from '../support/messages.js'

const PEER = { from: 0xc6120102, addresses: [0xc6120102, 0xc6120202] }
const KEY: WireKey = { id: 7, secret: Buffer.from('the cluster key, long enough') }
/** This host: 198.18.1.1/24 on LAN A, 198.18.2.1/24 on LAN B. */
const OWN = [
  { address: 0xc6120101, prefixLen: 24, nameTag: 0 },
  { address: 0xc6120201, prefixLen: 24, nameTag: 0 },
]
const OTHER: WireKey = { id: 7, secret: Buffer.from('an attacker guessing the key') }

/** This host's ingress with `keys`; the rate limiter keeps `sources` senders, the engine `maxPeers` peers. */
function ingress(keys: readonly WireKey[], sources = 64, maxPeers = 4096, own = OWN) {
  const { log } = capturingLogger()
  const drops = new Drops(log, () => 'A', false)
  const accepted: Message[] = []
  const limiter = new RateLimiter({ rate: 10, burst: 10, maxSources: sources })
  const versions = new WireVersions(2, () => 30_000)
  const packets = new PacketIn(
    {
      log,
      drops,
      label: () => 'A',
      own,
      versions,
      wireVersion: () => 2,
      accept: (_n, _l, _s, m) => void accepted.push(m),
      takesRoutine: () => false,
      takeRoutine: () => {},
      nodeId: 0xc6120101,
      maxPeers: () => maxPeers,
    },
    limiter,
    keys,
    false,
  )
  return { packets, drops, accepted, versions }
}

t.test('with a key, junk and forged packets from a peer address leave the peer its whole budget', async (t) => {
  const { packets, drops, accepted } = ingress([KEY])
  const src = PEER.addresses[0]!
  for (let i = 0; i < 400; i++) packets.receive(0, 0, src, Buffer.from([1, 2, 3, 4]))
  for (let i = 0; i < 400; i++) packets.receive(0, 0, src, encode(inqFrom(PEER, { seq: i }), OTHER))
  for (let i = 0; i < 10; i++) packets.receive(0, 0, src, encode(inqFrom(PEER, { seq: 1000 + i }), KEY))
  t.equal(accepted.length, 10, 'every genuine packet of the burst let in')
  t.same(Object.fromEntries(drops.counts), { ERR_TOO_SHORT: 400, ERR_BAD_AUTH: 400 }, 'the rest dropped and counted')
  packets.receive(0, 0, src, encode(inqFrom(PEER, { seq: 2000 }), KEY))
  t.equal(drops.counts.get('rate-limited'), 1, "past its own burst, the peer's packets are limited")
})

t.test('with a key, the budget is the authenticated sender, whatever its source address', async (t) => {
  const { packets, accepted, drops } = ingress([KEY])
  const other = { from: 0xc6120103, addresses: [0xc6120103, 0xc6120203] }
  // Both from one address (a NAT, or a spoofer replaying): separate budgets.
  for (let i = 0; i < 10; i++) {
    packets.receive(0, 0, PEER.addresses[0]!, encode(inqFrom(PEER, { seq: i }), KEY))
    packets.receive(0, 0, PEER.addresses[0]!, encode(inqFrom(other, { seq: i }), KEY))
  }
  t.equal(accepted.length, 20)
  t.equal(drops.total, 0)
})

t.test('without a key, garbage is rejected before the source is charged', async (t) => {
  const { packets, accepted, drops } = ingress([])
  const src = PEER.addresses[0]!
  for (let i = 0; i < 100; i++) packets.receive(0, 0, src, Buffer.from('GET / HTTP/1.1\r\nHost: faild.example\r\n\r\n'))
  for (let i = 0; i < 10; i++) packets.receive(0, 0, src, encode(inqFrom(PEER, { seq: i })))
  t.equal(accepted.length, 10)
  t.same(Object.fromEntries(drops.counts), { ERR_BAD_MAGIC: 100 })
})

t.test('with a key, captured packets replayed share one budget and leave the peer its own', async (t) => {
  const { packets, accepted, drops } = ingress([KEY])
  const src = PEER.addresses[0]!
  const captured = [0, 1, 2].map((seq) => encode(inqFrom(PEER, { seq }), KEY))
  for (const p of captured) packets.receive(0, 0, src, p)
  for (let i = 0; i < 400; i++) packets.receive(0, 0, src, captured[i % 3]!)
  for (let i = 0; i < 7; i++) packets.receive(0, 0, src, encode(inqFrom(PEER, { seq: 10 + i }), KEY))
  t.equal(
    accepted.filter((m) => m.seq >= 10).length,
    7,
    'every new genuine packet let in: the burst less the 3 captured',
  )
  t.equal(drops.counts.get('rate-limited'), 400 - 10, 'the replays beyond their own burst are limited')
  const fresh = ingress([KEY])
  fresh.packets.receive(0, 0, src, encode(inqFrom({ ...PEER, boot: 10 }, { seq: 1 }), KEY))
  fresh.packets.receive(0, 0, src, encode(inqFrom({ ...PEER, boot: 11 }, { seq: 0 }), KEY))
  for (let i = 0; i < 20; i++) fresh.packets.receive(0, 0, src, encode(inqFrom({ ...PEER, boot: 10 }, { seq: 5 }), KEY))
  t.equal(fresh.drops.counts.get('rate-limited'), 10, "a restarted peer's packets are new; its old run's are replays")
})

t.test(
  "with a key, a peer's ACK to another host replayed here moves neither its replay record nor its budget",
  async (t) => {
    const { packets, accepted, drops } = ingress([KEY])
    const src = PEER.addresses[0]!
    const ack = (to: number, seq: number) => encode(ackFrom(PEER, to, { seq }), KEY)
    // Captured on the LAN: the peer's ACK to 198.18.1.3 for its round 0x7fff0000, far ahead of ours.
    for (let i = 0; i < 20; i++) packets.receive(0, 0, src, ack(0xc6120103, 0x7fff0000 + i))
    t.equal(drops.counts.get('not-for-us'), 20, 'dropped as not for us')
    for (let seq = 1; seq <= 10; seq++) packets.receive(0, 0, src, ack(0xc6120101, seq))
    t.equal(accepted.length, 10, 'its ACKs to us, for our rounds 1-10, are new and within its budget')
    t.equal(drops.counts.get('rate-limited'), undefined)
  },
)

t.test(
  'with a key, 2100 peers on two LANs: the replay record holds them all, so no replay passes for new',
  async (t) => {
    // This host on two /16s, 198.18.0.1 and 198.19.0.1: room for 2100 peers.
    const own = [0xc6120001, 0xc6130001].map((address) => ({ address, prefixLen: 16, nameTag: 0 }))
    const { packets, accepted, drops } = ingress([KEY], 4096, 2100, own)
    const peer = (i: number) => ({ from: 0xc6121000 + i, addresses: [0xc6121000 + i, 0xc6131000 + i] })
    const inq = (i: number, lan: number, seq: number) => encode(inqFrom(peer(i), { lan, seq }), KEY)
    const captured = inq(0, 0, 1)
    for (let seq = 1; seq <= 2; seq++)
      for (let i = 0; i < 2100; i++)
        for (const lan of [0, 1]) packets.receive(0, lan, peer(i).addresses[lan]!, inq(i, lan, seq))
    t.equal(accepted.length, 8400)
    for (let n = 0; n < 20; n++) packets.receive(0, 0, peer(0).addresses[0]!, captured)
    packets.receive(0, 0, peer(0).addresses[0]!, inq(0, 0, 3))
    t.equal(accepted.at(-1)?.seq, 3, "the peer's next INQ is let in: the replays spent only their own budget")
    t.equal(drops.counts.get('rate-limited'), 20 - 10, 'the replays beyond their own burst are limited')
  },
)

t.test('with a key, a sequence that wraps past 2^32 is new, not a replay', async (t) => {
  const { packets, accepted, drops } = ingress([KEY])
  const send = (seq: number) => packets.receive(0, 0, PEER.addresses[0]!, encode(inqFrom(PEER, { seq }), KEY))
  for (let i = -5; i < 0; i++) send(i >>> 0)
  for (let i = 0; i < 20; i++) send(0xfffffffb) // replays: they use up the bucket replays share
  for (let i = 0; i < 5; i++) send(i)
  t.equal(drops.counts.get('rate-limited'), 10, 'only the replays beyond their own burst')
  t.equal(accepted.length, 20, "the five after the wrap went on the peer's own budget")
})

t.test("either wire version, in this host's LAN order; v1 copies of a v2 sender are ignored", async (t) => {
  const { packets, drops, accepted, versions } = ingress([])
  // The peer lists its LANs the other way round: its slot 0 is our LAN B.
  const swapped = { from: PEER.from, addresses: [PEER.addresses[1]!, PEER.addresses[0]!] }
  const inq = inqFrom(swapped, { seq: 5, lan: 1 })
  packets.receive(0, 0, PEER.addresses[0]!, encodeV2(fromV1(inq)))
  t.match(accepted[0], { kind: 'inq', lan: 0, addresses: PEER.addresses, version: 2, seq: 5 }, 'paired by subnet')
  t.equal(accepted[0]!.bytes, encodeV2(fromV1(inq)).length, 'its size kept for the answer bound')
  packets.receive(1, 0, PEER.addresses[0]!, encode(inq))
  t.equal(accepted.length, 1, 'the v1 copy from the same sender and boot is ignored')
  t.equal(versions.copies, 1)
  t.notOk(versions.v1Heard(0, 1), 'and not taken for a v1 host')
  const v1Host = { from: 0xc6120103, addresses: [0xc6120103, 0xc6120203] }
  packets.receive(2, 0, v1Host.addresses[0]!, encode(inqFrom(v1Host, { seq: 1 })))
  t.match(accepted[1], { from: v1Host.from, lan: 0, version: 1 })
  t.ok(versions.v1Heard(0, 3), 'a v1 host heard on LAN A')
  t.notOk(versions.v1Heard(1, 3), 'not on LAN B')
  const stranger = { from: 0xc6120104, addresses: [0xc6130104, 0xc6140104] }
  packets.receive(3, 0, stranger.addresses[0]!, encodeV2(fromV1(inqFrom(stranger, { seq: 1 }))))
  t.equal(drops.counts.get('unpaired-lan'), 1, 'a sending LAN in none of our subnets is dropped')
})

t.test(
  "with a key, a replay of a v2 sender's earlier run does not make its v1 copies pass for a v1 host",
  async (t) => {
    const { packets, accepted, versions } = ingress([KEY])
    const src = PEER.addresses[0]!
    const v2 = (boot: number, seq: number) => encodeV2(fromV1(inqFrom({ ...PEER, boot }, { seq })), KEY)
    const v1 = (boot: number, seq: number) => encode(inqFrom({ ...PEER, boot }, { seq }), KEY)
    const captured = v2(10, 7) // on the LAN before the peer restarted
    packets.receive(0, 0, src, captured)
    packets.receive(1, 0, src, v2(11, 1))
    packets.receive(2, 0, src, v1(11, 1))
    t.equal(versions.copies, 1, 'the v1 copy of its new run is ignored')
    packets.receive(3, 0, src, captured)
    packets.receive(4, 0, src, v1(11, 2))
    t.equal(versions.copies, 2, 'and still is after the replay')
    t.notOk(versions.v1Heard(0, 5), 'no v1 host heard')
    t.same(
      accepted.map((m) => [m.boot, m.seq, m.version]),
      [
        [10, 7, 2],
        [11, 1, 2],
        [10, 7, 2],
      ],
      'the replay goes on to the engine (which drops an earlier run), the copies do not',
    )
  },
)

t.test('our own v1 copy looped back by the kernel is no v1 host heard', async (t) => {
  const { packets, drops, versions } = ingress([])
  const me = { from: 0xc6120101, addresses: [0xc6120101, 0xc6120201] }
  packets.receive(0, 0, me.addresses[0]!, encode(inqFrom(me, { seq: 1 })))
  t.notOk(versions.v1Heard(0, 1), 'v1 copies stop once the last v1 host is gone')
  t.equal(drops.counts.get('looped-back'), 1)
})
