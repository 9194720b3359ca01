// Fault matrix: host 3 reboots (faild stopped, every cable out, faild started with a new boot id):
// treated as a restart, nothing stale.

import { A, B, C, faultScenario } from '../harness/matrix.js'
import { sleep } from '../harness/netlab.js'

faultScenario({
  fault: 'peer host reboot (new boot id)',
  expected: 'treated as a restart; nothing stale',
  run: async (t, { lab, h3, procs, start, staysClean }) => {
    await procs.get(h3)!.stop()
    for (const l of [A, B, C]) await lab.cable(h3, l, false)
    await sleep(1000)
    for (const l of [A, B, C]) await lab.cable(h3, l, true)
    await start(h3)
    t.equal(await staysClean(1500), undefined, 'no stale route anywhere')
    return 'rejoined as a new run; no stale route'
  },
})
