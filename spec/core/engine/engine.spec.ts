// The failover engine of lib/core/engine/engine.ts under virtual time: requestor and responder detection,
// one-way failures, genuine-answer checks, pauses and peer lifecycle.
import t from 'tap'
import { type Effect, Engine } from '../../../lib/core/engine/engine.js'
import { gatewayState, planPeers } from '../../../lib/core/engine/view.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { ackFrom, inqFrom } from '../../support/messages.js'
import { TWO_LANS as base, ME, MY_ADDR, PEER, PEER_ADDR } from '../../support/two-lans.js'

const PEER_SENDER = { from: PEER, addresses: PEER_ADDR }
const ack = (lan: number, seq: number, over: Partial<Message> = {}): Message =>
  ackFrom(PEER_SENDER, ME, { lan, seq, ...over })
const inq = (lan: number, seq: number, over: Partial<Message> = {}): Message =>
  inqFrom(PEER_SENDER, { lan, seq, ...over })

const links = (fx: Effect[]) => fx.filter((e) => e.kind === 'link').map((e) => `${e.lan}:${e.from}->${e.to}`)
const sends = (fx: Effect[]) => fx.flatMap((e) => (e.kind === 'send' ? [e] : []))
const drops = (fx: Effect[]) => fx.flatMap((e) => (e.kind === 'drop' ? [e.reason] : []))

/** Drive a requestor one interval: tick at `now`, deliver ACKs on the given LANs, judge at now + 50. */
function interval(e: Engine, now: number, ackOn: number[]): Effect[] {
  const out = e.tick(now)
  const seq = sends(out)[0]!.msg.seq
  for (const lan of ackOn) out.push(...e.receive(now + 1, lan, PEER_ADDR[lan]!, ack(lan, seq)))
  return [...out, ...e.expire(now + 50)]
}

t.test('requestor broadcasts one INQ per LAN carrying its interval and addresses', async (t) => {
  const e = new Engine(base)
  const out = sends(e.tick(0))
  t.same(
    out.map((s) => [s.lan, s.to, s.msg.kind, s.msg.seq, s.msg.intervalMs, s.msg.addresses]),
    [
      [0, 'broadcast', 'inq', 1, 100, MY_ADDR],
      [1, 'broadcast', 'inq', 1, 100, MY_ADDR],
    ],
  )
  t.equal(e.nextDeadline(), 50, 'ACK timeout is half the interval before any RTT sample')
})

t.test('requestor: f missed ACKs take a path down, s good ACKs bring it back', async (t) => {
  const e = new Engine(base)
  const first = interval(e, 0, [0, 1])
  t.same(
    first.filter((x) => x.kind === 'peer').map((x) => x.kind === 'peer' && x.event),
    ['discovered'],
  )
  t.same(links(first), ['0:unknown->up', '1:unknown->up'])
  t.same(links(interval(e, 100, [1])), [], 'one miss is not enough')
  t.same(links(interval(e, 200, [1])), [])
  t.same(links(interval(e, 300, [1])), ['0:up->down'], 'the third miss in a row takes LAN A down')
  const next = sends(e.tick(400))
  t.same(
    next.map((s) => s.msg.down),
    [[PEER], []],
    'INQs on LAN A now tell the peer we do not hear it',
  )
  e.expire(450)
  t.same(links(interval(e, 500, [0, 1])), [])
  t.same(links(interval(e, 600, [0, 1])), ['0:down->up'], 'two good in a row bring it back')
})

t.test('the ACK timeout follows the measured round-trip time, with a floor', async (t) => {
  const e = new Engine(base)
  interval(e, 0, [0, 1])
  e.tick(100)
  t.equal(e.nextDeadline(), 110, 'a 1 ms RTT gives the 10 ms floor')
})

