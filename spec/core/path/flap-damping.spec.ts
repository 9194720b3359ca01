// Flap damping of lib/flap-damping.ts: penalties decay, holds start at `flaps`, grow, and are capped.
import t from 'tap'
import { type Damping, decayed, flap, isHeld, NO_FLAPS } from '../../../lib/core/path/flap-damping.js'

const d: Damping = { enabled: true, flaps: 3, halfLifeMs: 1000, maxHoldMs: 10_000 }

t.test('a penalty halves every half-life', async (t) => {
  const s = flap(NO_FLAPS, 0, d)
  t.equal(s.penalty, 1)
  t.equal(decayed(s, 1000, d), 0.5)
  t.equal(decayed(s, 2000, d), 0.25)
})

t.test('downs far apart never hold a path', async (t) => {
  let s = NO_FLAPS
  for (let i = 0; i < 20; i++) s = flap(s, i * 5000, d)
  t.notOk(isHeld(s, 20 * 5000))
  t.ok(s.penalty < 1.1)
})

t.test(
  'three quick downs hold it for one half-life; more flaps while held make it longer; capped at maxHold',
  async (t) => {
    let s = flap(flap(NO_FLAPS, 0, d), 0, d)
    t.notOk(isHeld(s, 0), 'two are not enough')
    s = flap(s, 0, d)
    t.equal(s.heldUntil, 1000, 'penalty 3, released at 1.5: one half-life')
    t.ok(isHeld(s, 999))
    t.notOk(isHeld(s, 1000))
    const longer = flap(s, 500, d)
    t.ok(longer.heldUntil > 1000, `a flap while held extends the hold (to ${longer.heldUntil.toFixed(0)} ms)`)
    let many = s
    for (let i = 0; i < 2000; i++) many = flap(many, 600, d)
    t.ok(Math.abs(many.heldUntil - (600 + 10_000)) < 1e-6, `never longer than maxHold (${many.heldUntil})`)
  },
)

t.test('disabled: nothing is counted', async (t) => {
  t.equal(flap(NO_FLAPS, 0, { ...d, enabled: false }), NO_FLAPS)
})
