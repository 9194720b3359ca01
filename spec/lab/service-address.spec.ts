// Lab: a service address on a host with two NICs on ONE subnet (IPMP's model, #14 item 3). The
// address lives on the first NIC while the router answers there, moves to the second when that
// NIC's switch port dies, and is announced by gratuitous ARP: a client's neighbour entry follows
// and its TCP stream to the address loses nothing. An address another host answers for is refused.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { addr, withLab } from './harness/lab-test.js'
import { FAILD, type Host, type Lab, STREAM, sleep, until } from './harness/netlab.js'

const A = 0
const SERVICE = '198.18.1.100'
const SECOND = 'etha2'

async function macOf(lab: Lab, h: Host, iface: string): Promise<string> {
  const [l] = JSON.parse((await lab.exec(h, 'ip', ['-json', 'link', 'show', iface])).stdout) as Array<{
    address: string
  }>
  return l!.address
}

/** The MAC host h's neighbour table holds for `ip`, or ''. */
async function neighbour(lab: Lab, h: Host, ip: string): Promise<string> {
  const out = JSON.parse((await lab.exec(h, 'ip', ['-json', 'neigh', 'show', ip])).stdout || '[]') as Array<{
    lladdr?: string
  }>
  return out[0]?.lladdr ?? ''
}

const TOOLS = [
  { program: 'ping', apt: 'iputils-ping' },
  { program: 'arping', apt: 'iputils-arping' },
]

t.test('two NICs on one subnet: the service address moves to the working one, the client follows', (t) =>
  withLab(t, { hosts: 3, tools: TOOLS }, async (lab) => {
    const [h1, router, client] = lab.hosts as [Host, Host, Host]
    await lab.addPort(h1, A, SECOND, addr(A, 11))
    // What two NICs on one subnet need (README): each answers ARP only for its own addresses.
    await lab.exec(h1, 'sysctl', ['-qw', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2'])
    const config = join(lab.dir, 'service.json')
    const config2 = join(lab.dir, 'taken.json')
    const lans = [
      { interface: 'etha', label: 'A' },
      { interface: SECOND, label: 'A2' },
    ]
    const targets = [{ address: addr(A, router.n) }]
    const service = { address: `${SERVICE}/24`, interfaces: ['etha', SECOND], watch: [addr(A, router.n)] }
    writeFileSync(config, JSON.stringify({ lans, targets, addresses: [service] }))
    const p1 = await lab.faild(h1, ['-c', config, '-t', '0.1', '-f', '3', '-s', '3'])
    await p1.waitFor(/address 198\.18\.1\.100\/24 claimed on etha \(LAN A\)/)
    const [macA, mac2] = [await macOf(lab, h1, 'etha'), await macOf(lab, h1, SECOND)]

    const server = lab.spawn(h1, process.execPath, [STREAM, 'server', SERVICE, '5000'])
    await server.waitFor(/listening/)
    const stream = lab.spawn(client, process.execPath, [STREAM, 'client', addr(A, client.n), SERVICE, '5000'])
    await stream.waitFor(/connected/)
    t.equal(await neighbour(lab, client, SERVICE), macA, "the client reaches the address at the first NIC's MAC")
    await sleep(300)

    await lab.fault(h1, A, 'both')
    await p1.waitFor(/address 198\.18\.1\.100\/24 moved etha -> etha2 \(LAN A2; no watched target answers\)/)
    await until(async () => (await neighbour(lab, client, SERVICE)) === mac2, 5000, "the client's entry follows")
    t.pass("the first NIC's port dies: the address moves to the second, and the gratuitous ARP reaches the client")
    await sleep(1000)
    await stream.stop('SIGTERM', 30_000)
    await server.waitFor(/"bytes"/, 30_000)
    const got = JSON.parse(server.output.trim().split('\n').pop()!) as { bytes: number; bad: number; maxGapMs: number }
    const sent = JSON.parse(stream.output.trim().split('\n').pop()!) as { sent: number }
    t.equal(got.bytes, sent.sent, `the stream lost nothing (${got.bytes} bytes, longest stall ${got.maxGapMs} ms)`)
    t.equal(got.bad, 0, 'and nothing was corrupted')

    await lab.heal(h1, A)
    await p1.waitFor(/address 198\.18\.1\.100\/24 moved etha2 -> etha \(LAN A; a preferred interface works again\)/)
    await until(async () => (await neighbour(lab, client, SERVICE)) === macA, 5000, 'back at the first NIC')
    t.pass('healed: back on the first NIC (failback)')
    t.equal(await p1.stop(), 0)
    t.match((await lab.exec(h1, 'ip', ['-4', 'addr', 'show', 'dev', 'etha'])).stdout, SERVICE, 'not owned: it stays')
    t.notMatch((await lab.exec(h1, 'ip', ['rule'])).stdout, SERVICE, "the address's reply rule is gone")

    // Another host answers for an address: refused, naming the key, nothing claimed.
    await lab.exec(client, 'ip', ['addr', 'add', `${addr(A, 200)}/24`, 'dev', client.ifaces[A]!])
    writeFileSync(
      config2,
      JSON.stringify({ lans, targets, addresses: [{ ...service, address: `${addr(A, 200)}/24` }] }),
    )
    const taken = lab.spawn(h1, process.execPath, [FAILD, ...lab.faildArgs(h1, ['-c', config2, '-t', '0.1'])])
    await taken.waitFor(/cannot start/)
    t.match(
      taken.output,
      /\/addresses\/0: 198\.18\.1\.200\/24 is in use by another host \(.* answers ARP for it on etha\)/,
    )
    t.notMatch((await lab.exec(h1, 'ip', ['-4', 'addr'])).stdout, addr(A, 200), 'nothing claimed')
  }),
)
