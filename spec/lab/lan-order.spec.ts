// LANs are what they are, not their position: host 2 names its interfaces the other way round
// (-i ethb -i etha, so its LAN "A" is everyone else's B) and host 3 takes part on LAN B only. They
// still pair A with A (by subnet), converge, and fail over at a dead switch port on host 2's real A.
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { expectRoute, FAST, withLab } from './harness/lab-test.js'
import { type Host, type Lab, until } from './harness/netlab.js'

const A = 0
const B = 1

const status = async (lab: Lab, h: Host): Promise<StatusReport> =>
  JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport

/** h hears `peers` peers, every path it knows of up. */
async function hears(lab: Lab, h: Host, peers: number, paths: number): Promise<boolean> {
  const s = await status(lab, h)
  const up = s.peers.reduce((n, p) => n + p.paths.filter((x) => x.state === 'up').length, 0)
  return s.peers.length === peers && up === paths
}

t.test('LANs in another order, and a host on one LAN only: paired by subnet', (t) =>
  withLab(t, { hosts: 3 }, async (lab) => {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    await lab.faild(h1, FAST)
    await lab.faild(h2, [...FAST, '-i', h2.ifaces[B]!, '-i', h2.ifaces[A]!])
    await lab.faild(h3, [...FAST, '-i', h3.ifaces[B]!])
    await until(() => hears(lab, h1, 2, 3), 5000, 'host 1 hears host 2 on both LANs and host 3 on B')
    await until(() => hears(lab, h2, 2, 3), 5000, 'host 2 too, in its own LAN order')
    await until(() => hears(lab, h3, 2, 2), 5000, 'host 3 hears both on its one LAN')
    const s2 = await status(lab, h2)
    const peer1 = s2.peers.find((p) => p.id === lab.address(A, 1))!
    t.same(
      peer1.paths.map((p) => [p.lan, p.address]),
      [
        ['A', lab.address(B, 1)],
        ['B', lab.address(A, 1)],
      ],
      "host 2's LAN A (ethb) pairs with host 1's B address, its B (etha) with host 1's A",
    )
    t.equal(await lab.faildRoutes(h1), '', 'nothing swapped')

    // Host 2's switch port on the real LAN A (its etha, its own "B") dies.
    await lab.fault(h2, A, 'both')
    await expectRoute(lab, h1, h2, A, B)
    await expectRoute(lab, h2, h1, A, B)
    t.pass('hosts 1 and 2 reroute to each other over the real LAN B')
    t.equal(await lab.faildRoutes(h3), '', 'host 3, on LAN B only, has nothing to reroute')
    await lab.heal(h2, A)
    await expectRoute(lab, h1, h2, A)
    await expectRoute(lab, h2, h1, A)
    t.pass('healed: back on LAN A')
  }),
)
