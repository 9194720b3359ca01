// Fault matrix: faild's route and rule deleted by hand on host 2: put back within about a second.
import { A, B, expectRoute, faultScenario, ms } from '../harness/matrix.js'

faultScenario({
  fault: "faild's route and rule deleted by hand",
  expected: 'put back within about a second',
  run: async (t, { lab, h1, h2, procs, aroundHost }) => {
    await lab.fault(h1, A, 'both')
    await expectRoute(lab, h2, h1, A, B)
    await lab.exec(h2, 'ip', ['route', 'flush', 'table', '4207'])
    await lab.exec(h2, 'ip', ['rule', 'del', 'pref', '32000'])
    const t0 = performance.now()
    await expectRoute(lab, h2, h1, A, B)
    const took = ms(t0)
    t.match(
      (await lab.exec(h2, 'ip', ['rule', 'show'])).stdout,
      /32000:\s+not from all ipproto udp sport 4207 lookup 4207 proto 250/,
      'the rule is back',
    )
    await procs.get(h2)!.waitFor(/the kernel differs from what faild installed, putting it right/)
    await lab.heal(h1, A)
    await aroundHost(h1, A)
    return `route and rule back in ${took}`
  },
})
