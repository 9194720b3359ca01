// The effect runner of lib/daemon/effect-runner.ts: lines an outsider can cause per packet are budgeted.
import t from 'tap'
import type { Effect } from '../../lib/core/engine/effects.js'
import { Drops } from '../../lib/daemon/drops.js'
import { EffectRunner } from '../../lib/daemon/effect-runner.js'
import { capturingLogger } from '../support/capturing-logger.js'

t.test('paths held down for flapping: 50 lines per 10 s, then one summary of the rest', async (t) => {
  // Forged notices can hold a path down per packet; every hold used to be a warning line.
  const { log, at } = capturingLogger()
  const runner = new EffectRunner(
    { log, drops: new Drops(log, () => 'A', false), send: () => {}, label: () => 'A' },
    undefined,
  )
  const damped = (peer: number): Effect => ({ kind: 'damped', peer, lan: 0, holdMs: 4000, penalty: 4 })
  for (let i = 0; i < 300; i++) runner.run(i, [damped(0xc6120100 + (i % 200))])
  t.equal(at('warn').length, 50, 'the first 50 are logged')
  runner.run(10_000, [damped(0xc6120102)])
  const warns = at('warn')
  t.equal(warns.length, 52)
  t.equal(warns[50], '250 more paths held down for flapping were not logged in the last 10 s')
  t.match(warns[51], /^peer 198\.18\.1\.2 LAN A: flapping \(4\.0 downs lately\), held down for 4\.0s$/)
})
