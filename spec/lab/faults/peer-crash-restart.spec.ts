// Fault matrix: host 3's faild is killed (-9) and started again: nothing swapped; it rejoins as restarted.
import { faultScenario } from '../harness/matrix.js'

faultScenario({
  fault: 'peer daemon crash and restart',
  expected: 'no ghost routes; it rejoins',
  run: async (t, { h1, h3, procs, start, staysClean }) => {
    await procs.get(h3)!.stop('SIGKILL')
    const ghost = await staysClean(2000)
    t.equal(ghost, undefined, 'a silent peer is gone, not a failed path: nothing swapped')
    await start(h3)
    await procs.get(h1)!.waitFor(/peer 198\.18\.1\.3 restarted/)
    return 'nothing swapped; "restarted" logged on rejoin'
  },
})
