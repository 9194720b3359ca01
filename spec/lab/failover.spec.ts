// Lab: three requestors on two LANs; cable pull, dead switch port and one-way loss on LAN A,
// asserted from outside with `ip route get` and a real TCP stream between A addresses.
import t, { type Test } from 'tap'
import { addr, expectConverged, expectRoute, FAST, faildEverywhere, withLab } from './harness/lab-test.js'
import { type Direction, type Host, sleep } from './harness/netlab.js'

const A = 0
const B = 1

t.test('three requestors: converge, then survive every kind of LAN A fault at host 1', (t) =>
  withLab(t, { hosts: 3 }, async (lab) => {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    const [p1, p2] = await faildEverywhere(lab, FAST)
    await sleep(500)
    await t.test('1. converged: nothing swapped', (t) => expectConverged(t, lab))

    /** Every host reroutes to and from h1 over B; h2 <-> h3 stays on A; a TCP stream carries on. */
    const survives = async (
      name: string,
      inject: () => Promise<void>,
      heal: () => Promise<void>,
      also?: (t: Test) => void,
    ) => {
      await t.test(name, async (t) => {
        const stream = await lab.tcpStream(h2, h1)
        await sleep(300)
        await inject()
        for (const peer of [h2, h3]) {
          await expectRoute(lab, peer, h1, A, B)
          await expectRoute(lab, h1, peer, A, B)
        }
        await expectRoute(lab, h2, h3, A)
        t.pass('every host reroutes to and from host 1 over LAN B; other paths stay on LAN A')
        also?.(t)
        const probe = ['ipproto', 'udp', 'sport', '4207', 'dport', '4207']
        t.equal(
          await lab.route(h2, addr(A, 1), probe),
          'dev etha',
          "faild's own probes to host 1's A address still take LAN A",
        )
        await sleep(1500)
        await heal()
        for (const peer of [h2, h3]) {
          await expectRoute(lab, peer, h1, A)
          await expectRoute(lab, h1, peer, A)
        }
        t.pass('healed: routes restored')
        await sleep(300)
        const r = await stream.stop()
        t.ok(r.bytes > 0, `the stream moved ${r.bytes} bytes`)
        t.equal(r.bytes, r.sent, 'the TCP stream lost nothing')
        t.equal(r.bad, 0, 'and every byte arrived in order')
        t.ok(
          r.maxGapMs < 1500,
          `traffic flowed during the fault, not only after the heal (longest gap ${r.maxGapMs} ms)`,
        )
        await expectConverged(t, lab)
      })
    }
    const port = (dir: Direction) => [() => lab.fault(h1, A, dir), () => lab.heal(h1, A)] as const
    await survives(
      '2-3. cable pull on host 1 LAN A, then heal',
      () => lab.cable(h1, A, false),
      () => lab.cable(h1, A, true),
      (t) => {
        t.match(
          p1!.output,
          /LAN A \(etha\): carrier lost; every path on it is down, peers told over the other LANs/,
          'host 1 sees the carrier loss',
        )
        t.match(
          p2!.output,
          /peer 198\.18\.1\.1 LAN A: up -> down \([^)]*peer says its LAN is out of service\)/,
          'and its peers hear of it, without waiting for misses',
        )
      },
    )
    await survives('4. dead switch port (frames dropped, links up)', ...port('both'))
    await survives('5a. one-way loss: host 1 to the switch on LAN A', ...port('from-host'))
    await survives('5b. one-way loss: the switch to host 1 on LAN A', ...port('to-host'))
  }),
)
