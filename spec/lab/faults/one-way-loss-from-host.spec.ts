// Fault matrix: host 1's frames to the switch on LAN A are lost (it still hears); both ends reroute.
import { A, faultScenario } from '../harness/matrix.js'

faultScenario({
  fault: 'one-way loss, host to switch',
  expected: 'both ends reroute',
  run: (t, { lab, h1, rerouteAndBack }) =>
    rerouteAndBack(
      t,
      () => lab.fault(h1, A, 'from-host'),
      () => lab.heal(h1, A),
      'both directions rerouted',
    ),
})
