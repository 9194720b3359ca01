// Fault matrix: host 1 loses every LAN, then gets LAN B back: nothing is routed for a peer dead
// everywhere, and the first LAN back carries it.

import { A, B, C, faultScenario } from '../harness/matrix.js'
import { sleep } from '../harness/netlab.js'

faultScenario({
  fault: 'both LANs dead to a peer, then one back',
  expected: 'nothing routed for a dead peer; the first LAN back carries it',
  run: async (t, { lab, h1, h2, h3, aroundHost }) => {
    await lab.cable(h1, A, false)
    await lab.cable(h1, B, false)
    await lab.cable(h1, C, false)
    await sleep(1500)
    for (const p of [h2, h3]) t.equal(await lab.faildRoutes(p), '', `${p.ns} routes nothing for a peer dead everywhere`)
    await lab.cable(h1, B, true)
    await aroundHost(h1, A, B)
    t.pass('LAN B back: A traffic goes over B')
    await lab.cable(h1, A, true)
    await lab.cable(h1, C, true)
    await aroundHost(h1, A)
    return 'no ghost routes while dead; rerouted over B, then restored'
  },
})
