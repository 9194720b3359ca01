// Lab: a responder-only host (no -r) among requestors reroutes too, on a cable pull and when only
// its own packets on LAN A are lost (it still hears INQs, but the requestors tell it they miss it).
import t from 'tap'
import { expectConverged, expectRoute, FAST, withLab } from './harness/lab-test.js'
import { type Host, sleep } from './harness/netlab.js'

const A = 0
const B = 1
const RESPONDER = FAST.filter((f) => f !== '-r')

t.test('6. a responder-only host reroutes too', (t) =>
  withLab(t, { hosts: 3 }, async (lab) => {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    await lab.faild(h1, RESPONDER)
    await lab.faild(h2, FAST)
    await lab.faild(h3, FAST)
    await sleep(500)
    await expectConverged(t, lab)

    const cases = [
      {
        name: 'cable pull on the responder LAN A',
        inject: () => lab.cable(h1, A, false),
        heal: () => lab.cable(h1, A, true),
      },
      {
        name: "the responder's own packets on LAN A lost",
        inject: () => lab.fault(h1, A, 'from-host'),
        heal: () => lab.heal(h1, A),
      },
    ]
    for (const c of cases) {
      await t.test(c.name, async (t) => {
        const stream = await lab.tcpStream(h1, h2)
        await c.inject()
        for (const peer of [h2, h3]) {
          await expectRoute(lab, peer, h1, A, B)
          await expectRoute(lab, h1, peer, A, B)
        }
        t.pass('requestors and the responder all move their A routes to each other over LAN B')
        await sleep(1000)
        await c.heal()
        for (const peer of [h2, h3]) {
          await expectRoute(lab, peer, h1, A)
          await expectRoute(lab, h1, peer, A)
        }
        t.pass('and back when it heals')
        const r = await stream.stop()
        t.equal(r.bytes, r.sent, `the TCP stream from the responder lost nothing (${r.bytes} bytes)`)
        t.equal(r.bad, 0)
      })
    }
  }),
)
