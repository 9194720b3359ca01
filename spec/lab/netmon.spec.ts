// Lab: NetMon's case (#14): a server's two NICs on separate LANs, a client on both. The service
// address (in LAN A's subnet) lives on the server's LAN A NIC; when that NIC's switch port dies it
// moves to the LAN B NIC, the server's packets say so (signed), and faild on the client routes
// the address out of its own LAN B interface: the client's neighbour entry names the server's
// LAN B MAC and its TCP stream to the address loses nothing. Healed, all of it comes back.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { addr, withLab } from './harness/lab-test.js'
import { type Host, type Lab, STREAM, sleep, until } from './harness/netlab.js'

const A = 0
const SERVICE = '198.18.1.100'
const FAST = ['-r', '-t', '0.1', '-f', '3', '-s', '3']

async function macOf(lab: Lab, h: Host, iface: string): Promise<string> {
  const [l] = JSON.parse((await lab.exec(h, 'ip', ['-json', 'link', 'show', iface])).stdout) as Array<{
    address: string
  }>
  return l!.address
}

/** The interface host h's kernel sends `ip` out of now, and the MAC its neighbour table holds for it there. */
async function toward(lab: Lab, h: Host, ip: string): Promise<{ dev: string; mac: string }> {
  const [r] = JSON.parse((await lab.exec(h, 'ip', ['-json', 'route', 'get', ip])).stdout) as Array<{ dev: string }>
  const dev = r?.dev ?? ''
  const neigh = JSON.parse((await lab.exec(h, 'ip', ['-json', 'neigh', 'show', ip, 'dev', dev])).stdout || '[]')
  return { dev, mac: (neigh as Array<{ lladdr?: string }>)[0]?.lladdr ?? '' }
}

const TOOLS = [{ program: 'arping', apt: 'iputils-arping' }]

t.test("NetMon's case: the address moves to the server's LAN B NIC and faild on the client follows it there", (t) =>
  withLab(t, { hosts: 2, tools: TOOLS }, async (lab) => {
    const [server, client] = lab.hosts as [Host, Host]
    const key = join(lab.dir, 'cluster.key')
    writeFileSync(key, 'netmon lab key, not a secret\n')
    chmodSync(key, 0o600)
    const config = join(lab.dir, 'server.json')
    const lans = [
      { interface: 'etha', label: 'A' },
      { interface: 'ethb', label: 'B' },
    ]
    // No `watch`: LAN A works while faild peers (the client) answer there.
    writeFileSync(
      config,
      JSON.stringify({ lans, addresses: [{ address: `${SERVICE}/24`, interfaces: ['etha', 'ethb'] }] }),
    )
    const p1 = await lab.faild(server, ['-c', config, ...FAST, '--key-file', key])
    await p1.waitFor(/address 198\.18\.1\.100\/24 claimed on etha \(LAN A\)/)
    const p2 = await lab.faild(client, [...FAST, '--key-file', key])
    const [macA, macB] = [await macOf(lab, server, 'etha'), await macOf(lab, server, 'ethb')]

    const listener = lab.spawn(server, process.execPath, [STREAM, 'server', SERVICE, '5000'])
    await listener.waitFor(/listening/)
    const stream = lab.spawn(client, process.execPath, [STREAM, 'client', addr(A, client.n), SERVICE, '5000'])
    await stream.waitFor(/connected/)
    t.same(await toward(lab, client, SERVICE), { dev: 'etha', mac: macA }, 'at first: over LAN A, at the LAN A MAC')
    await sleep(500)

    await lab.fault(server, A, 'both')
    await p1.waitFor(/address 198\.18\.1\.100\/24 moved etha -> ethb \(LAN B; no target or peer answers\)/)
    await until(
      async () => (await toward(lab, client, SERVICE)).mac === macB,
      5000,
      "the client sends to the address over LAN B, at the server's LAN B MAC",
    )
    await p2.waitFor(/peer 198\.18\.1\.1 holds 198\.18\.1\.100\/24 on LAN B/)
    t.match(
      (await lab.faildctl(client, ['status'])).stdout,
      /peer 198\.18\.1\.1 holds service address 198\.18\.1\.100\/24 on LAN B/,
      "the client's status says where the address is",
    )
    t.same(await toward(lab, client, SERVICE), { dev: 'ethb', mac: macB }, "the server's LAN A port dies: over LAN B")
    t.match(
      (await lab.exec(client, 'ip', ['-4', 'route', 'show', 'table', 'all', SERVICE])).stdout,
      /198\.18\.1\.100 dev ethb .*src 198\.18\.2\.\d+/,
      "faild's on-link route on the client",
    )
    const onB = (await lab.exec(server, 'ip', ['-4', 'addr', 'show', 'dev', 'ethb'])).stdout
    t.match(
      onB,
      /198\.18\.1\.100\/24 .*noprefixroute/,
      'on the LAN B NIC without a prefix route: subnet A stays on etha',
    )
    await sleep(1000)

    await lab.heal(server, A)
    await p1.waitFor(/address 198\.18\.1\.100\/24 moved ethb -> etha \(LAN A; a preferred interface works again\)/)
    await until(async () => (await toward(lab, client, SERVICE)).dev === 'etha', 5000, 'the client follows it back')
    t.same(await toward(lab, client, SERVICE), { dev: 'etha', mac: macA }, 'healed: back on LAN A at both ends')
    await sleep(500)
    await stream.stop('SIGTERM', 30_000)
    await listener.waitFor(/"bytes"/, 30_000)
    const got = JSON.parse(listener.output.trim().split('\n').pop()!) as {
      bytes: number
      bad: number
      maxGapMs: number
    }
    const sent = JSON.parse(stream.output.trim().split('\n').pop()!) as { sent: number }
    t.equal(
      got.bytes,
      sent.sent,
      `the stream lost nothing through both moves (${got.bytes} bytes, longest stall ${got.maxGapMs} ms)`,
    )
    t.equal(got.bad, 0, 'and nothing was corrupted')
    t.equal(await p2.stop(), 0)
    t.equal(await p1.stop(), 0)
    t.notMatch(
      (await lab.exec(client, 'ip', ['-4', 'route', 'show', 'table', 'all', SERVICE])).stdout,
      /dev ethb/,
      'routes cleaned up',
    )
  }),
)
