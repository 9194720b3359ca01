// Lab: a LAN whose switch filters broadcast: peers listed in staticPeers are probed by unicast
// INQs, so their paths on that LAN are watched, and fail over, like any other.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { addr, expectRoute, FAST, withLab } from './harness/lab-test.js'
import { type Host, sleep } from './harness/netlab.js'

const A = 0
const B = 1

t.test('broadcast filtered on LAN B: static peers are probed by unicast and fail over', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    await lab.filterBroadcast(B)
    const config = (h: Host, peer: Host) => {
      const path = join(lab.dir, `${h.ns}.json`)
      writeFileSync(path, JSON.stringify({ staticPeers: [addr(A, peer.n), addr(B, peer.n)] }))
      return path
    }
    const p1 = await lab.faild(h1, [...FAST, '-c', config(h1, h2)])
    await lab.faild(h2, [...FAST, '-c', config(h2, h1)])
    await sleep(1000)
    const paths = async (h: Host) =>
      (JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport).peers[0]?.paths.map(
        (p) => p.state,
      )
    t.same(await paths(h1), ['up', 'up'], 'host 1 sees host 2 up on LAN B though no broadcast crosses it')
    t.same(await paths(h2), ['up', 'up'], 'and host 2 sees host 1')
    await lab.fault(h2, B, 'both')
    await expectRoute(lab, h1, h2, B, A)
    t.pass("a dead port on LAN B moves host 2's B address over LAN A")
    await lab.heal(h2, B)
    await expectRoute(lab, h1, h2, B)
    const drops = (JSON.parse((await lab.faildctl(h1, ['status', '--json'])).stdout) as StatusReport).packets.drops
    t.ok(
      (drops['duplicate-inq'] ?? 0) > 0,
      `on LAN A, where broadcast works, the unicast copy is dropped, not counted twice (${drops['duplicate-inq']})`,
    )
    t.notMatch(p1.output, /replayed/)
  }),
)
