// Lab: a host floods faild with tens of thousands of packets a second (garbage, and well-formed
// INQs from invented peers); faild stays bounded, never fails over falsely, and still detects a
// real fault.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { addr, expectRoute, FAST, withLab } from './harness/lab-test.js'
import { FLOOD, type Host, type Lab, sleep } from './harness/netlab.js'

const A = 0
const B = 1
const SOURCES = 40

t.test('a flood of garbage and invented peers: no false failover, a real fault still detected', (t) =>
  withLab(t, { hosts: 4 }, async (lab) => {
    const [h1, h2, flooder, h4] = lab.hosts as [Host, Host, Host, Host]
    const srcs = Array.from({ length: SOURCES }, (_, i) => addr(A, 100 + i))
    for (const s of srcs) await lab.exec(flooder, 'ip', ['addr', 'add', `${s}/24`, 'dev', flooder.ifaces[A]!])
    const p1 = await lab.faild(h1, [...FAST, '-c', config(lab)])
    await lab.faild(h2, FAST)
    await sleep(500)
    const dst = addr(A, h1.n)
    const garbage = lab.spawn(flooder, process.execPath, [
      FLOOD,
      dst,
      '4207',
      '20000',
      '6',
      'garbage',
      ...srcs.slice(0, SOURCES / 2),
    ])
    const peers = lab.spawn(flooder, process.execPath, [
      FLOOD,
      dst,
      '4207',
      '20000',
      '6',
      'inq',
      ...srcs.slice(SOURCES / 2),
    ])
    await sleep(1000)
    // A real host that starts during the flood: its INQ on LAN A gets it into a table the flood
    // churns every few milliseconds; heard on LAN B a moment later, it must stay.
    await lab.faild(h4, FAST)
    await sleep(1000)
    const during = await lab.route(h1, addr(A, h2.n))
    if (during !== `dev ${h1.ifaces[A]}`) t.comment(p1.output.slice(-3000))
    t.equal(during, `dev ${h1.ifaces[A]}`, 'two seconds into the flood: no false failover')
    const mid = JSON.parse((await lab.faildctl(h1, ['status', '--json'])).stdout) as StatusReport
    const h4Paths = mid.peers.find((p) => p.id === addr(A, h4.n))?.paths.map((p) => p.state)
    t.same(h4Paths, ['up', 'up'], 'host 4, started during the flood, got in and stayed: its paths are up')
    await lab.fault(h2, A, 'both')
    await expectRoute(lab, h1, h2, A, B)
    t.pass('a dead switch port on host 2 is still detected and rerouted during the flood')
    await lab.heal(h2, A)
    await expectRoute(lab, h1, h2, A)
    t.pass('and restored')
    await garbage.waitFor(/"sent"/, 15_000)
    await peers.waitFor(/"sent"/, 15_000)
    const sent = [garbage, peers].map(
      (p) => JSON.parse(p.output.trim().split('\n').pop()!) as { sent: number; seconds: number },
    )
    const pps = Math.round(sent.reduce((a, s) => a + s.sent / s.seconds, 0))
    t.ok(pps > 20_000, `the flood reached ${pps} packets/s (tens of thousands)`)
    const s = JSON.parse((await lab.faildctl(h1, ['status', '--json'])).stdout) as StatusReport
    t.ok((s.packets.drops['rate-limited'] ?? 0) > 0, `rate-limited: ${s.packets.drops['rate-limited']}`)
    t.ok(s.peers.length <= 10, `the peer table stayed bounded: ${s.peers.length} peers (maxPeers 10)`)
    // Invented peers are never confirmed: each newcomer evicts the oldest of them, not host 2.
    t.ok(
      s.peers.some((p) => p.id === addr(A, h2.n)),
      'host 2 (confirmed) was neither evicted nor refused',
    )
    t.comment(`drops: ${JSON.stringify(s.packets.drops)}`)
    const h2Path = s.peers.find((p) => p.id === addr(A, h2.n))!.paths
    t.same(
      h2Path.map((p) => p.state),
      ['up', 'up'],
      "host 2's paths are up",
    )
    t.notMatch(p1.output, /LAN B: \w+ -> down/, 'LAN B never went down: no false failover')
  }),
)

function config(lab: Lab): string {
  const path = join(lab.dir, 'flood.json')
  // 60 packets a second a source: three times what a real peer sends at -t 0.1 on a LAN (INQs and
  // ACKs), and under what reaches faild from each flooding source even when the kernel drops most
  // of the flood at the socket on a loaded machine (with the default 200 it reached none in 9 of
  // 40 runs, and 'rate-limited' stayed at 0).
  writeFileSync(path, JSON.stringify({ maxPeers: 10, rateLimit: 60 }))
  return path
}
