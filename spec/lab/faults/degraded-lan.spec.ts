// Fault matrix: 50% random loss on LAN A at the matrix's own flags (-s 3): traffic moves off and
// stays off, though runs of three good packets come every few intervals (the link's loss gate).

import { A, addr, B, faultScenario } from '../harness/matrix.js'
import { sleep } from '../harness/netlab.js'

faultScenario({
  fault: 'badly degraded LAN, 50% random loss',
  expected: 'traffic moves off and stays off',
  run: async (t, { lab, h1, h2, procs, aroundHost }) => {
    await lab.fault(h1, A, 'both', 50)
    await aroundHost(h1, A, B)
    const detour = `dev ${h2.ifaces[B]} via ${addr(B, h1.n)}`
    // A path that went down before the loss showed (its first misses a clean run) may come back
    // once; after that it is lossy and stays off: at most one return in 20 s (400 packets due).
    let returns = 0
    let off = true
    for (let i = 0; i < 200; i++) {
      const now = (await lab.route(h2, addr(A, h1.n))) === detour
      if (off && !now) returns++
      off = now
      await sleep(100)
    }
    const said = procs
      .get(h2)!
      .output.split('\n')
      .filter((l) => l.includes(`peer ${addr(A, h1.n)} LAN A`))
    t.ok(returns <= 1, `for 20 s the traffic stayed off LAN A but for ${returns} return(s)`, { said })
    await lab.heal(h1, A)
    await aroundHost(h1, A)
    return `moved off, ${returns} return(s) in 20 s at -s 3, back after healing`
  },
})
