// Lab: three LANs: when A fails, A moves to B; when B fails too, both move to C; then back.
import t from 'tap'
import { expectConverged, expectRoute, FAST, withLab } from './harness/lab-test.js'
import { type Host, sleep } from './harness/netlab.js'

const [A, B, C] = [0, 1, 2]

t.test('9. three LANs: A fails to B, then B to C', (t) =>
  withLab(t, { hosts: 3, lans: 3 }, async (lab) => {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    for (const h of lab.hosts) await lab.faild(h, FAST)
    await sleep(500)
    await expectConverged(t, lab)

    await lab.cable(h1, A, false)
    for (const peer of [h2, h3]) {
      await expectRoute(lab, peer, h1, A, B)
      await expectRoute(lab, h1, peer, A, B)
    }
    t.pass('LAN A to host 1 goes via LAN B, the first LAN that works')

    await lab.fault(h1, B, 'both')
    for (const peer of [h2, h3]) {
      for (const lan of [A, B]) {
        await expectRoute(lab, peer, h1, lan, C)
        await expectRoute(lab, h1, peer, lan, C)
      }
    }
    await expectRoute(lab, h2, h3, A)
    t.pass('with B dead too, A and B traffic to host 1 goes via LAN C; others untouched')

    await lab.heal(h1, B)
    for (const peer of [h2, h3]) await expectRoute(lab, peer, h1, A, B)
    await lab.cable(h1, A, true)
    await sleep(300)
    await expectConverged(t, lab)
  }),
)
