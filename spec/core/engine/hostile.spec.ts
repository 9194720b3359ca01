// The engine on a hostile LAN (issue 11): forged addresses, sequence numbers, notices, ACKs and
// address claims from another host on a LAN, with and without a key. Each case was an attack on
// the engine before these checks.
import t from 'tap'
import { type Effect, Engine, type EngineConfig } from '../../../lib/core/engine/engine.js'
import { planPeers } from '../../../lib/core/engine/view.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { parseIPv4 } from '../../../lib/core/util/ipv4.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { ackFrom, inqFrom, type Sender } from '../../support/messages.js'
import { TWO_LANS as base, ME, PEER, PEER_ADDR } from '../../support/two-lans.js'

const ip = (s: string) => parseIPv4(s)!
/** Another host on both LANs, running no faild: the attacker. */
const EVIL_ADDR = [ip('198.18.1.66'), ip('198.18.2.66')]

const PEER_SENDER: Sender = { from: PEER, addresses: PEER_ADDR }
/** The peer's id, with the attacker's addresses: what a forger sending plain UDP has to put in. */
const FORGED: Sender = { from: PEER, addresses: EVIL_ADDR }
const ack = (s: Sender, lan: number, seq: number, over: Partial<Message> = {}): Message =>
  ackFrom(s, ME, { lan, seq, ...over })
const inq = (s: Sender, lan: number, seq: number, over: Partial<Message> = {}): Message =>
  inqFrom(s, { lan, seq, ...over })
const notice = (s: Sender, lan: number, seq: number, over: Partial<Message> = {}): Message =>
  inqFrom(s, { lan, seq, intervalMs: 0, ...over })

const links = (fx: Effect[]) => fx.filter((e) => e.kind === 'link').map((e) => `${e.lan}:${e.from}->${e.to}`)
const sends = (fx: Effect[]) => fx.flatMap((e) => (e.kind === 'send' ? [e] : []))
const drops = (fx: Effect[]) => fx.flatMap((e) => (e.kind === 'drop' ? [e.reason] : []))
const events = (fx: Effect[]) => fx.flatMap((x) => (x.kind === 'peer' ? [`${x.peer.toString(16)}:${x.event}`] : []))
const addressesOf = (e: Engine, id = PEER) =>
  e
    .view()
    .peers.find((p) => p.id === id)
    ?.paths.map((p) => p.address)

/** Drive a requestor one interval: tick at `now`, the peer ACKs on `ackOn`, `extra` arrive, judged at now + 50. */
function interval(e: Engine, now: number, ackOn: number[], extra: (seq: number) => Effect[] = () => []): Effect[] {
  const out = e.tick(now)
  const seq = sends(out)[0]!.msg.seq
  for (const lan of ackOn) out.push(...e.receive(now + 1, lan, PEER_ADDR[lan]!, ack(PEER_SENDER, lan, seq)))
  out.push(...extra(seq))
  return [...out, ...e.expire(now + 50)]
}

/** A requestor that has heard the peer answer on both LANs (confirmed), at time 0. */
function converged(cfg: Partial<EngineConfig> = {}): Engine {
  const e = new Engine({ ...base, ...cfg })
  interval(e, 0, [0, 1])
  return e
}

t.test(
  'an invented peer advertising an address no host on that LAN can have is dropped before any route',
  async (t) => {
    const bad = [
      '8.8.8.8', // public
      '127.0.0.1',
      '198.18.1.1', // this host's LAN A address, for LAN B
      '198.18.2.1', // this host's own LAN B address
      '198.18.2.255', // LAN B's broadcast address
      '198.18.2.0', // and its network address
      '224.0.0.251', // a multicast group
      '255.255.255.255',
      '198.18.1.50', // a LAN A host, for LAN B
    ]
    const e = new Engine(base)
    const seq = sends(e.tick(0))[0]!.msg.seq
    bad.forEach((a, n) => {
      const invented: Sender = { from: 0x1000 + n, addresses: [EVIL_ADDR[0]!, ip(a)] }
      t.same(drops(e.receive(1, 0, EVIL_ADDR[0]!, ack(invented, 0, seq))), ['implausible-address'], `${a} for LAN B`)
    })
    const onB: Sender = { from: 0x2000, addresses: [0, ip('198.18.2.255')] }
    t.same(
      drops(e.receive(1, 1, ip('198.18.2.255'), inq(onB, 1, 1))),
      ['implausible-address'],
      'in any packet, on any LAN',
    )
    t.same(e.view().peers, [], 'no peer, so no path and no route')
    const none: Sender = { from: 0x3000, addresses: [EVIL_ADDR[0]!, 0] }
    t.same(drops(e.receive(2, 0, EVIL_ADDR[0]!, ack(none, 0, seq))), [], '0: no address on that LAN, allowed')
  },
)

