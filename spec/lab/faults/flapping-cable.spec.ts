// Fault matrix: host 1's LAN A cable flaps eight times; flap damping holds it down, then lets it back.

import { A, addr, B, faultScenario, ms } from '../harness/matrix.js'
import { sleep } from '../harness/netlab.js'

faultScenario({
  fault: 'flapping cable',
  expected: 'held down by flap damping, then back',
  run: async (t, { lab, h1, h2, procs, aroundHost }) => {
    for (let i = 0; i < 8; i++) {
      await lab.cable(h1, A, false)
      await sleep(300)
      await lab.cable(h1, A, true)
      await sleep(400)
    }
    const via = `dev ${h2.ifaces[B]} via ${addr(B, h1.n)}`
    const stillHeld = await lab.route(h2, addr(A, h1.n))
    await sleep(1000)
    t.equal(
      await lab.route(h2, addr(A, h1.n)),
      via,
      'a second after the flapping stopped, host 1 is still held on LAN B',
    )
    t.equal(stillHeld, via)
    await procs.get(h2)!.waitFor(/LAN A: flapping \([\d.]+ downs lately\), held down for [\d.]+s/)
    const t0 = performance.now()
    await aroundHost(h1, A)
    return `held on LAN B, released ${ms(t0)} later`
  },
})
