// Lab: an IPv6 service address on a host with two NICs on ONE subnet (#15 item 3). The address
// lives on the first NIC while the router answers there, moves to the second when that NIC's
// switch port dies, and the kernel announces it with an unsolicited neighbour advertisement: a
// client's IPv6 neighbour entry follows and its IPv6 TCP stream to the address loses nothing. The
// sysctls faild set are put back at stop, and an address another host has is refused (DAD).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { addr, withLab } from './harness/lab-test.js'
import { FAILD, type Host, type Lab, STREAM, sleep, until } from './harness/netlab.js'

const A = 0
const SECOND = 'etha2'

async function macOf(lab: Lab, h: Host, iface: string): Promise<string> {
  const [l] = JSON.parse((await lab.exec(h, 'ip', ['-json', 'link', 'show', iface])).stdout) as Array<{
    address: string
  }>
  return l!.address
}

/** The MAC host h's IPv6 neighbour table holds for `ip`, or ''. */
async function neighbour(lab: Lab, h: Host, ip: string): Promise<string> {
  const out = JSON.parse((await lab.exec(h, 'ip', ['-6', '-json', 'neigh', 'show', ip])).stdout || '[]') as Array<{
    lladdr?: string
  }>
  return out[0]?.lladdr ?? ''
}

const sysctls = async (lab: Lab, h: Host, iface: string): Promise<string> =>
  (
    await lab.exec(h, 'sysctl', ['-n', `net.ipv6.conf.${iface}.accept_dad`, `net.ipv6.conf.${iface}.ndisc_notify`])
  ).stdout.replace(/\n/g, ' ')

const TOOLS = [
  { program: 'ping', apt: 'iputils-ping' },
  { program: 'arping', apt: 'iputils-arping' },
]

t.test('two NICs on one IPv6 subnet: the address moves to the working one, the client follows', (t) =>
  withLab(t, { hosts: 3, ipv6: true, tools: TOOLS }, async (lab) => {
    const [h1, router, client] = lab.hosts as [Host, Host, Host]
    const service = lab.address6(A, 0x100)
    await lab.addPort(h1, A, SECOND, addr(A, 11))
    await lab.exec(h1, 'ip', ['-6', 'addr', 'add', `${lab.address6(A, 11)}/64`, 'dev', SECOND, 'nodad'])
    await lab.exec(h1, 'sysctl', ['-qw', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2'])
    const before = { etha: await sysctls(lab, h1, 'etha'), second: await sysctls(lab, h1, SECOND) }
    const config = join(lab.dir, 'service6.json')
    const lans = [
      { interface: 'etha', label: 'A' },
      { interface: SECOND, label: 'A2' },
    ]
    const targets = [{ address: addr(A, router.n) }]
    const entry = { address: `${service}/64`, interfaces: ['etha', SECOND], watch: [addr(A, router.n)] }
    writeFileSync(config, JSON.stringify({ lans, targets, addresses: [entry] }))
    const esc = service.replace(/[.:]/g, (c) => `\\${c}`)
    const p1 = await lab.faild(h1, ['-c', config, '-t', '0.1', '-f', '3', '-s', '3'])
    await p1.waitFor(new RegExp(`address ${esc}/64 claimed on etha \\(LAN A\\)`))
    const [macA, mac2] = [await macOf(lab, h1, 'etha'), await macOf(lab, h1, SECOND)]
    t.equal(await sysctls(lab, h1, SECOND), '0 1 ', 'DAD off and ndisc_notify on where the address may go')

    const server = lab.spawn(h1, process.execPath, [STREAM, 'server', service, '5000'])
    await server.waitFor(/listening/)
    const stream = lab.spawn(client, process.execPath, [STREAM, 'client', lab.address6(A, client.n), service, '5000'])
    await stream.waitFor(/connected/)
    t.equal(await neighbour(lab, client, service), macA, "the client reaches the address at the first NIC's MAC")
    await sleep(300)

    await lab.fault(h1, A, 'both')
    await p1.waitFor(new RegExp(`address ${esc}/64 moved etha -> etha2 \\(LAN A2; no watched target answers\\)`))
    await until(async () => (await neighbour(lab, client, service)) === mac2, 5000, "the client's entry follows")
    t.pass("the first NIC's port dies: the address moves to the second, and the kernel's NA reaches the client")
    await sleep(1000)
    await stream.stop('SIGTERM', 30_000)
    await server.waitFor(/"bytes"/, 30_000)
    const got = JSON.parse(server.output.trim().split('\n').pop()!) as { bytes: number; bad: number; maxGapMs: number }
    const sent = JSON.parse(stream.output.trim().split('\n').pop()!) as { sent: number }
    t.equal(got.bytes, sent.sent, `the stream lost nothing (${got.bytes} bytes, longest stall ${got.maxGapMs} ms)`)
    t.equal(got.bad, 0, 'and nothing was corrupted')

    await lab.heal(h1, A)
    await p1.waitFor(new RegExp(`address ${esc}/64 moved etha2 -> etha \\(LAN A; a preferred interface works again\\)`))
    await until(async () => (await neighbour(lab, client, service)) === macA, 5000, 'back at the first NIC')
    t.pass('healed: back on the first NIC (failback)')
    const report = JSON.parse((await lab.faildctl(h1, ['status', '--json'])).stdout) as StatusReport
    t.equal(
      report.lans[0]?.ipv6,
      lab.address6(A, h1.n),
      "LAN A's own IPv6 address is the host's, not the service address",
    )
    t.equal(await p1.stop(), 0)
    t.match((await lab.exec(h1, 'ip', ['-6', 'addr', 'show', 'dev', 'etha'])).stdout, service, 'not owned: it stays')
    t.notMatch((await lab.exec(h1, 'ip', ['-6', 'rule'])).stdout, service, "the address's reply rule is gone")
    t.same(
      { etha: await sysctls(lab, h1, 'etha'), second: await sysctls(lab, h1, SECOND) },
      before,
      'the sysctls are as faild found them',
    )

    // Another host has an address: the kernel's DAD fails, faild refuses naming the key, nothing claimed.
    const taken = lab.address6(A, 0x200)
    await lab.exec(client, 'ip', ['-6', 'addr', 'add', `${taken}/64`, 'dev', client.ifaces[A]!, 'nodad'])
    const config2 = join(lab.dir, 'taken6.json')
    writeFileSync(config2, JSON.stringify({ lans, targets, addresses: [{ ...entry, address: `${taken}/64` }] }))
    const refused = lab.spawn(h1, process.execPath, [FAILD, ...lab.faildArgs(h1, ['-c', config2, '-t', '0.1'])])
    await refused.waitFor(/cannot start/)
    t.match(
      refused.output,
      /\/addresses\/0: \S+ is in use by another host \(another host answers its duplicate address detection on etha\)/,
    )
    t.notMatch((await lab.exec(h1, 'ip', ['-6', 'addr'])).stdout, taken, 'nothing claimed')
    await until(
      async () => (await sysctls(lab, h1, 'etha')) === before.etha,
      5000,
      'sysctls restored after the refusal',
    )
    t.pass('the refused start put the sysctls back too')
  }),
)
