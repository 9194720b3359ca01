// Routine INQs (lib/core/engine/routine.ts): two engines fed the same random histories, one taking every routine INQ it may by takeRoutine(), end alike.
import t, { type Test } from 'tap'
import { type Effect, Engine, type EngineConfig } from '../../../lib/core/engine/engine.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { random } from '../../support/random.js'
import { RoutineFeed } from '../../support/routine-feed.js'
import { TWO_LANS as base, ME } from '../../support/two-lans.js'

/** A peer of the history: what its next INQ says. */
interface Sim {
  readonly id: number
  readonly addresses: number[]
  boot: number
  seq: number
  oos: number
  down: number[]
  overloadMs: number | undefined
  downOn: Message['downOn']
  interval: number
  /** What its INQs said before: sent again as a forger (or a reordering LAN) would. */
  said: Array<Pick<Sim, 'oos' | 'down' | 'overloadMs' | 'downOn'>>
}

const peers = (n: number): Sim[] =>
  Array.from({ length: n }, (_, i) => ({
    id: 0xc6120102 + i,
    addresses: [0xc6120102 + i, 0xc6120202 + i],
    boot: 9,
    seq: 100,
    oos: 0,
    down: [],
    overloadMs: undefined,
    downOn: [undefined, []],
    interval: 100,
    said: [],
  }))

function inqOf(p: Sim, lan: number, seq: number, answer: number[] | undefined): Message {
  const downOn = p.downOn?.map((ids, i) => (i === lan ? undefined : ids))
  return {
    kind: 'inq',
    version: 2,
    from: p.id,
    boot: p.boot,
    lan,
    seq,
    intervalMs: p.interval,
    addresses: p.addresses,
    down: p.down,
    outOfService: p.oos,
    cluster: 0,
    ...(answer ? { answer } : {}),
    ...(downOn ? { downOn } : {}),
    ...(p.overloadMs ? { overloadMs: p.overloadMs } : {}),
  }
}

/** A message as its bytes would be compared (routine-inq.ts): all but the sequence number and whom it asks. */
const shape = (m: Message) =>
  JSON.stringify({ ...m, seq: 0, answer: m.kind === 'inq' && m.answer ? (m.answer.includes(ME) ? 'me' : []) : 'all' })

/**
 * One history: `steps` random events among `n` peers, fed to `full` by receive() alone and to
 * `fast` as routine-in.ts feeds the engine (a routine INQ by takeRoutine() when takesRoutine() lets
 * it). After every step both must have given the same effects, and show the same view and deadline.
 */