t.test('a known peer advertising an implausible address later: the whole packet is dropped', async (t) => {
  const e = converged()
  const seq = sends(e.tick(100))[0]!.msg.seq
  const odd: Sender = { from: PEER, addresses: [PEER, ip('198.18.2.255')] }
  t.same(drops(e.receive(101, 0, PEER, ack(odd, 0, seq))), ['implausible-address'], 'before it counts as an answer')
  t.same(addressesOf(e), PEER_ADDR)
  t.same(drops(e.receive(102, 0, PEER, ack(PEER_SENDER, 0, seq))), [], 'its genuine packets still count')
})

t.test('without a key, one forged INQ far ahead does not shut the peer out', async (t) => {
  // Sent from the peer's own address (a raw socket): the only way past not-the-peer.
  const e = new Engine({ ...base, requestor: false })
  e.receive(0, 0, PEER, inq(PEER_SENDER, 0, 5))
  t.same(drops(e.receive(10, 0, PEER, inq(PEER_SENDER, 0, 5 + 0x40000000))), [], 'the forged one is answered, as any')
  const next = e.receive(100, 0, PEER, inq(PEER_SENDER, 0, 6))
  t.same(drops(next), [], 'the next genuine INQ is not taken for a replay')
  t.equal(sends(next).length, 1, 'and is answered')
  t.same(drops(e.receive(101, 0, PEER, inq(PEER_SENDER, 0, 6))), ['duplicate-inq'], 'an exact repeat is still dropped')
  let missed: string[] = []
  for (let now = 200, seq = 7; now < 1000; now += 100, seq++) {
    missed = missed.concat(links(e.receive(now, 0, PEER, inq(PEER_SENDER, 0, seq))), links(e.expire(now + 30)))
  }
  t.notOk(missed.includes('0:up->down'), 'LAN A never goes down')
})

t.test('with a key, an INQ or a notice not newer than the last of the run on that LAN is a replay', async (t) => {
  const e = new Engine({ ...base, requestor: false, authenticated: true })
  e.receive(0, 0, PEER, inq(PEER_SENDER, 0, 10))
  e.receive(0, 1, PEER_ADDR[1]!, inq(PEER_SENDER, 1, 10))
  const offline = notice(PEER_SENDER, 1, 11, { outOfService: 0b01 })
  t.same(links(e.receive(50, 1, PEER_ADDR[1]!, offline)), ['0:up->down'], 'the genuine notice: LAN A offline')
  t.same(drops(e.receive(51, 1, PEER_ADDR[1]!, offline)), ['replayed'], 'the same notice again')
  t.same(links(e.receive(100, 1, PEER_ADDR[1]!, inq(PEER_SENDER, 1, 12))), ['0:down->up'], 'back online')
  e.receive(100, 0, PEER, inq(PEER_SENDER, 0, 12))
  for (let now = 200, seq = 13; now <= 900; now += 100, seq++) {
    e.receive(now, 0, PEER, inq(PEER_SENDER, 0, seq))
    e.receive(now, 1, PEER_ADDR[1]!, inq(PEER_SENDER, 1, seq))
    e.expire(now + 30)
  }
  const replay = e.receive(950, 1, PEER_ADDR[1]!, offline) // captured at 50, replayed 900 ms later
  t.same(drops(replay), ['replayed'], 'a captured notice replayed later')
  t.same(links(replay), [], 'and the path stays up')
  t.same(drops(e.receive(960, 0, PEER, inq(PEER_SENDER, 0, 15))), ['replayed'], 'an older INQ')
  t.same(drops(e.receive(961, 0, PEER, inq(PEER_SENDER, 0, 20))), ['duplicate-inq'], "the last one's copy")
  t.same(drops(e.receive(962, 0, PEER, notice(PEER_SENDER, 0, 20))), ['replayed'], 'a notice with its number')
  t.same(drops(e.receive(963, 0, PEER, notice(PEER_SENDER, 0, 21))), [], 'the next number is taken, INQ or notice')
})

