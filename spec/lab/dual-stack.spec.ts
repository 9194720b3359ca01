// Lab: dual-stack hosts and one IPv4-only host on two LANs. A dead switch port at host 1's LAN A
// swaps host 1's IPv4 and IPv6 routes together at every dual-stack peer (and theirs at host 1),
// an IPv6 TCP stream between LAN A addresses carries on over LAN B, and the IPv4-only host gets
// IPv4 swaps only: each pair uses what both have.
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { addr, expectRoute, expectRoute6, FAST, faildRoutes6, labKey, withLab } from './harness/lab-test.js'
import { type Host, type Lab, run, sleep } from './harness/netlab.js'

const A = 0
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const status = async (lab: Lab, h: Host) =>
  JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport
const B = 1

t.test('dual-stack: one fault swaps both families; an IPv4-only host gets IPv4 swaps only', (t) =>
  withLab(t, { hosts: 3, ipv6: true }, async (lab) => {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    for (let lan = 0; lan < lab.lans; lan++)
      await lab.exec(h3, 'ip', ['addr', 'del', `${lab.address6(lan, h3.n)}/64`, 'dev', h3.ifaces[lan]!])
    const args = [...FAST, '--key-file', labKey(lab)]
    const [p1, p2] = [await lab.faild(h1, args), await lab.faild(h2, args), await lab.faild(h3, args)]
    t.match(
      p1!.output,
      new RegExp(`A=${h1.ifaces[A]} ${addr(A, 1).replaceAll('.', '\\.')}/24 ${lab.address6(A, 1)}/64`),
    )
    await sleep(800)
    for (const h of lab.hosts) t.equal(await faildRoutes6(h), '', `${h.ns}: faild's IPv6 table holds nothing`)
    const whatIf = (await lab.faildctl(h2, ['what-if', 'offline', 'A'])).stdout
    t.match(whatIf, new RegExp(`add\\s+${esc(lab.address6(A, 1))} via ${esc(lab.address6(B, 1))} dev ${h2.ifaces[B]}`))
    t.notMatch(whatIf, new RegExp(`add\\s+${esc(lab.address6(A, 3))}`), 'what-if: no IPv6 swap to the IPv4-only host')

    const stream = await lab.tcpStream(h2, h1, 5001, 'thin', 6)
    await sleep(300)
    await lab.fault(h1, A, 'both')
    await expectRoute(lab, h2, h1, A, B)
    await expectRoute6(lab, h2, h1, A, B)
    await expectRoute6(lab, h1, h2, A, B)
    await expectRoute(lab, h3, h1, A, B)
    await expectRoute(lab, h1, h3, A, B)
    t.pass("host 2 and host 1 route each other's LAN A addresses of both families over LAN B; host 3 its IPv4 ones")
    t.equal(await faildRoutes6(h3), '', 'the IPv4-only host has no IPv6 route')
    const on1 = await faildRoutes6(h1)
    t.equal(on1.split('\n').length, 1, `host 1 has one IPv6 swap, to host 2 only: ${on1}`)
    t.match(on1, `${lab.address6(A, 2)} via ${lab.address6(B, 2)} dev ${h1.ifaces[B]}`)
    t.match(on1, `src ${lab.address6(A, 1)}`, "the swap keeps host 1's LAN A address as the source")
    await p2!.waitFor(new RegExp(`route ${lab.address6(A, 1)} via ${lab.address6(B, 1)} dev`))
    t.pass("host 2's log names the IPv6 swap")
    const s2 = await status(lab, h2)
    const peer1 = s2.peers.find((p) => p.paths.some((x) => x.address === addr(A, 1)))
    t.same(
      peer1?.paths.map((x) => x.ipv6),
      [lab.address6(A, 1), lab.address6(B, 1)],
      "status: host 1's IPv6 addresses",
    )
    const peer3 = s2.peers.find((p) => p.paths.some((x) => x.address === addr(A, 3)))
    t.same(
      peer3?.paths.map((x) => x.ipv6),
      [null, null],
      'and none for the IPv4-only host',
    )
    t.same(
      s2.routes6?.map((r) => r.route),
      [`${lab.address6(A, 1)} via ${lab.address6(B, 1)} dev ${h2.ifaces[B]} src ${lab.address6(A, 2)}`],
    )
    const why4 = s2.routes.find((r) => r.route.startsWith(`${addr(A, 1)} via`))?.why
    t.equal(s2.routes6?.[0]?.why, why4, 'the IPv6 route says why as its IPv4 twin does')
    t.same((await status(lab, h3)).routes6, [], 'the IPv4-only host: no IPv6 route in its status')

    await sleep(1500)
    await lab.heal(h1, A)
    await expectRoute6(lab, h2, h1, A)
    await expectRoute6(lab, h1, h2, A)
    await expectRoute(lab, h3, h1, A)
    t.pass('healed: both families direct again')
    await p2!.waitFor(new RegExp(`route ${lab.address6(A, 1)} restored to its own LAN`))
    await sleep(300)
    const r = await stream.stop()
    t.ok(r.bytes > 0, `the IPv6 stream moved ${r.bytes} bytes`)
    t.equal(r.bytes, r.sent, 'the IPv6 TCP stream lost nothing')
    t.equal(r.bad, 0, 'and every byte arrived in order')
    t.ok(r.maxGapMs < 1500, `traffic flowed during the fault, not only after the heal (longest gap ${r.maxGapMs} ms)`)

    await lab.fault(h1, A, 'both')
    await expectRoute6(lab, h2, h1, A, B)
    await p1!.stop()
    const rules = await run('ip', ['-6', '-n', h1.ns, 'rule', 'show'])
    t.notMatch(rules.stdout, /lookup 4207/, 'stopped: its IPv6 rule is gone')
    t.equal(await faildRoutes6(h1), '', 'and its IPv6 routes')
    await lab.heal(h1, A)
  }),
)

