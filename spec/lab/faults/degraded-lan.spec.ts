// Fault matrix: 50% random loss on LAN A (with -s 10): traffic moves off and does not flap back.

import { A, addr, B, faultScenario } from '../harness/matrix.js'
import { sleep } from '../harness/netlab.js'

faultScenario({
  fault: 'badly degraded LAN, 50% random loss',
  expected: 'traffic moves off and does not flap back',
  run: async (t, { lab, h1, h2, members, KEYED, start, aroundHost }) => {
    for (const h of members) await start(h, [...KEYED, '-s', '10'])
    await sleep(500)
    await lab.fault(h1, A, 'both', 50)
    await aroundHost(h1, A, B)
    let back = 0
    for (let i = 0; i < 40; i++) {
      if ((await lab.route(h2, addr(A, h1.n))) !== `dev ${h2.ifaces[B]} via ${addr(B, h1.n)}`) back++
      await sleep(200)
    }
    t.equal(back, 0, 'for 8 s the traffic stayed off LAN A')
    await lab.heal(h1, A)
    await aroundHost(h1, A)
    for (const h of members) await start(h)
    await sleep(500)
    return 'moved off, stayed off for 8 s (-s 10), back after healing'
  },
})