t.test('with a key, a replayed ACK counts once, in its own round: it cannot keep a dead path up', async (t) => {
  const e = converged({ authenticated: true })
  const seq = sends(e.tick(100))[0]!.msg.seq
  const captured = ack(PEER_SENDER, 0, seq)
  t.same(drops(e.receive(101, 0, PEER, captured)), [], 'the genuine ACK')
  t.same(drops(e.receive(102, 0, PEER, captured)), ['duplicate-ack'], 'replayed in its round')
  e.expire(150)
  t.same(drops(e.receive(160, 0, PEER, captured)), ['late-ack'], 'replayed after it')
  // LAN A dies; the attacker replays every ACK it captured, and each new round gets one.
  let seen: string[] = []
  for (let now = 200; now < 600; now += 100) {
    seen = seen.concat(links(interval(e, now, [1], () => e.receive(now + 2, 0, PEER, captured))))
  }
  t.same(seen, ['0:up->down'], 'LAN A goes down after failAfter rounds, as without the replays')
})

t.test('a forged ACK from another address does not count: a dead path goes down', async (t) => {
  const e = converged()
  let seen: string[] = []
  const forged: string[] = []
  for (let now = 100; now < 500; now += 100) {
    const fx = interval(e, now, [1], (seq) => e.receive(now + 2, 0, EVIL_ADDR[0]!, ack(FORGED, 0, seq)))
    seen = seen.concat(links(fx))
    forged.push(...drops(fx))
  }
  t.same(seen, ['0:up->down'])
  t.same(forged, ['not-the-peer', 'not-the-peer', 'not-the-peer', 'not-the-peer'])
  t.same(addressesOf(e), PEER_ADDR, 'and the peer keeps its addresses')
})

t.test('a forged notice or down list from another address names the peer and changes nothing', async (t) => {
  const e = converged()
  const forgedNotice = notice(FORGED, 0, 1_000_000, { outOfService: 0b01 })
  const fx = e.receive(60, 0, EVIL_ADDR[0]!, forgedNotice)
  t.same(drops(fx), ['not-the-peer'])
  t.same(links(fx), [])
  const downList = inq(FORGED, 1, 1_000_001, { down: [ME] })
  t.same(drops(e.receive(61, 1, EVIL_ADDR[1]!, downList)), ['not-the-peer'], 'on LAN B too')
  t.same(addressesOf(e), PEER_ADDR)
  t.same(
    planPeers(e.view())[0]!.lans.map((l) => l.state),
    [LinkState.Up, LinkState.Up],
  )
})

t.test('flap damping never holds a path down for forged packets, nor moves its address', async (t) => {
  const damping = { enabled: true, flaps: 3, halfLifeMs: 2000, maxHoldMs: 60_000 }
  const e = converged({ damping })
  let fx: Effect[] = []
  // Eight forged "LAN A out of service" notices from the attacker, each followed by genuine rounds.
  for (let i = 0, now = 100; i < 8; i++, now += 200) {
    fx = fx.concat(e.receive(now, 0, EVIL_ADDR[0]!, notice(FORGED, 0, 5000 + i, { outOfService: 0b01 })))
    fx = fx.concat(interval(e, now + 10, [0, 1]), interval(e, now + 110, [0, 1]))
  }
  t.same(links(fx), [], 'no path moved')
  t.notOk(
    fx.some((x) => x.kind === 'damped'),
    'nothing held down',
  )
  t.equal(drops(fx).filter((r) => r === 'not-the-peer').length, 8)
  t.same(addressesOf(e), PEER_ADDR, "the routes' next hops are still the peer's")
  // Sent from the peer's own LAN A address (a raw socket), advertising the attacker's LAN B address.
  const spoofed: Sender = { from: PEER, addresses: [PEER, EVIL_ADDR[1]!] }
  const moved = e.receive(1800, 0, PEER, notice(spoofed, 0, 9000, { outOfService: 0b10 }))
  t.same(addressesOf(e), PEER_ADDR, 'an address the peer is heard from on a live LAN is not replaced')
  t.same(links(moved), ['1:up->down'], '(the spoofed notice itself still takes LAN B down: no key)')
})

