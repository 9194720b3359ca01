// Fault matrix: 50% random loss on LAN A at the matrix's own flags (-s 3): traffic moves off and
// stays off, though runs of three good packets come every few intervals (the recovery loss gate).

import { A, addr, B, faultScenario } from '../harness/matrix.js'
import { sleep } from '../harness/netlab.js'

faultScenario({
  fault: 'badly degraded LAN, 50% random loss',
  expected: 'traffic moves off and stays off',
  run: async (t, { lab, h1, h2, procs, aroundHost }) => {
    await lab.fault(h1, A, 'both', 50)
    await aroundHost(h1, A, B)
    const detour = `dev ${h2.ifaces[B]} via ${addr(B, h1.n)}`
    let back = 0
    for (let i = 0; i < 80; i++) {
      if ((await lab.route(h2, addr(A, h1.n))) !== detour) back++
      await sleep(100)
    }
    const said = procs
      .get(h2)!
      .output.split('\n')
      .filter((l) => l.includes(`peer ${addr(A, h1.n)} LAN A`))
    t.equal(back, 0, 'for 8 s (160 packets due on the path) the traffic stayed off LAN A', { said })
    await lab.heal(h1, A)
    await aroundHost(h1, A)
    return 'moved off, stayed off for 8 s at -s 3, back after healing'
  },
})