t.test('a round every asked peer answered sets no deadline; one still owed an ACK does, and is judged', async (t) => {
  const e = new Engine(base)
  interval(e, 0, [0, 1])
  e.tick(100)
  t.equal(e.nextDeadline(), 110, 'both rounds owe an ACK')
  e.receive(101, 0, PEER_ADDR[0]!, ack(0, 2))
  t.equal(e.nextDeadline(), 110, 'LAN B still does')
  e.receive(101, 1, PEER_ADDR[1]!, ack(1, 2))
  t.ok(e.nextDeadline() > 1000, `nothing to judge until the peer's forget time (${e.nextDeadline()})`)
  t.same(drops(e.receive(102, 1, PEER_ADDR[1]!, ack(1, 2))), ['duplicate-ack'], 'a second copy is still a duplicate')
  e.tick(200)
  e.receive(201, 0, PEER_ADDR[0]!, ack(0, 3))
  t.equal(e.nextDeadline(), 210)
  e.expire(210)
  t.same(
    e.view().peers[0]!.paths.map((p) => p.missed),
    [0, 1],
    'the round LAN B owed is judged: one miss',
  )
})

t.test('only genuine answers count', async (t) => {
  const e = new Engine(base)
  e.tick(0)
  const cases: Array<[string, number, number, Message, string[]]> = [
    ['ACK for another requestor', 0, PEER_ADDR[0]!, ack(0, 1, { to: 0xc6120109 } as Partial<Message>), ['not-for-us']],
    ['ACK for an INQ never sent', 0, PEER_ADDR[0]!, ack(0, 7), ['late-ack']],
    ['source address not the one advertised', 0, 0xc6120163, ack(0, 1), ['spoofed-source']],
    ['packet for LAN B arriving on LAN A', 0, PEER_ADDR[1]!, ack(1, 1), ['wrong-lan']],
    ['our own broadcast looped back', 0, MY_ADDR[0]!, inq(0, 1, { from: ME, addresses: MY_ADDR }), []],
    ['another host using our node id', 0, PEER_ADDR[0]!, inq(0, 1, { from: ME }), ['id-clash']],
  ]
  for (const [name, lan, src, msg, want] of cases) t.same(drops(e.receive(1, lan, src, msg)), want, name)
  t.same(drops(e.receive(1, 0, PEER_ADDR[0]!, ack(0, 1))), [], 'the real ACK counts')
  t.same(drops(e.receive(1, 0, PEER_ADDR[0]!, ack(0, 1))), ['duplicate-ack'], 'once')
  e.expire(50)
  t.same(drops(e.receive(60, 1, PEER_ADDR[1]!, ack(1, 1))), ['late-ack'], 'an ACK after its deadline is not good')
  const responder = new Engine({ ...base, requestor: false })
  t.same(drops(responder.receive(1, 0, PEER_ADDR[0]!, ack(0, 1))), ['unsolicited-ack'])
})

t.test('a peer discovered after an INQ went out is not judged for that INQ', async (t) => {
  const e = new Engine(base)
  e.tick(0)
  e.receive(10, 0, PEER_ADDR[0]!, inq(0, 5))
  t.same(links(e.expire(50)), [])
})

t.test('responder: answers every INQ on the same LAN and counts overdue INQs as missed', async (t) => {
  const e = new Engine({ ...base, requestor: false })
  const out = e.receive(0, 0, PEER_ADDR[0]!, inq(0, 5))
  const [reply] = sends(out)
  t.same(
    [reply?.lan, reply?.to, reply?.msg.kind, reply?.msg.seq, reply?.msg.intervalMs],
    [0, PEER_ADDR[0], 'ack', 5, 0],
  )
  t.same(links(out), ['0:unknown->up'])
  t.equal(e.nextDeadline(), 120, 'next INQ due after the interval plus a 20% grace')
  e.receive(1, 1, PEER_ADDR[1]!, inq(1, 5))
  let missed: string[] = []
  for (let now = 100, seq = 6; now < 1000; now += 100, seq++) {
    missed = missed.concat(links(e.receive(now, 1, PEER_ADDR[1]!, inq(1, seq))), links(e.expire(now + 30)))
  }
  t.same(missed, ['0:up->down'], 'LAN A silent, LAN B alive: only A goes down')
  const ackOnA = sends(e.receive(1000, 0, PEER_ADDR[0]!, inq(0, 15)))[0]
  t.same(ackOnA?.msg.down, [PEER], 'an ACK on a path we hold down tells the requestor so')
})