t.test('a known peer changes an address only where it has been silent for failAfter intervals', async (t) => {
  const e = converged()
  const moved = [PEER, ip('198.18.2.9')]
  const reAddressed: Sender = { from: PEER, addresses: moved }
  t.same(drops(e.receive(60, 1, moved[1]!, inq(reAddressed, 1, 1))), ['not-the-peer'], 'on LAN B, from the new address')
  e.receive(61, 0, PEER, inq(reAddressed, 0, 1))
  t.same(addressesOf(e), PEER_ADDR, 'nor from the peer on LAN A while LAN B is live')
  let now = 100
  for (; now < 400; now += 100) interval(e, now, [0])
  e.receive(now, 0, PEER, inq(reAddressed, 0, 2))
  t.same(addressesOf(e), moved, 'LAN B silent for more than 3 intervals: the re-addressed host is taken')
  t.same(drops(e.receive(now + 1, 1, moved[1]!, inq(reAddressed, 1, 2))), [], 'and heard at its new address')
})

t.test('a peer silent everywhere may come back from new addresses (restarted, re-addressed)', async (t) => {
  const e = converged()
  const moved: Sender = { from: PEER, addresses: [ip('198.18.1.9'), ip('198.18.2.9')], boot: 10 }
  t.same(drops(e.receive(300, 0, moved.addresses[0]!, inq(moved, 0, 1))), ['not-the-peer'], 'not while it is live')
  const back = e.receive(302, 0, moved.addresses[0]!, inq(moved, 0, 1))
  t.same(drops(back), [])
  t.same(events(back), ['c6120102:restarted'])
  t.same(addressesOf(e), moved.addresses)
})

t.test('a claim of a confirmed peer address by another id is dropped, not a reason to forget it', async (t) => {
  const e = converged()
  const claims: Effect[] = []
  for (let n = 0; n < 50; n++) {
    const invented: Sender = { from: 0x1000 + n, addresses: [ip(`198.18.1.${100 + n}`), PEER_ADDR[1]!] }
    claims.push(...e.receive(10 + n, 0, invented.addresses[0]!, inq(invented, 0, 1)))
  }
  t.same(new Set(drops(claims)), new Set(['address-claimed']), "LAN B address of the peer, from LAN A's hosts")
  t.same(events(claims), [], 'nobody discovered, nobody forgotten')
  t.same(addressesOf(e), PEER_ADDR)
  const seen = interval(e, 100, [0, 1])
  t.same(links(seen), [], 'the peer is undisturbed')
})

t.test('the same host under a new node id takes the addresses once the old id is silent everywhere', async (t) => {
  const e = converged()
  const renamed: Sender = { from: 0x77, addresses: PEER_ADDR }
  t.same(drops(e.receive(300, 0, PEER, inq(renamed, 0, 1))), ['address-claimed'])
  const fx = e.receive(302, 0, PEER, inq(renamed, 0, 1))
  t.same(events(fx), ['77:discovered', 'c6120102:forgotten'])
  t.same(addressesOf(e, 0x77), PEER_ADDR)
})

t.test('a full table: a flood of invented ids neither evicts nor refuses a confirmed peer', async (t) => {
  const e = converged({ maxPeers: 4 })
  const flood: Effect[] = []
  for (let n = 0; n < 200; n++) {
    const invented: Sender = { from: 0x1000 + n, addresses: [ip(`198.18.1.${20 + (n % 200)}`), 0] }
    flood.push(...e.receive(60 + n / 10, 0, invented.addresses[0]!, inq(invented, 0, 1)))
  }
  t.notOk(events(flood).includes('c6120102:forgotten'), 'the peer is never forgotten')
  t.same(drops(flood), [], 'newcomers evict the oldest unconfirmed, they are not refused')
  t.equal(e.view().peers.length, 4, 'bounded')
  const newcomer: Sender = { from: 0x55, addresses: [ip('198.18.1.55'), ip('198.18.2.55')] }
  const seq = sends(e.tick(100))[0]!.msg.seq
  const real = e.receive(101, 0, newcomer.addresses[0]!, ack(newcomer, 0, seq))
  t.same(drops(real), [], 'a real new peer gets in during the flood')
  t.same(links(e.receive(101, 0, PEER, ack(PEER_SENDER, 0, seq))), [], 'and the known one is still up')
  t.ok(
    e.view().peers.some((p) => p.id === 0x55),
    'and stays',
  )
  const more: Effect[] = []
  for (let n = 0; n < 10; n++) {
    const invented: Sender = { from: 0x3000 + n, addresses: [ip(`198.18.1.${230 + n}`), 0] }
    more.push(...e.receive(102, 0, invented.addresses[0]!, inq(invented, 0, 1)))
  }
  t.notOk(events(more).includes('55:forgotten'), 'the confirmed newcomer stays')
})

