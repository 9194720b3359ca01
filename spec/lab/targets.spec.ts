// Lab: probe targets (#14 items 1, 2 and 5): two routers that run nothing but the kernel, probed
// by ARP and ICMP by a faild that has no faild peers at all; its default route and a /16 move from
// router A to router B at a dead switch port or a pulled cable, and back.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { addr, withLab } from './harness/lab-test.js'
import { type Host, type Lab, sleep, until } from './harness/netlab.js'

const A = 0
const B = 1
const VIA_DEFAULT = '198.18.200.1'
const IN_16 = '198.19.5.5'

async function targetsOf(lab: Lab, h: Host): Promise<string[]> {
  const s = JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport
  return s.targets.map((x) => `${x.address} ${x.lan} ${x.state}`)
}

/** Host 1 with a config whose targets are routers A (host 2 on LAN A) and B (host 3 on LAN B), plain namespaces. */
function routers(lab: Lab, more: (routerA: string, routerB: string) => object) {
  const [h1, rA, rB] = lab.hosts as [Host, Host, Host]
  const routerA = addr(A, rA.n)
  const routerB = addr(B, rB.n)
  const config = join(lab.dir, 'targets.json')
  writeFileSync(config, JSON.stringify(more(routerA, routerB)))
  return { h1, rA, rB, routerA, routerB, config }
}

const LAB = {
  hosts: 3,
  tools: [
    { program: 'ping', apt: 'iputils-ping' },
    { program: 'arping', apt: 'iputils-arping' },
  ],
}

t.test('routers that run no faild: targets probed, gateway routes follow them', (t) =>
  withLab(t, LAB, async (lab) => {
    const { h1, rA, routerA, routerB, config } = routers(lab, (routerA, routerB) => ({
      // Router A by ARP (the default), router B by ICMP.
      targets: [{ address: routerA }, { address: routerB, lan: 'B', method: 'icmp' }],
      routes: [
        { prefix: '0.0.0.0/0', via: [routerA, routerB] },
        { prefix: '198.19.0.0/16', via: [routerA, routerB] },
      ],
    }))
    // No -r, and no other faild anywhere: the routers are plain namespaces.
    const p1 = await lab.faild(h1, ['-c', config, '-t', '0.1', '-f', '3', '-s', '3'])
    const viaA = `dev etha via ${routerA}`
    const viaB = `dev ethb via ${routerB}`
    await lab.routeBecomes(h1, VIA_DEFAULT, viaA)
    await lab.routeBecomes(h1, IN_16, viaA)
    t.same(await targetsOf(lab, h1), [`${routerA} A up`, `${routerB} B up`], 'both targets up in the status')
    t.match((await lab.faildctl(h1, ['status'])).stdout, /TARGET\s+LAN\s+PROBE\s+STATE/, 'and in its text')

    await lab.fault(rA, A, 'both')
    await lab.routeBecomes(h1, VIA_DEFAULT, viaB)
    await lab.routeBecomes(h1, IN_16, viaB)
    await p1.waitFor(new RegExp(`target ${routerA} LAN A: up -> down \\(missed 3, good 0\\)`))
    t.pass("router A's switch port dies: both prefixes go via router B")
    await lab.heal(rA, A)
    await lab.routeBecomes(h1, VIA_DEFAULT, viaA)
    await lab.routeBecomes(h1, IN_16, viaA)
    t.pass('healed: back via router A')

    await lab.cable(h1, A, false)
    await lab.routeBecomes(h1, VIA_DEFAULT, viaB)
    await p1.waitFor(new RegExp(`target ${routerA} LAN A: up -> down \\(carrier lost here\\)`))
    t.pass("this host's LAN A cable pulled: via router B at once, without waiting for misses")
    await lab.cable(h1, A, true)
    await lab.routeBecomes(h1, VIA_DEFAULT, viaA)
    await until(async () => (await targetsOf(lab, h1))[0] === `${routerA} A up`, 5000, 'router A up again')
    t.pass('plugged back: via router A')
    t.equal(await p1.stop(), 0, 'stops cleanly (every prober ended)')
    t.equal(await lab.faildRoutes(h1), '', "faild's table is empty after the stop")
  }),
)

t.test('failback: false: routes stay on router B after router A heals, until B fails', (t) =>
  withLab(t, LAB, async (lab) => {
    const { h1, rA, rB, routerA, routerB, config } = routers(lab, (routerA, routerB) => ({
      targets: [{ address: routerA }, { address: routerB }],
      routes: [{ prefix: '0.0.0.0/0', via: [routerA, routerB] }],
      failback: false,
    }))
    await lab.faild(h1, ['-c', config, '-t', '0.1', '-f', '3', '-s', '3'])
    const viaA = `dev etha via ${routerA}`
    const viaB = `dev ethb via ${routerB}`
    await lab.routeBecomes(h1, VIA_DEFAULT, viaA)
    await lab.fault(rA, A, 'both')
    await lab.routeBecomes(h1, VIA_DEFAULT, viaB)
    await lab.heal(rA, A)
    await until(async () => (await targetsOf(lab, h1))[0] === `${routerA} A up`, 5000, 'router A up again')
    await sleep(1000) // ten intervals with router A up
    t.equal(await lab.route(h1, VIA_DEFAULT), viaB, 'router A is back and up: the route stays via router B')
    t.match((await lab.faildctl(h1, ['status'])).stdout, /no failback, preferred gateway 198\.18\.1\.2 on LAN A up/)
    await lab.fault(rB, B, 'both')
    await lab.routeBecomes(h1, VIA_DEFAULT, viaA)
    t.pass('router B fails: via router A')
  }),
)

t.test('method arp: a router that drops ICMP is watched by ARP, and a dead port is still found', (t) =>
  withLab(t, { hosts: 3, tools: [{ program: 'arping', apt: 'iputils-arping' }] }, async (lab) => {
    const { h1, rA, routerA, routerB, config } = routers(lab, (routerA, routerB) => ({
      targets: [
        { address: routerA, method: 'arp' },
        { address: routerB, method: 'arp' },
      ],
      routes: [{ prefix: '0.0.0.0/0', via: [routerA, routerB] }],
    }))
    // Router A answers no ping at all: an ICMP target there would never come up.
    await lab.exec(
      rA,
      'nft',
      ['-f', '-'],
      'table inet noping {\n chain in {\n  type filter hook input priority 0;\n  icmp type echo-request drop\n }\n}\n',
    )
    t.equal((await lab.exec(h1, 'ping', ['-c', '1', '-W', '1', routerA])).code, 1, 'router A drops ICMP')
    const p1 = await lab.faild(h1, ['-c', config, '-t', '0.1', '-f', '3', '-s', '3'])
    const viaA = `dev etha via ${routerA}`
    await lab.routeBecomes(h1, VIA_DEFAULT, viaA)
    t.same(await targetsOf(lab, h1), [`${routerA} A up`, `${routerB} B up`], 'both up by ARP')
    await lab.fault(rA, A, 'both')
    await lab.routeBecomes(h1, VIA_DEFAULT, `dev ethb via ${routerB}`)
    await p1.waitFor(new RegExp(`target ${routerA} LAN A: up -> down`))
    t.pass("router A's switch port dies: via router B")
    await lab.heal(rA, A)
    await lab.routeBecomes(h1, VIA_DEFAULT, viaA)
    t.pass('healed: back via router A')
  }),
)