t.test('a peer that does not hear us makes the path down at both ends (one-way loss)', async (t) => {
  const e = new Engine({ ...base, requestor: false })
  e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1))
  t.same(links(e.receive(100, 0, PEER_ADDR[0]!, inq(0, 2, { down: [ME] }))), ['0:up->down'])
  t.same(links(e.receive(200, 0, PEER_ADDR[0]!, inq(0, 3))), ['0:down->up'])
})

t.test('a daemon paused for seconds counts at most enough misses to go down, then re-arms', async (t) => {
  const e = new Engine({ ...base, requestor: false })
  e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1))
  const out = e.expire(5000)
  t.same(links(out), ['0:up->down', '1:unknown->down'], 'LAN B was expected since the first INQ, too')
  t.equal(e.nextDeadline(), 5100)
})

t.test(
  'peer lifecycle: restart, forget after silence, a new id on an unconfirmed peer address replaces it',
  async (t) => {
    const e = new Engine(base)
    const events = (fx: Effect[]) => fx.flatMap((x) => (x.kind === 'peer' ? [`${x.peer.toString(16)}:${x.event}`] : []))
    t.same(events(e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1))), ['c6120102:discovered'])
    t.same(events(e.receive(1, 0, PEER_ADDR[0]!, inq(0, 1, { boot: 10 }))), ['c6120102:restarted'])
    t.same(events(e.receive(2, 0, PEER_ADDR[0]!, inq(0, 1, { from: 0x77 }))), ['77:discovered', 'c6120102:forgotten'])
    t.same(events(e.expire(30001)), [], 'not forgotten before 30 s of silence')
    t.same(events(e.expire(30002)), ['77:forgotten'], 'forgotten after 30 s of silence')
    t.same(e.view().peers, [])
  },
)

t.test('an unknown path that never answers goes down once the peer is known elsewhere', async (t) => {
  const e = new Engine(base)
  let seen: string[] = []
  for (let i = 0; i < 4; i++) seen = seen.concat(links(interval(e, i * 100, [1])))
  t.same(seen, ['1:unknown->up', '0:unknown->down'])
  const peer = e.view().peers[0]!
  t.equal(peer.paths[0]!.observed, LinkState.Down)
})

t.test('soonestDeadline is a cheap lower bound of nextDeadline, exact after it', async (t) => {
  const e = new Engine({ ...base, requestor: false })
  t.equal(e.soonestDeadline(), Infinity)
  e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1))
  t.equal(e.soonestDeadline(), 120, 'the first INQ sets a deadline')
  e.receive(100, 0, PEER_ADDR[0]!, inq(0, 2))
  e.receive(100, 1, PEER_ADDR[1]!, inq(1, 2))
  t.equal(e.soonestDeadline(), 120, 'moving deadlines later keeps the old, conservative bound')
  t.equal(e.nextDeadline(), 220)
  t.equal(e.soonestDeadline(), 220, 'and nextDeadline() makes it exact')
})

t.test(
  'planPeers(view) carries what the planner needs: probe interval, state, last good, down and up since',
  async (t) => {
    const e = new Engine(base)
    for (let i = 0; i < 4; i++) interval(e, i * 100, i === 0 ? [0, 1] : [1])
    const [p] = planPeers(e.view())
    t.has(p, {
      intervalMs: 100,
      lans: [
        { address: PEER_ADDR[0], state: LinkState.Down, lastHeard: 1, downSince: 350, upSince: 1 },
        { address: PEER_ADDR[1], state: LinkState.Up, lastHeard: 301, downSince: -Infinity, upSince: 1 },
      ],
    })
  },
)

