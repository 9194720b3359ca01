// Routine INQs taken undecoded by lib/daemon/routine-in.ts, through packet-in.ts: the same datagrams through it with and without that path leave the same engine, counts and answers.
import t from 'tap'
import { type Effect, Engine, type EngineConfig } from '../../lib/core/engine/engine.js'
import { RateLimiter } from '../../lib/core/util/rate-limit.js'
import type { Message, WireKey } from '../../lib/core/wire/message.js'
import { fromV1 } from '../../lib/core/wire/v1-bridge.js'
import { encodeV2 } from '../../lib/core/wire/v2.js'
import { Drops } from '../../lib/daemon/drops.js'
import { PacketIn } from '../../lib/daemon/packet-in.js'
import { WireVersions } from '../../lib/daemon/wire-versions.js'
import { capturingLogger } from '../support/capturing-logger.js'
import { inqFrom } from '../support/messages.js'
import { random } from '../support/random.js'
import { ME, MY_ADDR, TWO_LANS } from '../support/two-lans.js'

const KEY: WireKey = { id: 7, secret: Buffer.from('the cluster key, long enough') }
const OWN = MY_ADDR.map((address) => ({ address, prefixLen: 24, nameTag: 0 }))
const PEERS = [2, 3, 4].map((n) => ({ from: 0xc6120100 + n, addresses: [0xc6120100 + n, 0xc6120200 + n] }))

/** This host's ingress and engine, wired as daemon/parts.ts wires them; `trace` turns routine INQs off (every packet is logged). */
function host(keys: readonly WireKey[], trace: boolean) {
  const { log } = capturingLogger()
  const cfg: EngineConfig = { ...TWO_LANS, authenticated: keys.length > 0 }
  const engine = new Engine(cfg)
  const drops = new Drops(log, () => 'A', false)
  const effects: Effect[] = []
  let routine = 0
  const packets = new PacketIn(
    {
      log,
      drops,
      label: () => 'A',
      own: OWN,
      maxPeers: () => 4096,
      versions: new WireVersions(2, () => 30_000),
      wireVersion: () => 2,
      accept: (now, lan, src, msg) => {
        const fx = engine.receive(now, lan, src, msg)
        effects.push(...fx)
        return fx.length === 0 ? engine.routineOf(lan, src, msg) : undefined
      },
      takesRoutine: (r, seq) => engine.takesRoutine(r, seq),
      takeRoutine: (now, r, seq) => {
        routine++
        engine.takeRoutine(now, r, seq)
      },
      nodeId: ME,
    },
    new RateLimiter({ rate: 40, burst: 20, maxSources: 64 }),
    keys,
    trace,
  )
  return { engine, packets, drops, effects, routine: () => routine }
}

/** `msg` numbered later and, with a key, with a MAC the key did not make. */
function forged(msg: Message, keys: readonly WireKey[]): Buffer {
  const b = encodeV2(fromV1({ ...msg, seq: msg.seq + 100_000 }), keys[0])
  if (keys.length > 0) b[b.length - 1] = b[b.length - 1]! ^ 1
  return b
}

/**
 * INQs from `n` senders never heard before, after a second of silence: from 64 on, the rate
 * limiter forgets the quiet peers' buckets, which their routine INQs then find dropped; from
 * 4096 on, the records of v2 senders and of sequence numbers start over.
 */
function crowd(n: number, keys: readonly WireKey[], read: (lan: number, src: number, data: Buffer) => void): void {
  for (let i = 0; i < n; i++) {
    const addresses = [0xc6120110 + (i % 200), 0xc6120210 + (i % 200)]
    const msg = inqFrom({ from: 0x0a000000 + i, addresses }, { answer: [] } as Partial<Message>)
    read(0, addresses[0]!, encodeV2(fromV1(msg), keys[0]))
  }
}

/**
 * Two hosts read the same datagrams: peers' INQs every 100 ms on both LANs (now and then asking
 * us), with junk, forged and replayed packets, bursts and crowds of strangers among them; `b`
 * takes routine INQs undecoded, `a` not.
 */
