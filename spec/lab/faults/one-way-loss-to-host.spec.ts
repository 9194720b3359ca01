// Fault matrix: the switch's frames to host 1 on LAN A are lost (it is still heard); both ends reroute.
import { A, faultScenario } from '../harness/matrix.js'

faultScenario({
  fault: 'one-way loss, switch to host',
  expected: 'both ends reroute',
  run: (t, { lab, h1, rerouteAndBack }) =>
    rerouteAndBack(
      t,
      () => lab.fault(h1, A, 'to-host'),
      () => lab.heal(h1, A),
      'both directions rerouted',
    ),
})