t.test('carrier lost on our LAN A: every path on it down at once, a notice on the other LANs', async (t) => {
  const e = new Engine(base)
  interval(e, 0, [0, 1])
  const out = e.carrier(60, 0, false)
  t.same(links(out), ['0:up->down'], 'no misses needed')
  const notices = sends(out)
  t.same(
    notices.map((n) => [n.lan, n.to, n.msg.kind, n.msg.intervalMs, n.msg.outOfService]),
    [[1, 'broadcast', 'inq', 0, 0b01]],
    'only over LANs that work',
  )
  t.same(e.carrier(61, 0, false), [], 'a repeated event changes nothing')
  t.same(
    sends(e.tick(100)).map((s) => s.msg.outOfService),
    [1, 1],
    'every packet carries the mask while the cable is out',
  )
  e.expire(150)
  const back = e.carrier(160, 0, true)
  t.same(links(back), [], 'carrier back: paths still need good packets')
  t.same(
    sends(back).map((s) => [s.lan, s.msg.outOfService]),
    [
      [0, 0],
      [1, 0],
    ],
    'and peers are told on every LAN',
  )
})

t.test('a peer without carrier on LAN A: its A path is down at once; a notice gets no answer', async (t) => {
  const e = new Engine({ ...base, requestor: false })
  e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1))
  e.receive(0, 1, PEER_ADDR[1]!, inq(1, 1))
  const out = e.receive(30, 1, PEER_ADDR[1]!, inq(1, 2, { intervalMs: 0, outOfService: 0b01 }))
  t.same(links(out), ['0:up->down'])
  t.same(sends(out), [], 'a notice is not answered')
  t.equal(e.view().peers[0]!.intervalMs, 100, "a notice does not change the peer's interval")
  t.same(links(e.receive(100, 1, PEER_ADDR[1]!, inq(1, 3))), ['0:down->up'], 'the mask clears with its next packet')
})

t.test('a peer discovered while our cable is out is down on that LAN from the start', async (t) => {
  const e = new Engine(base)
  e.carrier(0, 0, false)
  t.same(links(e.receive(10, 1, PEER_ADDR[1]!, inq(1, 1))), ['0:unknown->down', '1:unknown->up'])
})

t.test(
  'offline: every path on the LAN is down for routing at once, peers told; online restores healthy paths at once',
  async (t) => {
    const e = new Engine(base)
    interval(e, 0, [0, 1])
    const off = e.setOffline(50, 0, true)
    t.same(links(off), ['0:up->down'], 'down without a single miss')
    t.same(
      sends(off).map((s) => [s.lan, s.msg.intervalMs, s.msg.outOfService]),
      [
        [0, 0, 1],
        [1, 0, 1],
      ],
      'a notice on every LAN with carrier, LAN A out of service',
    )
    t.same(e.setOffline(51, 0, true), [], 'offline twice is nothing')
    t.same(links(interval(e, 100, [0, 1])), [], 'good ACKs on LAN A do not bring it back while offline')
    t.equal(planPeers(e.view())[0]!.lans[0]!.state, LinkState.Down)
    t.equal(sends(e.tick(200))[0]!.msg.outOfService, 1, 'every packet says so')
    e.expire(250)
    const on = e.setOffline(260, 0, false)
    t.same(links(on), ['0:down->up'], 'online: the healthy path is up at once')
    t.equal(sends(on)[0]!.msg.outOfService, 0)
    t.match(e.view().lans[0], { offline: false, carrier: true })
  },
)

t.test('offline and carrier loss together: the LAN stays out of service until both are over', async (t) => {
  const e = new Engine(base)
  interval(e, 0, [0, 1])
  e.setOffline(50, 0, true)
  e.carrier(60, 0, false)
  t.equal(sends(e.setOffline(70, 0, false))[0]!.msg.outOfService, 1, 'online, but still no carrier')
  t.equal(sends(e.carrier(80, 0, true))[0]!.msg.outOfService, 0)
})

t.test('ignorePeers drops by node id and by address; configure() changes it live', async (t) => {
  const e = new Engine({ ...base, requestor: false, ignore: [PEER] })
  t.same(drops(e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1))), ['ignored'])
  e.configure({ failAfter: 3, upAfter: 2, intervalMs: 100, ignore: [PEER_ADDR[1]!] })
  t.same(drops(e.receive(1, 1, PEER_ADDR[1]!, inq(1, 1))), ['ignored'], 'by source address')
  t.same(drops(e.receive(2, 0, PEER_ADDR[0]!, inq(0, 2))), [], 'its other address is not ignored')
  e.configure({ failAfter: 5, upAfter: 2, intervalMs: 100, ignore: [] })
  t.equal(e.config.failAfter, 5)
})

