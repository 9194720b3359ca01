// A hostile LAN host without a key (issue 11): host 3 runs no faild and forges plain UDP at host 1,
// whose peer is host 2. It must not get a route for an address its packets have no business
// claiming, nor shut host 2 out with one packet far ahead in sequence.
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { addr, FAST, withLab } from './harness/lab-test.js'
import { FORGE, type Host, type Lab, sleep, until } from './harness/netlab.js'

const A = 0
const B = 1
const status = async (lab: Lab, h: Host) =>
  JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport

/** Forge `count` unsigned INQs from host `from` (on `lan`) to `to`, as node `id` with `addresses`. */
function forge(lab: Lab, from: Host, to: Host, lan: number, id: string, addresses: string[], count: number, seq = 1) {
  const args = [addr(lan, from.n), addr(lan, to.n), '4207', `${count}`, 'plain', '-', id, ...addresses]
  return lab.spawn(from, 'env', [`FORGE_LAN=${lan}`, `FORGE_SEQ=${seq}`, process.execPath, FORGE, ...args])
}

t.test('a keyless forger: no route for an implausible address, no lock-out', (t) =>
  withLab(t, { hosts: 3 }, async (lab) => {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    await lab.faild(h1, FAST)
    await lab.faild(h2, FAST)
    const hearsPeer = async () => {
      const p = (await status(lab, h1)).peers.find((x) => x.id === addr(A, h2.n))
      return p?.paths.length === 2 && p.paths.every((x) => x.state === 'up')
    }
    await until(hearsPeer, 5000, 'host 1 hears host 2 on both LANs')

    await t.test('hijack: invented peers on LAN B claiming addresses on LAN A', async (t) => {
      // Each talks on LAN B only, so its LAN A path goes down and, unchecked, its "LAN A address"
      // would be routed via host 3 over LAN B.
      const claims = [
        '8.8.8.8',
        '127.0.0.1',
        addr(A, h1.n),
        addr(A, h2.n),
        '198.18.1.255',
        '224.0.0.1',
        '255.255.255.255',
      ]
      const forgers = claims.map((c, i) => forge(lab, h3, h1, B, `10.66.0.${i + 1}`, [c, addr(B, h3.n)], 60))
      let seen = ''
      for (let i = 0; i < 10; i++) {
        seen ||= await lab.faildRoutes(h1)
        await sleep(100)
      }
      for (const f of forgers) await f.waitFor(/"sent"/)
      t.equal(seen, '', "host 1's faild table never held a route")
      const drops = (await status(lab, h1)).packets.drops
      t.ok((drops['implausible-address'] ?? 0) > 0, `implausible-address: ${drops['implausible-address']}`)
      t.ok((drops['address-claimed'] ?? 0) > 0, `address-claimed (host 2's address): ${drops['address-claimed']}`)
    })

    await t.test('lock-out: one INQ from host 2, far ahead in sequence', async (t) => {
      // Host 3 takes host 2's LAN A address for a moment (without answering ARP for it).
      const ifA = h3.ifaces[A]!
      await lab.exec(h3, 'sysctl', ['-qw', `net.ipv4.conf.${ifA}.arp_ignore=8`, `net.ipv4.conf.${ifA}.arp_announce=2`])
      await lab.exec(h3, 'ip', ['addr', 'add', `${addr(A, h2.n)}/32`, 'dev', ifA, 'nodad', 'noprefixroute'])
      const h2Addresses = [addr(A, h2.n), addr(B, h2.n)]
      const one = lab.spawn(h3, 'env', [
        'FORGE_LAN=0',
        `FORGE_SEQ=${0x7ffffff0}`,
        process.execPath,
        FORGE,
        addr(A, h2.n),
        addr(A, h1.n),
        '4207',
        '1',
        'plain',
        '-',
        addr(A, h2.n),
        ...h2Addresses,
      ])
      await one.waitFor(/"sent"/)
      await lab.exec(h3, 'ip', ['addr', 'del', `${addr(A, h2.n)}/32`, 'dev', ifA])
      let moved = ''
      for (let i = 0; i < 15; i++) {
        moved ||= (await lab.faildRoutes(h1)) || (await lab.faildRoutes(h2))
        await sleep(100)
      }
      t.equal(moved, '', 'neither host rerouted: host 2 was not shut out')
      t.ok(await hearsPeer(), 'host 1 still hears host 2 up on both LANs')
      t.equal((await status(lab, h1)).packets.drops.replayed ?? 0, 0, "none of host 2's INQs dropped as replayed")
    })
  }),
)
