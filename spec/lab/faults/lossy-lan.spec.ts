// Fault matrix: 2% random loss on LAN A at the defaults (-t 1 -f 3 -s 5): no false failover in 20 s,
// and a dead port on top is still found.

import { A, B, faultScenario, ms } from '../harness/matrix.js'
import { sleep } from '../harness/netlab.js'

faultScenario({
  fault: 'lossy LAN, 2% random loss, defaults (-t 1 -f 3 -s 5)',
  expected: 'no failover; a real failure still detected',
  run: async (t, { lab, h1, members, key, start, staysClean, aroundHost }) => {
    for (const h of members) await start(h, ['-r', '--key-file', key])
    await sleep(3000)
    await lab.fault(h1, A, 'both', 2)
    const false_ = await staysClean(20_000)
    t.equal(false_, undefined, 'no failover in 20 s of 2% loss')
    const t0 = performance.now()
    await lab.fault(h1, A, 'both')
    await aroundHost(h1, A, B)
    const took = ms(t0)
    t.pass('a dead port on top is still detected')
    await lab.heal(h1, A)
    await aroundHost(h1, A)
    for (const h of members) await start(h)
    await sleep(500)
    return `no failover in 20 s; then a dead port rerouted in ${took}`
  },
})