t.test('static peers get a unicast INQ too; the copy that arrives second is dropped, not answered twice', async (t) => {
  const e = new Engine({ ...base, unicast: [[PEER_ADDR[0]!], []] })
  t.same(
    sends(e.tick(0)).map((s) => [s.lan, s.to]),
    [
      [0, 'broadcast'],
      [0, PEER_ADDR[0]],
      [1, 'broadcast'],
    ],
  )
  const r = new Engine({ ...base, nodeId: PEER, addresses: PEER_ADDR, requestor: false })
  const q = { ...inq(0, 7), from: ME, addresses: MY_ADDR }
  t.equal(sends(r.receive(0, 0, MY_ADDR[0]!, q)).length, 1, 'the first copy is answered')
  t.same(drops(r.receive(1, 0, MY_ADDR[0]!, q)), ['duplicate-inq'], 'the second is dropped')
})

t.test('gatewayState finds a gateway by its address on a LAN', async (t) => {
  const e = new Engine(base)
  t.equal(gatewayState(e.view(), 0, PEER_ADDR[0]!), LinkState.Unknown, 'never heard')
  interval(e, 0, [0, 1])
  t.equal(gatewayState(e.view(), 0, PEER_ADDR[0]!), LinkState.Up)
  t.equal(gatewayState(e.view(), 1, PEER_ADDR[0]!), LinkState.Unknown, 'that address is not on LAN B')
})

t.test(
  'flap damping: a path that keeps going down is held down, logged, and released when the hold ends',
  async (t) => {
    const e = new Engine({ ...base, damping: { enabled: true, flaps: 3, halfLifeMs: 2000, maxHoldMs: 60_000 } })
    interval(e, 0, [0, 1])
    let now = 100
    // A flapping cable: a clean outage each time (a LAN that loses 3 of every 5 packets is lossy,
    // and kept down by the link's loss gate instead).
    const flapOnce = () => {
      const fx: Effect[] = [...e.carrier(now, 0, false), ...e.carrier(now + 50, 0, true)]
      now += 100
      for (let i = 0; i < 2; i++, now += 100) fx.push(...interval(e, now, [0, 1])) // two good: up, unless held
      return fx
    }
    for (let i = 1; i <= 3; i++)
      t.same(links(flapOnce()), ['0:up->down', '0:down->up'], `flap ${i}: penalty still under 3 (it decays)`)
    const fourth = flapOnce()
    t.same(links(fourth), ['0:up->down', '0:down->down'], 'the fourth is held: good packets seen, the state stays down')
    t.match(
      fourth.find((x) => x.kind === 'damped'),
      { kind: 'damped', peer: PEER, lan: 0 },
    )
    t.equal(planPeers(e.view())[0]!.lans[0]!.state, LinkState.Down)
    const heldAt = now
    let releasedAt = 0
    for (let i = 0; i < 100 && !releasedAt; i++, now += 100)
      if (links(interval(e, now, [0, 1])).includes('0:down->up')) releasedAt = now
    t.ok(
      releasedAt - heldAt > 1500 && releasedAt - heldAt < 3000,
      `released after the hold (${releasedAt - heldAt} ms)`,
    )
  },
)

t.test('cluster tags: a packet of another cluster, or untagged, is dropped', async (t) => {
  const e = new Engine({ ...base, requestor: false, cluster: 0x1234 })
  t.same(drops(e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1))), ['wrong-cluster'], 'untagged')
  t.same(drops(e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1, { cluster: 0x9999 }))), ['wrong-cluster'], 'another cluster')
  const ok = e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1, { cluster: 0x1234 }))
  t.same(drops(ok), [])
  t.equal(sends(ok)[0]!.msg.cluster, 0x1234, 'and answers carry the tag')
})

