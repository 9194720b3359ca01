// Addresses as people configure them: `ip addr add A/24 dev X` sets no broadcast address. Hosts 1
// and 2 are configured so, host 3 with `brd +`; faild finds every LAN by itself, and the three
// hear each other and fail over as usual (INQs go to 255.255.255.255, which every host accepts).
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { expectConverged, expectRoute, FAST, faildEverywhere, withLab } from './harness/lab-test.js'
import { type Host, type Lab, until } from './harness/netlab.js'

const A = 0
const B = 1

/** h hears both other hosts up on both LANs. */
async function hearsAll(lab: Lab, h: Host): Promise<boolean> {
  const s = JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport
  return s.peers.length === 2 && s.peers.every((p) => p.paths.length === 2 && p.paths.every((x) => x.state === 'up'))
}

t.test('hosts without broadcast addresses: found, heard, failed over and back', (t) =>
  withLab(t, { hosts: 3, noBroadcast: [1, 2] }, async (lab) => {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    const shown = await lab.exec(h1, 'ip', ['-4', '-o', 'addr', 'show', 'dev', h1.ifaces[A]!])
    t.notMatch(shown.stdout, / brd /, 'host 1 has no broadcast address on LAN A')
    const [p1] = await faildEverywhere(lab, FAST) // no -i: the default detection must take these LANs
    t.match(p1!.output, /LANs A=\S+ 198\.18\.1\.1\/24, B=\S+ 198\.18\.2\.1\/24/, 'host 1 found both LANs by itself')
    for (const h of lab.hosts) await until(() => hearsAll(lab, h), 5000, `${h.ns} hears both others on both LANs`)
    await t.test('converged: nothing swapped', (t) => expectConverged(t, lab))
    await lab.fault(h1, A, 'both')
    for (const peer of [h2, h3]) {
      await expectRoute(lab, peer, h1, A, B)
      await expectRoute(lab, h1, peer, A, B)
    }
    t.pass('a dead switch port on host 1 LAN A: every host reroutes to and from host 1 over LAN B')
    await lab.heal(h1, A)
    await t.test('healed: back to LAN A everywhere', (t) => expectConverged(t, lab))
  }),
)
