// A cluster upgraded host by host: two hosts speak wire format 2, one only v1 (wireVersion 1, as
// faild 0.1 sends); all three hear each other, fail over at a dead switch port and come back.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { expectConverged, expectRoute, FAST, withLab } from './harness/lab-test.js'
import { type Host, type Lab, until } from './harness/netlab.js'

const A = 0
const B = 1

const status = async (lab: Lab, h: Host): Promise<StatusReport> =>
  JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport

/** h hears both other hosts up on both LANs. */
async function hearsAll(lab: Lab, h: Host): Promise<boolean> {
  const s = await status(lab, h)
  return s.peers.length === 2 && s.peers.every((p) => p.paths.length === 2 && p.paths.every((x) => x.state === 'up'))
}

t.test('two v2 hosts and a v1 host: heard, failed over and back', (t) =>
  withLab(t, { hosts: 3 }, async (lab) => {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    const v1 = join(lab.dir, 'v1.json')
    writeFileSync(v1, JSON.stringify({ wireVersion: 1 }))
    await lab.faild(h1, FAST)
    await lab.faild(h2, FAST)
    await lab.faild(h3, [...FAST, '-c', v1])
    for (const h of lab.hosts) await until(() => hearsAll(lab, h), 5000, `${h.ns} hears both others on both LANs`)
    await t.test('converged: nothing swapped', (t) => expectConverged(t, lab))
    const v1Drops = (await status(lab, h3)).packets.drops.ERR_BAD_VERSION ?? 0
    t.ok(v1Drops > 0, `the v1 host drops the v2 packets it cannot read (${v1Drops})`)
    const v2Drops = (await status(lab, h1)).packets.drops
    const unread = Object.keys(v2Drops).filter((k) => k.startsWith('ERR_') || k === 'unpaired-lan')
    t.same(unread, [], `a v2 host reads everything it hears (${JSON.stringify(v2Drops)})`)

    // The v1 host's switch port dies: the v2 hosts find it from v1 packets, and it finds them from
    // their v1 copies. Then a v2 host's: the v1 host hears only its v1 copies.
    for (const [h, others] of [
      [h3, [h1, h2]],
      [h1, [h2, h3]],
    ] as const) {
      await lab.fault(h, A, 'both')
      for (const peer of others) {
        await expectRoute(lab, peer, h, A, B)
        await expectRoute(lab, h, peer, A, B)
      }
      t.pass(`a dead switch port on ${h === h3 ? 'the v1 host' : 'a v2 host'}: every host reroutes to and from it`)
      await lab.heal(h, A)
      await t.test('healed: back to LAN A everywhere', (t) => expectConverged(t, lab))
    }
  }),
)