t.test('IPv6 given after faild started (SLAAC late): its IPv6 rules and swaps come then', (t) =>
  withLab(t, { hosts: 2, ipv6: true }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    const v6 = (h: Host, lan: number, op: 'add' | 'del') =>
      lab.exec(h, 'ip', [
        'addr',
        op,
        `${lab.address6(lan, h.n)}/64`,
        'dev',
        h.ifaces[lan]!,
        ...(op === 'add' ? ['nodad'] : []),
      ])
    const rule6 = async (h: Host) => (await run('ip', ['-6', '-n', h.ns, 'rule', 'show'])).stdout
    for (const h of lab.hosts) for (let lan = 0; lan < lab.lans; lan++) await v6(h, lan, 'del')
    const args = [...FAST, '--key-file', labKey(lab)]
    const [p1, p2] = [await lab.faild(h1, args), await lab.faild(h2, args)]
    await sleep(500)
    t.notMatch(await rule6(h2), /lookup 4207/, 'no IPv6 address at start: no IPv6 rule')
    for (const h of lab.hosts) for (let lan = 0; lan < lab.lans; lan++) await v6(h, lan, 'add')
    await p2.waitFor(/IPv6 routes: a LAN has an IPv6 address now/)
    await p1.waitFor(/IPv6 routes: a LAN has an IPv6 address now/)
    t.match(await rule6(h2), /lookup 4207/, 'the IPv6 rule goes in once a LAN has an address')
    await sleep(800) // the peers' next packets carry their IPv6 addresses
    await lab.fault(h1, A, 'both')
    await expectRoute6(lab, h2, h1, A, B)
    t.pass("host 2 routes host 1's LAN A IPv6 address over LAN B")
    await lab.heal(h1, A)
    await p2.stop()
    t.notMatch(await rule6(h2), /lookup 4207/, 'stopped: its IPv6 rule is gone')
    t.equal(await faildRoutes6(h2), '', 'and its IPv6 routes')
  }),
)