function run(keys: readonly WireKey[], seed: number) {
  const rnd = random(seed)
  const a = host(keys, true)
  const b = host(keys, false)
  const sent: Buffer[] = []
  let now = 0
  const read = (lan: number, src: number, data: Buffer) => {
    for (const h of [a, b]) h.packets.receive(now, lan, src, data)
  }
  const taken: number[] = []
  for (let round = 1; round <= 400; round++) {
    if (round === 150 || round === 300) {
      taken.push(b.routine())
      now += 1000
      crowd(round === 150 ? 80 : 4200, keys, read)
    }
    for (const p of PEERS) {
      const answer = rnd() < 0.1 ? [ME] : rnd() < 0.5 ? [] : [0xc6120199]
      for (const lan of [0, 1]) {
        now += 16
        const msg: Message = inqFrom(p, { lan, seq: round, answer, downOn: [[], []] } as Partial<Message>)
        const data = encodeV2(fromV1(msg), keys[0])
        sent.push(data)
        const x = rnd()
        if (x < 0.03) continue // lost
        read(lan, p.addresses[lan]!, data)
        if (x < 0.06)
          read(lan, p.addresses[lan]!, data) // twice
        else if (x < 0.08)
          read(lan, p.addresses[lan]!, sent[Math.floor(rnd() * sent.length)]!) // replayed
        else if (x < 0.1)
          read(lan, p.addresses[lan]!, forged(msg, keys)) // a later number, the MAC not the key's
        else if (x < 0.11) for (let i = 0; i < 30; i++) read(lan, p.addresses[lan]!, data) // a burst
      }
    }
  }
  taken.push(b.routine())
  return { a, b, taken }
}

for (const [name, keys] of [
  ['without a key', []],
  ['with a key', [KEY]],
] as const) {
  t.test(`${name}: routine INQs taken undecoded end as decoded ones do`, async (t) => {
    for (let seed = 1; seed <= 5; seed++) {
      const { a, b, taken } = run(keys, seed)
      t.ok(b.routine() > 1000, `seed ${seed}: ${b.routine()} of ${b.packets.received} taken as routine`)
      // After each crowd, once the peers' INQs are kept again: taken, not decoded for good.
      t.ok(taken[1]! > taken[0]! && taken[2]! > taken[1]!, `taken as routine after each crowd: ${taken}`)
      t.equal(a.routine(), 0, 'none where every packet is logged')
      t.same(b.engine.view(), a.engine.view(), 'the same engine')
      t.equal(b.engine.nextDeadline(), a.engine.nextDeadline(), 'the same deadline')
      t.same(Object.fromEntries(b.drops.counts), Object.fromEntries(a.drops.counts), 'the same drops')
      t.equal(b.packets.accepted, a.packets.accepted, 'as many let in')
      t.same(b.effects, a.effects, 'the same answers and events')
    }
  })
}

t.test('with a key, a replay let in leaves its sender its own budget', async (t) => {
  // A replay spends the bucket all replays share (packet-in.ts REPLAYS). Were it kept to know the
  // sender's routine INQs by, they would spend that bucket too, and a flood of replays would drop them.
  const h = host([KEY], false)
  const p = PEERS[0]!
  const inq = (lan: number, seq: number) =>
    encodeV2(fromV1(inqFrom(p, { lan, seq, answer: [], downOn: [[], []] } as Partial<Message>)), KEY)
  let now = 0
  const both = (seq: number) => {
    now += 100
    for (const lan of [0, 1]) h.packets.receive(now, lan, p.addresses[lan]!, inq(lan, seq))
  }
  // A path is steady once its window (20 packets) is full: only then are its INQs routine.
  for (let seq = 1; seq <= 25; seq++) both(seq)
  t.ok(h.routine() > 0, 'routine INQs are taken')
  // A burst beyond its budget: the last of it is rate limited, and its copy let in as a replay.
  for (let seq = 26; seq <= 60; seq++) h.packets.receive(now, 0, p.addresses[0]!, inq(0, seq))
  const accepted = h.packets.accepted
  h.packets.receive(now, 0, p.addresses[0]!, inq(0, 60))
  t.equal(h.packets.accepted, accepted + 1, 'the copy is let in')
  const routine = h.routine()
  let heard = 0
  for (let seq = 61; seq <= 70; seq++) {
    // That copy replayed 99 times before each INQ of the sender's: the replays' budget is spent.
    for (let i = 0; i < 99; i++) h.packets.receive(now + 100, 0, p.addresses[0]!, inq(0, 60))
    both(seq)
    if (h.engine.view().peers[0]!.paths[0]!.lastHeard === now) heard++
  }
  t.ok((h.drops.counts.get('rate-limited') ?? 0) > 500, 'the flood of replays is rate limited')
  t.equal(heard, 10, "every INQ of the sender's on LAN A is let in")
  t.ok(h.routine() > routine, 'and taken as routine')
})
