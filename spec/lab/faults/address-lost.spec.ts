// Fault matrix: host 1's LAN A interface loses its address: peers reroute, faild keeps answering,
// and recovers when the address comes back.
import { A, addr, B, expectRoute, faultScenario } from '../harness/matrix.js'

faultScenario({
  fault: 'interface loses its address',
  expected: 'no hang; rerouted; recovers when it comes back',
  stream: [2, 3],
  run: async (t, { lab, h1, h2, h3, aroundHost }) => {
    await lab.exec(h1, 'ip', ['addr', 'del', `${addr(A, h1.n)}/24`, 'dev', h1.ifaces[A]!])
    for (const p of [h2, h3]) await expectRoute(lab, p, h1, A, B)
    t.pass("peers route host 1's A address over LAN B")
    t.equal((await lab.faildctl(h1, ['status'])).code, 0, 'host 1 still answers faildctl')
    await lab.exec(h1, 'ip', ['addr', 'add', `${addr(A, h1.n)}/24`, 'brd', '+', 'dev', h1.ifaces[A]!])
    await aroundHost(h1, A)
    return 'peers rerouted; faild kept answering; restored when the address came back'
  },
})
