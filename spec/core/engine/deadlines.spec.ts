// When the engine next has something to judge (lib/core/engine/deadlines.ts, inq-dues.ts): never later than the first thing due, over random histories.
import t from 'tap'
import { Engine } from '../../../lib/core/engine/engine.js'
import { InqDues } from '../../../lib/core/engine/inq-dues.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { random } from '../../support/random.js'
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

/**
 * A random history of `n` steps: peers' INQs (some lost, some behind, one quiet for good after
 * 5 s, one changing its interval), ticks, judgements, cable pulls, and long silences.
 */
function history(seed: number, n: number): { steps: Step[]; times: number[]; judged: boolean[] } {
  const rnd = random(seed)
  const steps: Step[] = []
  const times: number[] = []
  const judged: boolean[] = []
  let now = 0
  const seqs = [0, 0, 0, 0]
  /** Peer 2's interval: now and then it is reloaded with another, and with it its forget time. */
  let slow = 100
  for (let i = 0; i < n; i++) {
    // Now and then a long silence: time for peers to be forgotten.
    now += rnd() < 0.03 ? 6000 + Math.floor(rnd() * 6000) : Math.floor(rnd() * 120)
    const at = now
    const p = Math.floor(rnd() * 4)
    const x = rnd()
    if (p === 2 && rnd() < 0.05) slow = slow === 100 ? 1000 : 100
    if (x < 0.6 && !(p === 3 && at > 5000)) {
      const id = 0xc6120102 + p
      const seq = ++seqs[p]!
      const interval = p === 2 ? slow : 100
      const down = rnd() < 0.05 ? [ME] : []
      const behind = rnd() < 0.05 ? { overloadMs: 300 } : {}
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
      const lans = [0, 1].filter(() => rnd() > 0.15)
      steps.push((e) => {
        for (const lan of lans) e.receive(at, lan, lan === 0 ? id : id + 0x100, inq(lan))
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
    for (let seed = 1; seed <= 30; seed++) {
      const { steps, times, judged } = history(seed, 160)
      const e = new Engine(config)
      for (let i = 0; i < steps.length; i++) {
        steps[i]!(e)
        const next = e.nextDeadline()
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
  },
)
