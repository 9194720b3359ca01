// The log budget of lib/log-budget.ts: so many lines per window, then a count of what was held back.
import t from 'tap'
import { LogBudget } from '../../../lib/core/util/log-budget.js'

t.test('so many lines per window, the rest held back and summed up once the next window opens', async (t) => {
  const b = new LogBudget(2, 1000)
  t.same([b.take(0), b.take(1), b.take(2), b.take(3)], [{ ok: true }, { ok: true }, { ok: false }, { ok: false }])
  t.same(b.take(1000), { ok: true, summary: 2 })
  t.same(b.take(2500), { ok: true }, 'nothing held back: no summary')
})
