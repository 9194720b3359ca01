// Lab: LAN interfaces followed live, without a restart (#13 item 3): a renamed interface's routes
// name it by its new name; an interface plugged in after the start (--dynamic-interfaces) and an
// address changed while faild runs are taken in, and peers meet the host there.
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { addr, expectRoute, FAST, withLab } from './harness/lab-test.js'
import { FAILD, type Host, type Lab, run, until } from './harness/netlab.js'

const A = 0
const B = 1

async function status(lab: Lab, h: Host): Promise<StatusReport> {
  return JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport
}

/** What `h` holds of peer `p` on `lan`: its address and path state, or undefined. */
async function pathOf(lab: Lab, h: Host, p: Host, lan: number) {
  const s = await status(lab, h)
  const peer = s.peers.find((x) => x.id === addr(A, p.n) || x.id === addr(B, p.n))
  const path = peer?.paths[lan]
  return path && { address: path.address, state: path.state }
}

t.test('a renamed LAN interface: the routes that detour over it name it by its new name', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    const p1 = await lab.faild(h1, FAST)
    await lab.faild(h2, FAST)
    await until(async () => (await pathOf(lab, h1, h2, B))?.state === 'up', 5000, 'host 1 hears host 2 on LAN B')
    const ip = (...args: string[]) => lab.exec(h1, 'ip', args)
    await ip('link', 'set', h1.ifaces[B]!, 'name', 'fdrenamed')
    await p1.waitFor(/interface ethb is now called fdrenamed; routes follow it/)
    t.pass('faild saw the rename')
    await lab.fault(h2, A, 'both')
    await lab.routeBecomes(h1, addr(A, h2.n), `dev fdrenamed via ${addr(B, h2.n)}`)
    t.pass("host 2's LAN A dies: host 1 routes it over LAN B by the interface's new name")
    t.notMatch(p1.output, /Cannot find device/, 'no route named the old interface')
    t.match((await status(lab, h1)).lans[B]?.iface, 'fdrenamed', 'status names it')
    await lab.heal(h2, A)
    await expectRoute(lab, h1, h2, A)
    await ip('link', 'set', 'fdrenamed', 'name', h1.ifaces[B]!)
    await p1.waitFor(/interface fdrenamed is now called ethb/)
    t.equal(await lab.faildRoutes(h1), '', "faild's table holds nothing afterwards")
  }),
)

t.test('an interface plugged in after the start (--dynamic-interfaces): taken in, peers meet it', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    const late = h2.ifaces[B]!
    // Unplugged: the interface lives in the switch's namespace until it is "plugged in".
    await lab.exec(h2, 'ip', ['link', 'set', late, 'netns', lab.sw])
    const refused = lab.spawn(h2, process.execPath, [
      FAILD,
      ...lab.faildArgs(h2, [...FAST, '-i', h2.ifaces[A]!, '-i', late]),
    ])
    await refused.waitFor(/cannot start|no such interface/)
    t.match(refused.output, new RegExp(`'${late}': no such interface`), 'without the flag: refused, as a typo is')
    await lab.faild(h1, FAST)
    const p2 = await lab.faild(h2, [...FAST, '--dynamic-interfaces', '-i', h2.ifaces[A]!, '-i', late])
    await p2.waitFor(/LAN B \(ethb\): no interface or address yet/)
    t.pass('started with LAN B absent, and said so')
    await until(async () => (await pathOf(lab, h1, h2, A))?.state === 'up', 5000, 'LAN A works meanwhile')
    await run('ip', ['-n', lab.sw, 'link', 'set', late, 'netns', h2.ns])
    await lab.exec(h2, 'ip', ['addr', 'add', `${addr(B, h2.n)}/24`, 'brd', '+', 'dev', late])
    await lab.exec(h2, 'ip', ['link', 'set', late, 'up'])
    await p2.waitFor(/LAN B \(ethb\): address none -> 198\.18\.2\.2\/24; probing from it/)
    await until(
      async () => (await pathOf(lab, h1, h2, B))?.state === 'up',
      5000,
      'host 1 hears host 2 on its new LAN B',
    )
    await until(async () => (await pathOf(lab, h2, h1, B))?.state === 'up', 5000, 'and host 2 hears host 1 there')
    t.pass('plugged in: both ends meet on LAN B')
    await lab.fault(h2, A, 'both')
    await expectRoute(lab, h1, h2, A, B)
    t.pass('and it carries a detour')
    await lab.heal(h2, A)
    await expectRoute(lab, h1, h2, A)
  }),
)

t.test('an address changed while faild runs: probes go from the new one, peers follow', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    await lab.faild(h1, FAST)
    const p2 = await lab.faild(h2, FAST)
    await until(async () => (await pathOf(lab, h1, h2, B))?.state === 'up', 5000, 'host 1 hears host 2 on LAN B')
    const moved = addr(B, 50)
    // Deleting a primary address deletes its secondaries too: the old one goes first.
    await lab.exec(h2, 'ip', ['addr', 'del', `${addr(B, h2.n)}/24`, 'dev', h2.ifaces[B]!])
    await lab.exec(h2, 'ip', ['addr', 'add', `${moved}/24`, 'brd', '+', 'dev', h2.ifaces[B]!])
    await p2.waitFor(new RegExp(`LAN B \\(ethb\\): address ${addr(B, h2.n)}/24 -> ${moved}/24`))
    await until(
      async () => {
        const p = await pathOf(lab, h1, h2, B)
        return p?.address === moved && p.state === 'up'
      },
      10_000,
      "host 1 holds host 2's new LAN B address, path up",
    )
    t.pass("host 1 follows host 2's new address on LAN B")
    await lab.fault(h2, A, 'both')
    await lab.routeBecomes(h1, addr(A, h2.n), `dev ${h1.ifaces[B]} via ${moved}`)
    t.pass("a detour goes via host 2's new address")
    await lab.heal(h2, A)
    await expectRoute(lab, h1, h2, A)
  }),
)
