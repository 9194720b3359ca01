// When the engine next has something to judge (lib/core/engine/deadlines.ts, inq-dues.ts): never later than the first thing due, over random histories.
import t from 'tap'
import { Engine } from '../../../lib/core/engine/engine.js'
import { InqDues } from '../../../lib/core/engine/inq-dues.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { random } from '../../support/random.js'
import { RoutineFeed } from '../../support/routine-feed.js'
import { TWO_LANS as base, ME } from '../../support/two-lans.js'

t.test('INQ deadlines: places given out, freed and given out again, the soonest of them', async (t) => {
  const dues = new InqDues()
  t.equal(dues.soonest(), Infinity, 'none')
  const places = Array.from({ length: 40 }, () => dues.alloc())
  t.same(new Set(places).size, 40, 'each its own, past the first array')
  places.forEach((at, i) => dues.set(at, 1000 + i))
  t.equal(dues.soonest(), 1000)
  dues.free(places[0]!)
  t.equal(dues.soonest(), 1001, 'one given back is not due')
  t.equal(dues.alloc(), places[0], 'and is given out again first')
  t.equal(dues.get(places[0]!), Infinity, 'not due until set')
})

type Step = (e: Engine) => void

/** By engine: its packets given as routine-in.ts gives them (every message's shape: all but its number). */
const feeds = new WeakMap<Engine, RoutineFeed>()
/** INQs taken as routine, over every engine. */
let routine = 0

function deliver(e: Engine, at: number, lan: number, src: number, msg: Message): void {
  const feed = feeds.get(e) ?? new RoutineFeed(e, (m) => JSON.stringify({ ...m, seq: 0 }))
  feeds.set(e, feed)
  if (feed.deliver(at, lan, src, msg) === undefined) routine++
}

/** How a history runs. */
interface Kind {
  /** Of each INQ, lost on a LAN. */
  readonly loss: number
  /** Of steps, a long silence before it: time for peers to be forgotten. */
  readonly silence: number
  /** Steps are up to this far apart. */
  readonly gapMs: number
  /** Every peer's INQ at an INQ step, not one peer's: regular enough for paths to be steady. */
  readonly everyPeer: boolean
  /** Of INQs, one saying it does not hear us, and one saying it is behind. */
  readonly odd: number
}
const LOSSY: Kind = { loss: 0.15, silence: 0.03, gapMs: 120, everyPeer: false, odd: 0.05 }
/** Paths steady for long: routine INQs taken among the rest. */
const STEADY: Kind = { loss: 0.01, silence: 0.002, gapMs: 60, everyPeer: true, odd: 0.005 }

/**
 * A random history of `n` steps: peers' INQs (some lost, some behind, one quiet for good after
 * 5 s, one changing its interval; routine ones taken as such), ticks, judgements, cable pulls,
 * and long silences.
 */
function history(seed: number, n: number, k: Kind): { steps: Step[]; times: number[]; judged: boolean[] } {
  const rnd = random(seed)
  const steps: Step[] = []
  const times: number[] = []
  const judged: boolean[] = []
  let now = 0
  const seqs = [0, 0, 0, 0]
  /** Peer 2's interval: now and then it is reloaded with another, and with it its forget time. */
  let slow = 100
  /** Peer `p`'s next INQ at `at`, on the LANs it is not lost on. */
  const inqStep = (p: number, at: number): Step => {
    const id = 0xc6120102 + p
    const seq = ++seqs[p]!
    const interval = p === 2 ? slow : 100
    const down = rnd() < k.odd ? [ME] : []
    const behind = rnd() < k.odd ? { overloadMs: 300 } : {}
    const inq = (lan: number): Message => ({
      kind: 'inq',
      from: id,
      boot: 1,
      lan,
      seq,
      intervalMs: interval,
      addresses: [id, id + 0x100],
      down,
      outOfService: 0,
      cluster: 0,
      answer: [],
      ...behind,
    })
    const lans = [0, 1].filter(() => rnd() > k.loss)
    return (e) => {
      for (const lan of lans) deliver(e, at, lan, lan === 0 ? id : id + 0x100, inq(lan))
    }
  }
  for (let i = 0; i < n; i++) {
    now += rnd() < k.silence ? 6000 + Math.floor(rnd() * 6000) : Math.floor(rnd() * k.gapMs)
    const at = now
    const p = Math.floor(rnd() * 4)
    const x = rnd()
    if (p === 2 && rnd() < 0.05) slow = slow === 100 ? 1000 : 100
    // Peer 3 goes quiet for good after 5 s.
    const sending = (k.everyPeer ? [0, 1, 2, 3] : [p]).filter((q) => !(q === 3 && at > 5000))
    if (x < 0.6 && sending.length > 0) {
      const inqs = sending.map((q) => inqStep(q, at))
      steps.push((e) => {
        for (const step of inqs) step(e)
      })
    } else if (x < 0.75) steps.push((e) => void e.tick(at))
    else if (x < 0.95) steps.push((e) => void e.expire(at))
    else {
      const lan = Math.floor(rnd() * 2)
      const up = rnd() < 0.5
      steps.push((e) => void e.carrier(at, lan, up))
    }
    times.push(at)
    judged.push(x >= 0.75 && x < 0.95)
  }
  return { steps, times, judged }
}