t.test('a real newcomer evicted by a flood before its next LAN comes back confirmed, and stays', async (t) => {
  const e = converged({ maxPeers: 4 })
  const flood = (now: number, first: number) => {
    const out: Effect[] = []
    for (let n = 0; n < 20; n++) {
      const invented: Sender = { from: first + n, addresses: [ip(`198.18.1.${100 + n}`), 0] }
      out.push(...e.receive(now, 0, invented.addresses[0]!, inq(invented, 0, 1)))
    }
    return out
  }
  const real: Sender = { from: 0x55, addresses: [ip('198.18.1.55'), ip('198.18.2.55')] }
  e.receive(60, 0, real.addresses[0]!, inq(real, 0, 1))
  t.ok(events(flood(60, 0x1000)).includes('55:forgotten'), 'evicted by the flood after its INQ on LAN A')
  e.receive(60, 1, real.addresses[1]!, inq(real, 1, 1))
  const later = flood(61, 0x2000)
  t.notOk(events(later).includes('55:forgotten'), 'heard on LAN B: back, confirmed, never evicted again')
  t.ok(
    e.view().peers.some((p) => p.id === 0x55),
    'still a peer',
  )
  const once: Sender = { from: 0x66, addresses: [ip('198.18.1.66'), 0] }
  e.receive(62, 0, once.addresses[0]!, inq(once, 0, 1))
  flood(62, 0x3000)
  e.receive(63, 0, once.addresses[0]!, inq(once, 0, 2))
  t.ok(events(flood(63, 0x4000)).includes('66:forgotten'), 'one heard on one LAN only is not confirmed by coming back')
})

t.test('a table full of confirmed peers refuses newcomers', async (t) => {
  const e = converged({ maxPeers: 1 })
  const other: Sender = { from: 0x55, addresses: [ip('198.18.1.55'), ip('198.18.2.55')] }
  t.same(drops(e.receive(60, 0, other.addresses[0]!, inq(other, 0, 1))), ['peer-table-full'])
})

t.test('a responder confirms a peer heard on two LANs, or on upAfter INQs in a row', async (t) => {
  const e = new Engine({ ...base, requestor: false, maxPeers: 3 })
  const host = (n: number): Sender => ({ from: 0x100 + n, addresses: [ip(`198.18.1.${n}`), ip(`198.18.2.${n}`)] })
  const hear = (now: number, s: Sender, lan: number, seq = 1) =>
    e.receive(now, lan, s.addresses[lan]!, inq(s, lan, seq))
  hear(0, host(10), 0)
  hear(0, host(10), 1) // two LANs
  hear(0, host(11), 0)
  hear(100, host(11), 0, 2) // upAfter (2) INQs in a row on LAN A
  hear(100, host(12), 0) // one INQ: a passer-by
  const fx = [...hear(101, host(13), 0), ...hear(102, host(14), 0)]
  t.same(events(fx), ['10c:forgotten', '10d:discovered', '10d:forgotten', '10e:discovered'])
})

t.test('no reflection: to addresses not confirmed, never more bytes than came from them', async (t) => {
  const { encode } = await import('../../../lib/core/wire/codec.js')
  const e = new Engine(base)
  const received = new Map<number, number>()
  const sent = new Map<number, number>()
  const add = (m: Map<number, number>, k: number, n: number) => m.set(k, (m.get(k) ?? 0) + n)
  const unicast = (fx: Effect[]) => {
    for (const s of sends(fx)) if (s.to !== 'broadcast') add(sent, s.to, encode(s.msg).length)
  }
  // 200 invented peers on LAN A, each naming a third host's address as its own, one INQ each
  // (the shortest: one LAN), then silent: their paths go down, which used to send each a notice
  // carrying the whole down list.
  for (let i = 0; i < 200; i++) {
    const victim = ip(`198.18.1.${10 + (i % 40)}`)
    const m = inqFrom({ from: 0x0a000000 + i, addresses: [victim] }, { lan: 0, seq: 1 })
    add(received, victim, encode(m).length)
    unicast(e.receive(i, 0, victim, m))
  }
  for (let now = 200; now < 3000; now += 100) unicast([...e.tick(now), ...e.expire(now + 50)])
  for (const [to, bytes] of sent)
    t.ok(bytes <= (received.get(to) ?? 0), `${to}: sent ${bytes}, got ${received.get(to)}`)
})
