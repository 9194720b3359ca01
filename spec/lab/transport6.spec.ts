// Transport6 on real interfaces: three hosts on two IPv6-only LANs (a lab without IPv4).
// Host 1's INQ to ff02::114 on LAN B reaches hosts 2 and 3 tagged LAN B, from host 1's LAN B
// link-local address, and reaches neither their LAN A sockets nor host 1 itself; a unicast reply
// to that link-local address reaches host 1 on LAN B.
//
// Absence is shown by order, not by waiting: each socket's queue is first in, first out, so a
// datagram that wrongly reached a socket would be read before a marker sent to it later.
import { join } from 'node:path'
import t from 'tap'
import { withLab } from './harness/lab-test.js'
import { type Host, type Lab, type Proc, ROOT, until } from './harness/netlab.js'

const PEER = join(ROOT, 'dist/spec/lab/harness/transport6-peer.js')
const PORT = 4207
const A = 0
const B = 1

interface Got {
  readonly lan: number
  readonly src: string
  readonly data: string
}

/** A Transport6 running in a host: its LANs' link-local addresses, what it received, and a way to send. */
interface Peer {
  readonly linkLocal: readonly string[]
  got(lan: number): Got[]
  send(lan: number, to: string, data: string): void
}

const lines = (p: Proc): Array<Record<string, unknown>> =>
  p.output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)

async function startPeer(lab: Lab, h: Host): Promise<Peer> {
  const p = lab.spawn(h, process.execPath, [PEER, `${PORT}`, ...h.ifaces])
  await p.waitFor(/"ready":true|Error/)
  const ready = lines(p).find((l) => l.ready) as { linkLocal: Array<string | null> } | undefined
  if (!ready) throw new Error(`Transport6 did not start in ${h.ns}:\n${p.output}`)
  if (ready.linkLocal.some((x) => x === null)) throw new Error(`${h.ns}: a LAN without a link-local address`)
  return {
    linkLocal: ready.linkLocal as string[],
    got: (lan) => lines(p).filter((l): l is Got & Record<string, unknown> => l.lan === lan && 'data' in l) as Got[],
    send: (lan, to, data) => p.child.stdin!.write(`${JSON.stringify({ lan, to, data })}\n`),
  }
}

/** Wait (bounded) until `peer` has received `data` on LAN `lan`. */
const receives = (peer: Peer, lan: number, data: string, who: string) =>
  until(() => peer.got(lan).some((g) => g.data === data), 5000, `${who} to receive "${data}" on LAN ${lan}`)

t.test('IPv6-only LANs: a multicast INQ reaches the LAN it was sent on, and a unicast reply comes back', (t) =>
  withLab(t, { hosts: 3, ipv6: true, ipv4: false }, async (lab) => {
    const [p1, p2, p3] = (await Promise.all(lab.hosts.map((h) => startPeer(lab, h)))) as [Peer, Peer, Peer]
    t.not(p1.linkLocal[A], p1.linkLocal[B], 'host 1 has a link-local address of its own on each LAN')

    p1.send(B, 'multicast', 'inq from 1 on B')
    await receives(p2, B, 'inq from 1 on B', 'host 2')
    await receives(p3, B, 'inq from 1 on B', 'host 3')
    for (const [p, n] of [
      [p2, 2],
      [p3, 3],
    ] as const) {
      t.same(
        p.got(B),
        [{ lan: B, src: p1.linkLocal[B], data: 'inq from 1 on B' }],
        `host ${n}: tagged LAN B, from host 1's LAN B link-local`,
      )
    }

    // Markers behind it: whatever had wrongly reached a socket would be read before them.
    p1.send(A, 'multicast', 'marker from 1 on A')
    p2.send(B, 'multicast', 'marker from 2 on B')
    await receives(p2, A, 'marker from 1 on A', 'host 2')
    await receives(p3, A, 'marker from 1 on A', 'host 3')
    await receives(p1, B, 'marker from 2 on B', 'host 1')
    t.same(
      p2.got(A).map((g) => g.data),
      ['marker from 1 on A'],
      "host 2's LAN A socket never had the INQ sent on LAN B",
    )
    t.same(
      p3.got(A).map((g) => g.data),
      ['marker from 1 on A'],
      "host 3's LAN A socket never had the INQ sent on LAN B",
    )
    t.same(
      p1.got(B).map((g) => g.data),
      ['marker from 2 on B'],
      'host 1 did not hear its own INQ (multicast loopback off)',
    )
    p2.send(A, 'multicast', 'marker from 2 on A')
    await receives(p1, A, 'marker from 2 on A', 'host 1')
    t.same(
      p1.got(A).map((g) => g.data),
      ['marker from 2 on A'],
      "host 1's LAN A socket had neither its own INQ on A nor host 2's on B",
    )

    // The ACK: unicast to the INQ's source, out of the LAN it came in on.
    const src = p2.got(B)[0]!.src
    p2.send(B, src, 'ack from 2 on B')
    await receives(p1, B, 'ack from 2 on B', 'host 1')
    t.same(
      p1.got(B).at(-1),
      { lan: B, src: p2.linkLocal[B], data: 'ack from 2 on B' },
      "host 1 got the ACK on LAN B, from host 2's LAN B link-local",
    )
  }),
)
