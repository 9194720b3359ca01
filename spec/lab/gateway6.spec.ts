// Lab: IPv6 gateway routes (#15 item 3): dual-stack hosts, two routers that run nothing but the
// kernel (IPv6 forwarding on), probed by neighbour solicitation and ICMPv6 echo; `::/0` and a /48
// go via router A, move to router B when router A's switch port dies, and come back after the
// heal, beside the IPv4 default route doing the same. Then with gateways that run faild, a
// reload that adds a prefix length, and failback: false.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { addr, FAST, labKey, withLab } from './harness/lab-test.js'
import { type Host, type Lab, until } from './harness/netlab.js'

const A = 0
const B = 1
/** Off every LAN: one only the default routes cover, one in the /48. */
const VIA_DEFAULT6 = '2001:db8:77::1'
const IN_48 = '2001:db8:5:1::1'
const VIA_DEFAULT4 = '198.18.200.1'

const LAB = { hosts: 3, ipv6: true, tools: [{ program: 'ping', apt: 'iputils-ping' }] }

async function statusOf(lab: Lab, h: Host): Promise<StatusReport> {
  return JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport
}

/** Routers A (host 2, LAN A) and B (host 3, LAN B), with IPv6 forwarding on, and a config for host 1. */
function routers(lab: Lab, config: (a6: string, b6: string, a4: string, b4: string) => object) {
  const [h1, rA, rB] = lab.hosts as [Host, Host, Host]
  const a6 = lab.address6(A, rA.n)
  const b6 = lab.address6(B, rB.n)
  const path = join(lab.dir, 'gateway6.json')
  writeFileSync(path, JSON.stringify(config(a6, b6, addr(A, rA.n), addr(B, rB.n))))
  return { h1, rA, rB, a6, b6, path }
}

async function forwarding(lab: Lab, ...hosts: Host[]): Promise<void> {
  for (const h of hosts) await lab.exec(h, 'sysctl', ['-qw', 'net.ipv6.conf.all.forwarding=1'])
}

t.test('routers that run nothing: ::/0 and a /48 move from router A to router B and back, IPv4 alongside', (t) =>
  withLab(t, LAB, async (lab) => {
    const { h1, rA, rB, a6, b6, path } = routers(lab, (a6, b6, a4, b4) => ({
      // Router A by neighbour solicitation (the default method), router B by ICMPv6 echo.
      targets: [{ address: a6 }, { address: b6, method: 'icmp' }, { address: a4 }, { address: b4 }],
      routes: [
        { prefix: '::/0', via: [a6, b6] },
        { prefix: '2001:db8:5::/48', via: [a6, b6] },
        { prefix: '0.0.0.0/0', via: [a4, b4] },
      ],
    }))
    await forwarding(lab, rA, rB)
    // Router A answers no ICMPv6 echo: neighbour solicitation alone must find it, MAC and all.
    await lab.exec(
      rA,
      'nft',
      ['-f', '-'],
      'table inet noping {\n chain in {\n  type filter hook input priority 0;\n  icmpv6 type echo-request drop\n }\n}\n',
    )
    t.equal((await lab.exec(h1, 'ping', ['-c', '1', '-W', '1', a6])).code, 1, 'router A drops ICMPv6 echo')
    await lab.exec(h1, 'ip', ['-6', 'neigh', 'flush', 'dev', 'etha']) // its MAC unknown at start
    // No -r and no other faild anywhere: the routers are plain namespaces.
    const p1 = await lab.faild(h1, ['-c', path, '-t', '0.1', '-f', '3', '-s', '3'])
    const viaA = `dev etha via ${a6}`
    const viaB = `dev ethb via ${b6}`
    await lab.routeBecomes(h1, VIA_DEFAULT6, viaA)
    await lab.routeBecomes(h1, IN_48, viaA)
    await lab.routeBecomes(h1, VIA_DEFAULT4, `dev etha via ${addr(A, rA.n)}`)
    t.pass('both IPv6 prefixes, and the IPv4 default, go via router A')
    t.equal(await lab.route(h1, lab.address6(A, 3)), 'dev etha', 'LAN A itself is not routed via a gateway')
    t.equal(await lab.route(h1, lab.address6(B, 2)), 'dev ethb', 'nor LAN B')
    const s = await statusOf(lab, h1)
    t.same(
      s.targets.map((x) => `${x.address} ${x.lan} ${x.method} ${x.state}`),
      [`${a6} A arp up`, `${b6} B icmp up`, `${addr(A, rA.n)} A arp up`, `${addr(B, rB.n)} B arp up`],
      'the IPv6 targets in the status, by their IPv6 address',
    )
    t.match(
      s.routes6?.map((r) => `${r.route} ${r.why}`),
      [`::/0 via ${a6} dev etha src ${lab.address6(A, h1.n)} preferred gateway up`, /^2001:db8:5::\/48 via /],
      'the IPv6 gateway routes in the status, and why',
    )

    await lab.fault(rA, A, 'both')
    await lab.routeBecomes(h1, VIA_DEFAULT6, viaB)
    await lab.routeBecomes(h1, IN_48, viaB)
    await lab.routeBecomes(h1, VIA_DEFAULT4, `dev ethb via ${addr(B, rB.n)}`)
    await p1.waitFor(new RegExp(`target ${a6} LAN A: up -> down \\(missed 3, good 0\\)`))
    await p1.waitFor(new RegExp(`gateway route ::/0 via ${b6} dev ethb`))
    t.pass("router A's switch port dies: both IPv6 prefixes (and IPv4's) go via router B")
    const why = (await statusOf(lab, h1)).routes6?.find((r) => r.route.startsWith('::/0'))?.why
    t.equal(why, `preferred gateway ${a6} on LAN A down`)

    await lab.heal(rA, A)
    await lab.routeBecomes(h1, VIA_DEFAULT6, viaA)
    await lab.routeBecomes(h1, IN_48, viaA)
    t.pass('healed: back via router A')

    await lab.fault(rA, A, 'both')
    await lab.fault(rB, B, 'both')
    await p1.waitFor(/gateway route 2001:db8:5::\/48 withdrawn: no gateway is up/)
    t.not(await lab.route(h1, IN_48), viaA, 'no router up: the /48 is withdrawn')
    await lab.heal(rA, A)
    await lab.heal(rB, B)
    await lab.routeBecomes(h1, VIA_DEFAULT6, viaA)
    t.equal(await p1.stop(), 0, 'stops cleanly')
    const left = (await lab.exec(h1, 'ip', ['-6', 'rule', 'show'])).stdout
    t.notMatch(left, /4207|4208|4209/, "faild's IPv6 rules are gone after the stop")
  }),
)