function history(t: Test, cfg: EngineConfig, seed: number, steps: number): { routine: number; full: number } {
  const rnd = random(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const full = new Engine(cfg)
  const fast = new Engine(cfg)
  const sims = peers(3)
  const feed = new RoutineFeed(fast, shape)
  let now = 1000
  let ourSeq = 0
  let decoded = 0
  const both = (what: string, f: (e: Engine) => Effect[]): boolean => {
    const a = f(full)
    const b = f(fast)
    return same(what, a, b)
  }
  const same = (what: string, a: unknown, b: unknown): boolean => {
    if (JSON.stringify(a) === JSON.stringify(b)) return true
    t.same(b, a, `seed ${seed}, ${what}`)
    return false
  }
  const deliver = (lan: number, msg: Message): boolean => {
    const src = msg.addresses[lan]!
    const a = full.receive(now, lan, src, msg)
    const b = feed.deliver(now, lan, src, msg)
    if (b === undefined) return same(`routine ${lan}:${src} seq ${msg.seq}`, a, [])
    decoded++
    return same(`receive of ${lan}:${src} seq ${msg.seq}`, a, b)
  }
  for (let i = 0; i < steps; i++) {
    now += Math.floor(rnd() * 12)
    const p = pick(sims)
    const x = rnd()
    let ok = true
    if (x < 0.6) {
      // Its INQ on both LANs, now and then lost, asking us, asking all, repeated or late.
      const seq = rnd() < 0.03 ? p.seq - Math.floor(rnd() * 3) : ++p.seq
      const answer = rnd() < 0.05 ? [ME] : rnd() < 0.03 ? undefined : rnd() < 0.5 ? [] : [0xc6120199]
      // Now and then what it said before, with a new number: without a key anyone may send that.
      const says = rnd() < 0.05 && p.said.length > 0 ? { ...p, ...pick(p.said) } : p
      for (const lan of [0, 1]) if (rnd() > 0.03) ok &&= deliver(lan, inqOf(says, lan, seq >>> 0, answer))
    } else if (x < 0.7) {
      // Our INQs, and the ACKs of those they ask, now and then lost or saying they do not hear us.
      const fx = full.tick(now)
      ok = both('tick', (e) => (e === full ? fx : e.tick(now)))
      for (const e of fx) {
        if (e.kind !== 'send' || e.msg.kind !== 'inq') continue
        ourSeq = e.msg.seq
        const asked = e.msg.answer
        for (const q of sims) {
          if ((asked && !asked.includes(q.id)) || rnd() < 0.03) continue
          const ack: Message = { ...inqOf(q, e.lan, ourSeq, undefined), kind: 'ack', to: ME }
          ok &&= deliver(e.lan, rnd() < 0.02 ? { ...ack, down: [ME] } : ack)
        }
      }
    } else if (x < 0.95) {
      ok = both('expire', (e) => e.expire(now))
    } else {
      ok = change(p)
    }
    if (!ok) break
    if (!same(`view after step ${i}`, full.view(), fast.view())) break
    if (!same(`deadline after step ${i}`, full.nextDeadline(), fast.nextDeadline())) break
  }
  return { routine: feed.taken, full: decoded }

  /** Something that makes the next INQs say otherwise, or the engine see otherwise. */
  function change(p: Sim): boolean {
    p.said.push({ oos: p.oos, down: p.down, overloadMs: p.overloadMs, downOn: p.downOn })
    switch (Math.floor(rnd() * 9)) {
      case 0:
        p.down = p.down.length ? [] : [pick([ME, 0xc6120177])]
        return true
      case 1:
        p.oos = p.oos ? 0 : pick([1, 2])
        return true
      case 2:
        p.overloadMs = p.overloadMs ? undefined : 120
        return true
      case 3:
        p.boot++
        p.seq = Math.floor(rnd() * 1000)
        return true
      case 4:
        p.downOn = p.downOn?.[1]?.length ? [undefined, []] : [undefined, [0xc6120166]]
        return true
      case 5: {
        const lan = pick([0, 1])
        const up = rnd() < 0.5
        return both(`carrier ${lan} ${up}`, (e) => e.carrier(now, lan, up))
      }
      case 6: {
        const lan = pick([0, 1])
        const off = rnd() < 0.5
        return both(`offline ${lan} ${off}`, (e) => e.setOffline(now, lan, off))
      }
      case 7: {
        const failAfter = pick([2, 3])
        for (const e of [full, fast]) e.configure({ failAfter, upAfter: 2, intervalMs: 100 })
        return true
      }
      default:
        // Silence long enough to be judged: a dead path.
        now += Math.floor(rnd() * 400)
        return both('expire after silence', (e) => e.expire(now))
    }
  }
}

t.test('random histories: routine INQs taken by takeRoutine() leave the engine as receive() does', async (t) => {
  let routine = 0
  let decoded = 0
  for (let seed = 1; seed <= 40; seed++) {
    const r = history(t, base, seed, 1500)
    routine += r.routine
    decoded += r.full
  }
  t.ok(routine > 10_000, `${routine} taken as routine`)
  t.ok(decoded > 5_000, `${decoded} packets the full way`)
})

t.test('with a key too (replays dropped)', async (t) => {
  let routine = 0
  for (let seed = 100; seed <= 120; seed++) routine += history(t, { ...base, authenticated: true }, seed, 1500).routine
  t.ok(routine > 5_000, `${routine} taken as routine`)
})

t.test('a routine INQ goes the full way once anything it was taken against has changed', async (t) => {
  const e = new Engine(base)
  const [p] = peers(1) as [Sim]
  const inq = (seq: number) => inqOf(p, 0, seq, [])
  // A link is steady once a whole window (20 packets) came clean.
  for (let seq = 1; seq <= 25; seq++) {
    e.receive(seq * 100, 0, p.addresses[0]!, inq(seq))
    e.receive(seq * 100, 1, p.addresses[1]!, inqOf(p, 1, seq, []))
  }
  const r = e.routineOf(0, p.addresses[0]!, inq(25))
  t.ok(r, 'a confirmed peer with steady paths')
  t.ok(e.takesRoutine(r!, 26), 'a newer sequence number')
  t.notOk(e.takesRoutine(r!, 25), 'the same one: a duplicate, for receive() to drop')
  t.notOk(e.takesRoutine(r!, 24), 'an older one')
  t.notOk(e.routineOf(0, p.addresses[0]!, { ...inqOf(p, 0, 25, [ME]) }), 'an INQ that asks us')
  t.notOk(e.routineOf(0, p.addresses[0]!, { ...inq(25), down: [ME] }), 'one that says it does not hear us')
  t.notOk(e.routineOf(0, 0xc6120199, inq(25)), 'from another address')
  e.configure({ failAfter: 3, upAfter: 2, intervalMs: 100 })
  t.notOk(e.takesRoutine(r!, 26), 'after a reload')
})

t.test("a routine INQ moves the peer's mask word on as receive() does", async (t) => {
  const [p] = peers(1) as [Sim]
  const engines = [new Engine(base), new Engine(base)] as const
  for (const e of engines) {
    for (let seq = 1; seq <= 25; seq++)
      for (const lan of [0, 1]) e.receive(seq * 100, lan, p.addresses[lan]!, inqOf(p, lan, seq, []))
  }
  const [full, fast] = engines
  const r = fast.routineOf(0, p.addresses[0]!, inqOf(p, 0, 25, []))!
  t.same(full.receive(2600, 0, p.addresses[0]!, inqOf(p, 0, 26, [])), [])
  t.ok(fast.takesRoutine(r, 26))
  fast.takeRoutine(2600, r, 26)
  // Its INQ of the same number on LAN B, read later, says LAN A is out of service: an INQ sent
  // before the one just taken, as far as the mask can tell, so it does not say so.
  const late = { ...inqOf(p, 1, 26, []), outOfService: 1 }
  t.same(fast.receive(2610, 1, p.addresses[1]!, late), full.receive(2610, 1, p.addresses[1]!, late))
  t.same(fast.view(), full.view())
  t.equal(fast.view().peers[0]!.paths[0]!.peerOutOfService, false)
})