t.test(
  'random histories: nothing is due before the next deadline it gives, and it is later than a judgement',
  async (t) => {
    const config = { ...base, damping: { enabled: true, halfLifeMs: 3000, flaps: 2, maxHoldMs: 20_000 } }
    let checked = 0
    // Short lossy histories, then long steady ones.
    for (let seed = 1; seed <= 40; seed++) {
      const { steps, times, judged } = seed <= 30 ? history(seed, 160, LOSSY) : history(seed, 300, STEADY)
      const e = new Engine(config)
      for (let i = 0; i < steps.length; i++) {
        steps[i]!(e)
        // The bound the daemon re-arms by after a packet (O(1)) is never later than the deadline.
        const bound = e.soonestDeadline()
        const next = e.nextDeadline()
        if (bound > next) {
          t.fail(`seed ${seed}, step ${i}: soonest deadline ${bound}, later than the next, ${next}`)
          break
        }
        // Right after judging, nothing is due: else the daemon's timer would fire again at once, and on.
        if (judged[i] && next <= times[i]!) {
          t.fail(`seed ${seed}, step ${i}: judged at ${times[i]}, next deadline ${next}`)
          break
        }
        if (!Number.isFinite(next) || next - 1 <= times[i]!) continue
        // The same history, judged just before that deadline: nothing to judge, nothing changes.
        const shadow = new Engine(config)
        for (let j = 0; j <= i; j++) steps[j]!(shadow)
        const before = JSON.stringify(shadow.view())
        const out = shadow.expire(next - 1)
        checked++
        if (out.length > 0 || JSON.stringify(shadow.view()) !== before) {
          t.fail(`seed ${seed}, step ${i}: something was due before ${next}: ${JSON.stringify(out)}`)
          break
        }
      }
    }
    t.ok(checked > 1000, `${checked} deadlines checked`)
    t.ok(routine > 1000, `${routine} INQs among them taken as routine (replays included)`)
  },
)

t.test(
  'a peer heard only in ACKs is forgotten on time: the slow deadline, found again when its interval changes',
  async (t) => {
    const id = 0xc6120105
    /** Our INQ at `at`, and the peer's ACK on LAN A a millisecond later, saying `intervalMs`. */
    const round = (e: Engine, at: number, intervalMs: number) => {
      const inq = e.tick(at).find((x) => x.kind === 'send' && x.lan === 0)
      const seq = inq?.kind === 'send' ? inq.msg.seq : 0
      const ack: Message = {
        ...{ kind: 'ack', from: id, boot: 1, lan: 0, seq, intervalMs, addresses: [id, id + 0x100] },
        ...{ down: [], outOfService: 0, cluster: 0, to: ME },
      }
      e.receive(at + 1, 0, id, ack)
    }
    /** Judge at each next deadline until the peer is forgotten: when that is (Infinity: never). */
    const forgotten = (e: Engine): number => {
      for (let i = 0; i < 50; i++) {
        const next = e.nextDeadline()
        if (!Number.isFinite(next)) return Infinity
        if (e.expire(next).some((x) => x.kind === 'peer' && x.event === 'forgotten')) return next
      }
      return Infinity
    }
    const a = new Engine(base)
    round(a, 100, 0)
    const once = forgotten(a)
    t.ok(Number.isFinite(once) && once >= 30_000, `a responder is forgotten, at ${once}`)
    const b = new Engine(base)
    round(b, 100, 10_000)
    b.nextDeadline()
    round(b, 200, 100)
    const after = forgotten(b)
    t.ok(
      after <= 200 + 30_000 + 1000,
      `a peer whose interval fell from 10 s to 0.1 s is forgotten by its new forget time, at ${after}`,
    )
  },
)
