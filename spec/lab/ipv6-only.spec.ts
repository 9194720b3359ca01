// Lab: IPv6-only hosts (no IPv4 anywhere). Three requestors probe over link-local multicast; a
// cable pull, a dead switch port and one-way loss each way at host 1's LAN A each swap the routes
// between LAN A's IPv6 addresses to LAN B, and an IPv6 TCP stream between LAN A addresses loses
// nothing. Then host 1's faild crashes and restarts, and a three-LAN lab does the same.
import t, { type Test } from 'tap'
import { expectRoute6, FAST, faildRoutes6, labKey, withLab } from './harness/lab-test.js'
import { type Direction, type Host, type Lab, type Proc, sleep } from './harness/netlab.js'

const A = 0
const B = 1

/** faild keyed on every host (an IPv6 address a packet gives is followed only with a key). */
async function start(lab: Lab): Promise<Proc[]> {
  const args = [...FAST, '--key-file', labKey(lab)]
  const procs: Proc[] = []
  for (const h of lab.hosts) procs.push(await lab.faild(h, args))
  return procs
}

/** Every pair reaches the other's LAN addresses directly, and no faild table holds a route. */
async function expectDirect(t: Test, lab: Lab): Promise<void> {
  for (const h of lab.hosts) {
    for (const p of lab.hosts) if (p !== h) for (let lan = 0; lan < lab.lans; lan++) await expectRoute6(lab, h, p, lan)
    t.equal(await faildRoutes6(h), '', `${h.ns}: faild's IPv6 table holds nothing`)
  }
}

/** Host 1's LAN A fault: every host reroutes to and from host 1 over LAN B; a TCP stream carries on. */
async function survives(t: Test, lab: Lab, name: string, inject: () => Promise<void>, heal: () => Promise<void>) {
  const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
  await t.test(name, async (t) => {
    const stream = await lab.tcpStream(h2, h1, 5001, 'thin', 6)
    await sleep(300)
    await inject()
    for (const peer of [h2, h3]) {
      await expectRoute6(lab, peer, h1, A, B)
      await expectRoute6(lab, h1, peer, A, B)
    }
    await expectRoute6(lab, h2, h3, A)
    t.pass('every host reroutes to and from host 1 over LAN B; other paths stay on LAN A')
    await sleep(1500)
    await heal()
    for (const peer of [h2, h3]) {
      await expectRoute6(lab, peer, h1, A)
      await expectRoute6(lab, h1, peer, A)
    }
    t.pass('healed: routes restored')
    await sleep(300)
    const r = await stream.stop()
    t.ok(r.bytes > 0, `the stream moved ${r.bytes} bytes`)
    t.equal(r.bytes, r.sent, 'the TCP stream lost nothing')
    t.equal(r.bad, 0, 'and every byte arrived in order')
    t.ok(r.maxGapMs < 1500, `traffic flowed during the fault, not only after the heal (longest gap ${r.maxGapMs} ms)`)
    await expectDirect(t, lab)
  })
}

t.test('IPv6-only: converge, then survive every kind of LAN A fault at host 1, and its crash', (t) =>
  withLab(t, { hosts: 3, ipv6: true, ipv4: false }, async (lab) => {
    const h1 = lab.hosts[0]!
    const procs = await start(lab)
    t.match(procs[0]!.output, /A=\S+ fd\S+\/64 \(IPv6 only: probing ff02::114 from fe80::\S+\)/, 'LAN A is IPv6-only')
    await sleep(800)
    await t.test('converged: nothing swapped', (t) => expectDirect(t, lab))
    const port = (dir: Direction) => [() => lab.fault(h1, A, dir), () => lab.heal(h1, A)] as const
    await survives(
      t,
      lab,
      'cable pull on host 1 LAN A',
      () => lab.cable(h1, A, false),
      () => lab.cable(h1, A, true),
    )
    await survives(t, lab, 'dead switch port', ...port('both'))
    await survives(t, lab, 'one-way loss: host 1 to the switch', ...port('from-host'))
    await survives(t, lab, 'one-way loss: the switch to host 1', ...port('to-host'))
    await t.test("host 1's faild crashes and restarts: no route moves, and it is met again", async (t) => {
      const [h2] = lab.hosts.slice(1) as [Host]
      await procs[0]!.stop('SIGKILL')
      await sleep(1000)
      t.equal(await faildRoutes6(h2), '', 'a peer down on every LAN is gone, not a path: nothing routed')
      procs[0] = await lab.faild(h1, [...FAST, '--key-file', labKey(lab)])
      await sleep(800)
      await lab.fault(h1, A, 'both')
      await expectRoute6(lab, h2, h1, A, B)
      await lab.heal(h1, A)
      await expectRoute6(lab, h2, h1, A)
      t.pass('the restarted host is judged again: a dead port swaps, the heal restores')
    })
  }),
)

t.test('IPv6-only, three LANs: LAN A dead at host 1 goes over LAN B, and over LAN C when B dies too', (t) =>
  withLab(t, { hosts: 2, lans: 3, ipv6: true, ipv4: false }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    await start(lab)
    await sleep(800)
    await lab.fault(h1, A, 'both')
    await expectRoute6(lab, h2, h1, A, B)
    await lab.fault(h1, B, 'both')
    await expectRoute6(lab, h2, h1, A, 2)
    await expectRoute6(lab, h2, h1, B, 2)
    t.pass('both dead LANs go over LAN C')
    await lab.healAll()
    await expectRoute6(lab, h2, h1, A)
    await expectRoute6(lab, h2, h1, B)
    t.equal(await faildRoutes6(h2), '', 'healed: nothing swapped')
  }),
)
