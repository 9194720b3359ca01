// Fault matrix: host 1's LAN A cable flaps eight times (0.3 s out, 0.4 s in). Its peers see a path
// that keeps missing packets while it comes back: lossy, so the loss gate keeps it down (flap
// damping, for flaps far enough apart that each outage is clean, is in spec/core/engine). Once the
// flapping stops, the traffic comes back.

import { A, addr, B, faultScenario, ms } from '../harness/matrix.js'
import { sleep } from '../harness/netlab.js'

faultScenario({
  fault: 'flapping cable',
  expected: 'kept on LAN B while it flaps, then back',
  run: async (t, { lab, h1, h2, aroundHost }) => {
    const via = `dev ${h2.ifaces[B]} via ${addr(B, h1.n)}`
    let back = 0
    for (let i = 0; i < 8; i++) {
      await lab.cable(h1, A, false)
      await sleep(300)
      await lab.cable(h1, A, true)
      await sleep(400)
      if (i >= 2 && (await lab.route(h2, addr(A, h1.n))) !== via) back++
    }
    t.equal(back, 0, 'from the third flap on, host 2 kept host 1 on LAN B at the end of every flap')
    const t0 = performance.now()
    await aroundHost(h1, A)
    return `kept on LAN B, back on A ${ms(t0)} after the flapping stopped`
  },
})