t.test('replays: an INQ older than the last is dropped; with a key, so is an earlier run of the peer', async (t) => {
  const e = new Engine({ ...base, requestor: false, authenticated: true })
  e.receive(0, 0, PEER_ADDR[0]!, inq(0, 10, { boot: 500 }))
  t.same(drops(e.receive(1, 0, PEER_ADDR[0]!, inq(0, 9, { boot: 500 }))), ['replayed'], 'an older INQ')
  t.same(drops(e.receive(2, 0, PEER_ADDR[0]!, inq(0, 11, { boot: 400 }))), ['replayed'], 'an earlier run')
  t.same(drops(e.receive(3, 0, PEER_ADDR[0]!, inq(0, 1, { boot: 600 }))), [], 'a later run (a restart) is accepted')
  const lax = new Engine({ ...base, requestor: false })
  lax.receive(0, 0, PEER_ADDR[0]!, inq(0, 10, { boot: 500 }))
  t.same(
    drops(lax.receive(1, 0, PEER_ADDR[0]!, inq(0, 1, { boot: 400 }))),
    [],
    'without a key, a peer whose clock went back is a restart',
  )
})

t.test('the first INQ of a run carries the random first sequence number plus one', async (t) => {
  const e = new Engine({ ...base, firstSeq: 0xffffffff })
  t.equal(sends(e.tick(0))[0]!.msg.seq, 0, 'and wraps')
})

t.test(
  'a restarted peer starts its sequence numbers afresh on every LAN: none of its INQs is taken for a replay',
  async (t) => {
    const e = new Engine({ ...base, requestor: false, authenticated: true })
    e.receive(0, 0, PEER_ADDR[0]!, inq(0, 1000, { boot: 500 }))
    e.receive(0, 1, PEER_ADDR[1]!, inq(1, 1000, { boot: 500 }))
    t.same(drops(e.receive(1, 0, PEER_ADDR[0]!, inq(0, 5, { boot: 600 }))), [], 'the new run on LAN A')
    t.same(
      drops(e.receive(1, 1, PEER_ADDR[1]!, inq(1, 5, { boot: 600 }))),
      [],
      "and on LAN B, below the old run's sequence number",
    )
  },
)

t.test(
  'a path this host stops or starts hearing is told to the peer at once, in a unicast notice on that LAN',
  async (t) => {
    const e = new Engine(base)
    interval(e, 0, [0, 1])
    interval(e, 100, [1])
    interval(e, 200, [1])
    const down = interval(e, 300, [1])
    const told = sends(down).filter((s) => s.to === PEER_ADDR[0])
    t.same(
      told.map((s) => [s.lan, s.msg.kind, s.msg.intervalMs, s.msg.down]),
      [[0, 'inq', 0, [PEER]]],
      'down: "I do not hear you" at once, no answer wanted',
    )
    interval(e, 400, [0, 1])
    const up = interval(e, 500, [0, 1])
    t.same(
      sends(up)
        .filter((s) => s.to === PEER_ADDR[0])
        .map((s) => s.msg.down),
      [[]],
      'up again: "I hear you" at once',
    )
    t.same(
      sends(interval(e, 600, [0, 1])).filter((s) => s.to !== 'broadcast'),
      [],
      'and nothing while nothing changes',
    )
  },
)

t.test(
  'tick does not judge: a round whose ACKs arrive after a late tick, before expire(), is not a miss',
  async (t) => {
    // After an event-loop stall the tick and deadline timers fire in one turn; ACKs still in the
    // socket buffer were in time, and the daemon drains them before it calls expire().
    const e = new Engine({ ...base, failAfter: 1 })
    interval(e, 0, [0, 1])
    const seq = sends(e.tick(100))[0]!.msg.seq // due at 150
    const fx = e.tick(300) // stalled: the next round goes out before the last was judged
    for (const lan of [0, 1]) fx.push(...e.receive(301, lan, PEER_ADDR[lan]!, ack(lan, seq)))
    fx.push(...e.expire(301))
    t.same(drops(fx), [], 'the ACKs match their round')
    t.same(links(fx), [], 'and no miss is counted')
    t.same(
      links(e.expire(351)),
      ['0:up->down', '1:up->down'],
      'the round sent at 300, never answered, is judged in turn',
    )
  },
)