t.test('gateways that run faild: ::/0 follows their IPv6 paths; a reload adds a /48 and failback: false', (t) =>
  withLab(t, LAB, async (lab) => {
    const { h1, rA, rB, a6, b6, path } = routers(lab, (a6, b6) => ({ routes: [{ prefix: '::/0', via: [a6, b6] }] }))
    await forwarding(lab, rA, rB)
    // A peer's IPv6 address is believed only from signed packets (core/engine/trust6.ts): a key.
    const key = ['--key-file', labKey(lab)]
    await lab.faild(rA, ['-t', '0.1', ...key])
    await lab.faild(rB, ['-t', '0.1', ...key])
    await lab.faild(h1, ['-c', path, ...FAST, ...key])
    const viaA = `dev etha via ${a6}`
    const viaB = `dev ethb via ${b6}`
    await lab.routeBecomes(h1, VIA_DEFAULT6, viaA)
    t.pass('via gateway A, known by the IPv6 address its signed packets carry')
    await lab.fault(rA, A, 'both')
    await lab.routeBecomes(h1, VIA_DEFAULT6, viaB)
    t.pass("gateway A's port dies: via gateway B")
    await lab.heal(rA, A)
    await lab.routeBecomes(h1, VIA_DEFAULT6, viaA)
    t.pass('healed: back via gateway A')

    // A reload adds a /48 and an IPv4 default route, and turns failback off: the tables of both
    // families are renumbered while packets come in, and every prefix is planned afresh.
    const [a4, b4] = [addr(A, rA.n), addr(B, rB.n)]
    writeFileSync(
      path,
      JSON.stringify({
        routes: [
          { prefix: '::/0', via: [a6, b6] },
          { prefix: '2001:db8:5::/48', via: [a6, b6] },
          { prefix: '0.0.0.0/0', via: [a4, b4] },
        ],
        failback: false,
      }),
    )
    t.equal((await lab.faildctl(h1, ['reload'])).code, 0)
    await lab.routeBecomes(h1, IN_48, viaA)
    await lab.routeBecomes(h1, VIA_DEFAULT4, `dev etha via ${a4}`)
    t.equal(await lab.route(h1, VIA_DEFAULT6), viaA, 'reloaded: ::/0 via A in its new table')
    t.match(await lab.exec(h1, 'ip', ['-6', 'rule', 'show']), { stdout: /suppress_prefixlength 48/ })

    await lab.fault(rA, A, 'both')
    await lab.routeBecomes(h1, IN_48, viaB)
    await lab.heal(rA, A)
    await until(
      async () => (await statusOf(lab, h1)).peers.some((p) => p.paths.some((x) => x.ipv6 === a6 && x.state === 'up')),
      10_000,
      "gateway A's path up again",
    )
    t.equal(await lab.route(h1, IN_48), viaB, 'failback: false: gateway A is up again, the /48 stays via gateway B')
    t.equal(await lab.route(h1, VIA_DEFAULT6), viaB, 'and so does ::/0')
    await lab.fault(rB, B, 'both')
    await lab.routeBecomes(h1, VIA_DEFAULT6, viaA)
    t.pass('gateway B fails: via gateway A')
  }),
)
