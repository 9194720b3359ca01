// Fault matrix: host 1's LAN A interface disappears (moved to another namespace) and comes back:
// like a pulled cable, and it recovers.

import { A, addr, B, expectRoute, faultScenario } from '../harness/matrix.js'
import { run } from '../harness/netlab.js'

faultScenario({
  fault: 'interface disappears and comes back',
  expected: 'like a pulled cable; recovers',
  stream: [2, 3],
  run: async (t, { lab, h1, h2, h3, procs, aroundHost }) => {
    await lab.exec(h1, 'ip', ['link', 'set', h1.ifaces[A]!, 'netns', lab.sw])
    for (const p of [h2, h3]) await expectRoute(lab, p, h1, A, B)
    t.pass('gone: peers route host 1 over LAN B at once')
    await procs.get(h1)!.waitFor(/LAN A \(etha\): carrier lost/)
    await run('ip', ['-n', lab.sw, 'link', 'set', h1.ifaces[A]!, 'netns', h1.ns])
    await lab.exec(h1, 'ip', ['addr', 'add', `${addr(A, h1.n)}/24`, 'brd', '+', 'dev', h1.ifaces[A]!])
    await lab.exec(h1, 'ip', ['link', 'set', h1.ifaces[A]!, 'up'])
    await aroundHost(h1, A)
    return 'peers rerouted at once; back to normal when it came back'
  },
})
