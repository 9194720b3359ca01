// Fault matrix: host 4 runs faild under another cluster name on the same LANs: ignored both ways.
import { A, addr, faultScenario } from '../harness/matrix.js'

faultScenario({
  fault: 'wrong cluster name on the LANs',
  expected: 'ignored both ways',
  run: async (t, { lab, h1, h4, status, staysClean }) => {
    const s1 = await status(h1)
    t.notOk(
      s1.peers.some((p) => p.id === addr(A, h4.n)),
      'host 4 (another cluster) is no peer of host 1',
    )
    t.ok((s1.packets.drops['wrong-cluster'] ?? 0) > 0, `wrong-cluster: ${s1.packets.drops['wrong-cluster']}`)
    t.equal((await status(h4)).peers.length, 0, 'and host 4 has no peers')
    await lab.cable(h4, A, false)
    t.equal(await staysClean(1000), undefined, 'its cable pulled: nothing moves in this cluster')
    return `ignored (${s1.packets.drops['wrong-cluster']} packets dropped on host 1)`
  },
})
