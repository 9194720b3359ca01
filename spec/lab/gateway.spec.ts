// Lab: gateway routes (the ISP failover and dual-router case): a default route and a /16 go via
// gateway A while it is up, via gateway B while it is down, and back; the main table is untouched.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { addr, FAST, withLab } from './harness/lab-test.js'
import type { Host } from './harness/netlab.js'

const A = 0
const B = 1
/** Destinations off every LAN: one only the default route covers, one in the /16. */
const VIA_DEFAULT = '198.18.200.1'
const IN_16 = '198.19.5.5'

t.test('gateway routes: default and a /16 move from gateway A to gateway B and back', (t) =>
  withLab(t, { hosts: 3 }, async (lab) => {
    const [h1, gwA, gwB] = lab.hosts as [Host, Host, Host]
    const gatewayA = addr(A, gwA.n)
    const gatewayB = addr(B, gwB.n)
    const config = join(lab.dir, 'gw.json')
    writeFileSync(
      config,
      JSON.stringify({
        routes: [
          { prefix: '0.0.0.0/0', via: [gatewayA, gatewayB] },
          { prefix: '198.19.0.0/16', via: [gatewayA, gatewayB] },
        ],
      }),
    )
    // A route of the operator's own, more specific than the /16: it must keep winning.
    await lab.exec(h1, 'ip', ['route', 'add', '198.19.7.0/24', 'via', addr(B, 3)])
    const mainBefore = (await lab.exec(h1, 'ip', ['route', 'show', 'table', 'main'])).stdout
    await lab.faild(gwA, ['-t', '0.1'])
    await lab.faild(gwB, ['-t', '0.1'])
    const p1 = await lab.faild(h1, ['-c', config, ...FAST])
    const viaA = `dev etha via ${gatewayA}`
    const viaB = `dev ethb via ${gatewayB}`

    await lab.routeBecomes(h1, VIA_DEFAULT, viaA)
    await lab.routeBecomes(h1, IN_16, viaA)
    t.pass('both prefixes go via gateway A while it is up')
    t.equal(
      await lab.route(h1, '198.19.7.1'),
      `dev ethb via ${addr(B, 3)}`,
      "the main table's more specific route still wins",
    )
    t.equal(await lab.route(h1, addr(A, 3)), 'dev etha', 'LAN A itself is not routed via a gateway')
    t.equal(await lab.route(h1, addr(B, 2)), 'dev ethb', 'nor LAN B')
    const status = (await lab.faildctl(h1, ['status'])).stdout
    t.match(status, /0\.0\.0\.0\/0 via 198\.18\.1\.2 dev etha src 198\.18\.1\.1\s+420\d\s+preferred gateway up/)

    await lab.cable(gwA, A, false)
    await lab.routeBecomes(h1, VIA_DEFAULT, viaB)
    await lab.routeBecomes(h1, IN_16, viaB)
    t.pass('gateway A lost LAN A: both prefixes go via gateway B')
    await p1.waitFor(
      /gateway route 0\.0\.0\.0\/0 via 198\.18\.2\.3 dev ethb src 198\.18\.2\.1 \(preferred gateway 198\.18\.1\.2 on LAN A down\)/,
    )
    t.equal(await lab.route(h1, addr(A, 3)), 'dev etha', 'LAN A traffic to other hosts stays on LAN A')

    const watch = await lab.watchRoutes(h1)
    t.equal((await lab.faildctl(h1, ['reload'])).code, 0)
    t.equal(await watch.next(/^Deleted/, 1500), undefined, 'a reload withdraws no route, not even for a moment')
    await watch.stop()

    await lab.cable(gwA, A, true)
    await lab.routeBecomes(h1, VIA_DEFAULT, viaA)
    await lab.routeBecomes(h1, IN_16, viaA)
    t.pass('gateway A recovered: back via gateway A')

    await lab.fault(gwA, A, 'both')
    await lab.fault(gwB, B, 'both')
    await lab.routeBecomes(h1, IN_16, 'unreachable')
    await p1.waitFor(/gateway route 198\.19\.0\.0\/16 withdrawn: no gateway is up/)
    t.pass('no gateway up: the routes are withdrawn, the main table applies again')
    await lab.heal(gwA, A)
    await lab.heal(gwB, B)
    await lab.routeBecomes(h1, VIA_DEFAULT, viaA)

    t.equal(await p1.stop(), 0)
    t.equal(await lab.route(h1, VIA_DEFAULT), 'unreachable', 'stopped: faild took its routes with it')
    t.equal(
      (await lab.exec(h1, 'ip', ['route', 'show', 'table', 'main'])).stdout,
      mainBefore,
      'the main table was never touched',
    )
    t.notMatch((await lab.exec(h1, 'ip', ['rule', 'show'])).stdout, /suppress|420\d/, 'no rule left')
  }),
)
