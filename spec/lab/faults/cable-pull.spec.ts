// Fault matrix: a pulled cable on host 1 LAN A; every peer reroutes at once, told over the other LANs.
import { A, faultScenario } from '../harness/matrix.js'

faultScenario({
  fault: 'cable pull',
  expected: 'peers reroute at once (carrier notice)',
  run: (t, { lab, h1, rerouteAndBack }) =>
    rerouteAndBack(
      t,
      () => lab.cable(h1, A, false),
      () => lab.cable(h1, A, true),
      'every member reroutes to and from host 1 over LAN B',
    ),
})
