// Routine INQs taken undecoded by lib/daemon/packet-in.ts: the same datagrams through it with and without that path leave the same engine, counts and answers.
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
 * Two hosts read the same datagrams: peers' INQs every 100 ms on both LANs (now and then asking
 * us), with junk, forged and replayed packets and bursts among them; `b` takes routine INQs undecoded, `a` not.
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
  for (let round = 1; round <= 400; round++) {
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
  return { a, b }
}

for (const [name, keys] of [
  ['without a key', []],
  ['with a key', [KEY]],
] as const) {
  t.test(`${name}: routine INQs taken undecoded end as decoded ones do`, async (t) => {
    for (let seed = 1; seed <= 5; seed++) {
      const { a, b } = run(keys, seed)
      t.ok(b.routine() > 1000, `seed ${seed}: ${b.routine()} of ${b.packets.received} taken as routine`)
      t.equal(a.routine(), 0, 'none where every packet is logged')
      t.same(b.engine.view(), a.engine.view(), 'the same engine')
      t.equal(b.engine.nextDeadline(), a.engine.nextDeadline(), 'the same deadline')
      t.same(Object.fromEntries(b.drops.counts), Object.fromEntries(a.drops.counts), 'the same drops')
      t.equal(b.packets.accepted, a.packets.accepted, 'as many let in')
      t.same(b.effects, a.effects, 'the same answers and events')
    }
  })
}
