// Fault matrix: host 1's LAN A cable flaps eight times, out 0.3 s and in 1.1 s: each outage is
// clean (the path comes back cleanly between them, so the loss gate lets it), and flap damping
// holds it down, then lets it back. A cable that flaps faster never even comes back: every
// packet window holds misses (lib/core/path/link-fsm.ts, the degraded-LAN scenario).

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
      await sleep(1100)
    }
    const via = `dev ${h2.ifaces[B]} via ${addr(B, h1.n)}`
    t.equal(await lab.route(h2, addr(A, h1.n)), via, 'after the last flap, host 1 is held on LAN B')
    await procs.get(h2)!.waitFor(/LAN A: flapping \([\d.]+ downs lately\), held down for [\d.]+s/)
    const t0 = performance.now()
    await aroundHost(h1, A)
    return `held on LAN B, released ${ms(t0)} later`
  },
})
