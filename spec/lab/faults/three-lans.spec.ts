// Fault matrix: host 1's LAN A dies, then its LAN B: A goes via B, then A and B via C, then back.
import { A, B, C, expectRoute, faultScenario } from '../harness/matrix.js'

faultScenario({
  fault: 'three LANs: A dead, then B dead too',
  expected: 'A to B, then A and B to C',
  run: async (t, { lab, h1, h2, h3, aroundHost }) => {
    await lab.cable(h1, A, false)
    await aroundHost(h1, A, B)
    await lab.fault(h1, B, 'both')
    for (const lan of [A, B]) await aroundHost(h1, lan, C)
    await expectRoute(lab, h2, h3, A)
    t.pass('with A and B dead, both go via C; the others stay direct')
    await lab.heal(h1, B)
    await aroundHost(h1, A, B)
    await lab.cable(h1, A, true)
    await aroundHost(h1, A)
    return 'A via B, then A and B via C, then restored'
  },
})
