// Fault matrix: host 1's switch port on LAN A drops every frame (links up); peers reroute after f misses.
import { A, faultScenario } from '../harness/matrix.js'

faultScenario({
  fault: 'dead switch port',
  expected: 'reroute after f misses',
  run: (t, { lab, h1, rerouteAndBack }) =>
    rerouteAndBack(
      t,
      () => lab.fault(h1, A, 'both'),
      () => lab.heal(h1, A),
      'rerouted',
    ),
})
