// Fault matrix: host 1's faild is paused for 3 s (SIGSTOP), then resumed: no false failover anywhere.
import { faultScenario } from '../harness/matrix.js'

faultScenario({
  fault: 'daemon paused (SIGSTOP 3 s), then resumed',
  expected: 'no false failover anywhere',
  stream: [2, 3],
  run: async (t, { h1, procs, staysClean }) => {
    procs.get(h1)!.child.kill('SIGSTOP')
    const during = await staysClean(3000)
    procs.get(h1)!.child.kill('SIGCONT')
    const after = await staysClean(2000)
    t.equal(during, undefined, 'while host 1 is paused its peers swap nothing (a silent peer is gone, not a path)')
    t.equal(after, undefined, 'after it resumes nobody swaps anything')
    return 'no route moved during or after'
  },
})
