// host/transport6.ts with fake sockets: what each LAN binds and joins, where sends go, and which LAN a datagram is tagged with.
import type dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import t from 'tap'
import type { Lan } from '../../lib/core/lans.js'
import { formatIPv6, type IPv6, parseIPv6 } from '../../lib/core/util/ipv6.js'
import { INQ_GROUP, Transport6, udp6Socket } from '../../lib/host/transport6.js'

const PORT = 4207

/** The dgram.Socket calls Transport6 makes, recorded; bind fails for addresses in `refuse`. */
class FakeSocket extends EventEmitter {
  bound = ''
  closed = false
  readonly calls: string[] = []
  readonly sent: Array<{ port: number; to: string; data: string }> = []
  constructor(
    readonly refuse: ReadonlySet<string>,
    readonly joinFails: boolean,
    readonly bufferFails: boolean,
  ) {
    super()
  }
  bind(opt: { address: string; port: number; exclusive: boolean }, cb: () => void): void {
    queueMicrotask(() => {
      if (this.refuse.has(opt.address)) this.emit('error', new Error('bind EADDRNOTAVAIL'))
      else {
        this.bound = `[${opt.address}]:${opt.port}${opt.exclusive ? ' exclusive' : ''}`
        cb()
      }
    })
  }
  setMulticastInterface(i: string) {
    this.calls.push(`multicastInterface ${i}`)
  }
  setMulticastLoopback(on: boolean) {
    this.calls.push(`loopback ${on}`)
  }
  setMulticastTTL(n: number) {
    this.calls.push(`multicastTTL ${n}`)
  }
  setTTL(n: number) {
    this.calls.push(`TTL ${n}`)
  }
  addMembership(group: string, iface: string) {
    if (this.joinFails) throw new Error('addMembership EINVAL')
    this.calls.push(`join ${group} ${iface}`)
  }
  setRecvBufferSize(n: number) {
    if (this.bufferFails) throw new Error('ENOBUFS')
    this.buffer = n
  }
  buffer = 212992
  getRecvBufferSize() {
    return this.buffer * 2
  }
  send(data: Buffer, port: number, to: string) {
    this.sent.push({ port, to, data: data.toString() })
  }
  close(cb: () => void) {
    if (this.closed) throw new Error('Not running') // as Node's ERR_SOCKET_DGRAM_NOT_RUNNING
    this.closed = true
    cb()
  }
  /** A datagram from `from` (as Node gives it: a link-local one with its zone). */
  deliver(from: string, data: string) {
    this.emit('message', Buffer.from(data), { address: from, family: 'IPv6', port: PORT, size: data.length })
  }
}

const ll = (text: string): IPv6 => parseIPv6(text)!

const lan = (index: number, iface: string, linkLocal?: string): Lan => ({
  index,
  label: String.fromCharCode(65 + index),
  iface,
  address: 0,
  prefixLen: 32,
  broadcast: 0,
  preference: index,
  nameTag: 0,
  // An IPv6-only LAN (core/lans.ts isIPv6Only) has a global or ULA address beside its link-local one.
  ipv6: { address: ll(`fd00:${index + 1}::1`), prefixLen: 64 },
  ...(linkLocal ? { linkLocal: ll(linkLocal) } : {}),
})

/** LAN A on eth0, LAN B on eth1, LAN C on eth2 without a link-local address yet. */
const threeLans = (): Lan[] => [lan(0, 'eth0', 'fe80::a:1'), lan(1, 'eth1', 'fe80::b:1'), lan(2, 'eth2')]

function rig(lans: Lan[], opt: { refuse?: string[]; joinFails?: boolean; bufferFails?: boolean } = {}) {
  const sockets: FakeSocket[] = []
  const factory = () => {
    const s = new FakeSocket(new Set(opt.refuse), opt.joinFails ?? false, opt.bufferFails ?? false)
    sockets.push(s)
    return s as unknown as dgram.Socket
  }
  const got: Array<{ lan: number; src: string; data: string }> = []
  const errors: Array<{ lan: number; message: string }> = []
  const transport = new Transport6(lans, PORT, factory)
  const start = () =>
    transport.start(
      (l, src, data) => got.push({ lan: l, src: formatIPv6(src), data: data.toString() }),
      (l, err) => errors.push({ lan: l, message: err.message }),
    )
  /** The socket bound to `address` (with its scope). */
  const at = (address: string) => sockets.find((s) => s.bound === `[${address}]:${PORT} exclusive` && !s.closed)!
  return { transport, sockets, got, errors, start, at }
}

t.test('a LAN with IPv4 is probed over IPv4: no IPv6 socket for it, link-local or not', async (t) => {
  const r = rig([{ ...lan(0, 'eth0', 'fe80::a:1'), address: 0xc6120101, prefixLen: 24 }, lan(1, 'eth1', 'fe80::b:1')])
  await r.start()
  t.same(
    r.sockets.map((s) => s.bound),
    [`[fe80::b:1%eth1]:${PORT} exclusive`, `[ff02::114%eth1]:${PORT} exclusive`],
  )
  await r.transport.stop()
})

t.test(
  'each LAN with a link-local address: a unicast socket and a group socket, both scoped to its interface',
  async (t) => {
    const r = rig(threeLans())
    const granted = await r.start()
    t.same(
      r.sockets.map((s) => s.bound),
      [
        `[fe80::a:1%eth0]:${PORT} exclusive`,
        `[ff02::114%eth0]:${PORT} exclusive`,
        `[fe80::b:1%eth1]:${PORT} exclusive`,
        `[ff02::114%eth1]:${PORT} exclusive`,
      ],
      'LAN C (no link-local address) has none',
    )
    t.same(
      r.at('fe80::b:1%eth1').calls,
      ['multicastInterface ::%eth1', 'loopback false', 'multicastTTL 1', 'TTL 1'],
      'the sender: out of eth1, never looped back to this host, hop limit 1',
    )
    t.same(r.at('ff02::114%eth1').calls, ['join ff02::114 ::%eth1'], 'the group socket joins on its own interface')
    t.equal(INQ_GROUP, 'ff02::114')
    t.equal(granted, 4 << 20, 'the receive buffer granted')
    await r.transport.stop()
    t.ok(
      r.sockets.every((s) => s.closed),
      'stop closes every socket',
    )
  },
)

t.test('a datagram is tagged with the LAN of its socket, not guessed from its source', async (t) => {
  const r = rig(threeLans())
  await r.start()
  // The same source on both LANs: link-local addresses say nothing about the LAN.
  r.at('ff02::114%eth1').deliver('fe80::2%eth1', 'inq on B')
  r.at('ff02::114%eth0').deliver('fe80::2%eth0', 'inq on A')
  r.at('fe80::b:1%eth1').deliver('fe80::2%eth1', 'ack on B')
  r.at('fe80::a:1%eth0').deliver('fd00:1::2', 'from a ULA')
  r.at('fe80::a:1%eth0').deliver('198.18.1.2', 'not IPv6')
  t.same(r.got, [
    { lan: 1, src: 'fe80::2', data: 'inq on B' },
    { lan: 0, src: 'fe80::2', data: 'inq on A' },
    { lan: 1, src: 'fe80::2', data: 'ack on B' },
    { lan: 0, src: 'fd00:1::2', data: 'from a ULA' }, // delivered as given: the engine decides
    { lan: 0, src: '::', data: 'not IPv6' },
  ])
  r.at('ff02::114%eth1').emit('error', new Error('ENOBUFS'))
  t.same(r.errors, [{ lan: 1, message: 'ENOBUFS' }], 'a socket error names its LAN')
  await r.transport.stop()
})

t.test('sends leave from the LAN unicast socket, unscoped: its bound device picks the interface', async (t) => {
  const r = rig(threeLans())
  await r.start()
  r.transport.send(1, 'multicast', Buffer.from('inq'))
  r.transport.send(1, ll('fe80::2'), Buffer.from('ack'))
  r.transport.send(2, 'multicast', Buffer.from('no socket on C'))
  r.transport.send(7, 'multicast', Buffer.from('no LAN 7'))
  const b = r.at('fe80::b:1%eth1')
  t.same(b.sent, [
    { port: PORT, to: 'ff02::114', data: 'inq' },
    { port: PORT, to: 'fe80::2', data: 'ack' },
  ])
  t.ok(
    r.sockets.every((s) => s === b || s.sent.length === 0),
    'nothing else sent',
  )
  await r.transport.stop()
})

t.test('rebind: a new link-local address, or a first one, gets fresh sockets; the others are left alone', async (t) => {
  const lans = threeLans()
  const r = rig(lans)
  await r.start()
  const oldA = [r.at('fe80::a:1%eth0'), r.at('ff02::114%eth0')]
  lans[0] = { ...lans[0]!, linkLocal: ll('fe80::a:2') }
  await r.transport.rebind(0)
  t.ok(
    oldA.every((s) => s.closed),
    'the old sockets of LAN A are closed',
  )
  t.ok(r.at('fe80::a:2%eth0') && r.at('ff02::114%eth0'), 'LAN A is bound to its new address and joined again')
  lans[2] = { ...lans[2]!, linkLocal: ll('fe80::c:1') }
  await r.transport.rebind(2)
  t.ok(r.at('fe80::c:1%eth2') && r.at('ff02::114%eth2'), 'LAN C has sockets now')
  r.at('ff02::114%eth2').deliver('fe80::3%eth2', 'inq on C')
  t.same(r.got, [{ lan: 2, src: 'fe80::3', data: 'inq on C' }])
  t.equal(r.sockets.filter((s) => !s.closed).length, 6, 'two sockets per LAN')
  await r.transport.stop()
})

t.test('a bind that fails stops the start, and every socket opened so far is closed', async (t) => {
  for (const refuse of ['fe80::b:1%eth1', 'ff02::114%eth1']) {
    const r = rig(threeLans(), { refuse: [refuse] })
    await t.rejects(r.start(), new RegExp(`cannot bind UDP \\[${refuse}\\]:${PORT}: bind EADDRNOTAVAIL`), refuse)
    t.ok(
      r.sockets.every((s) => s.closed),
      `${refuse}: all closed`,
    )
    t.same(r.errors, [], `${refuse}: reported once, by start()`)
  }
})

t.test('a join that fails stops the start, naming the group and the interface', async (t) => {
  const r = rig(threeLans(), { joinFails: true })
  await t.rejects(r.start(), /cannot join ff02::114 on eth0: addMembership EINVAL/)
  t.ok(r.sockets.length === 2 && r.sockets.every((s) => s.closed))
})

t.test('a receive buffer the kernel will not grow is reported as it is', async (t) => {
  const r = rig(threeLans(), { bufferFails: true })
  t.equal(await r.start(), 212992)
  r.sockets[0]!.closed = true // Node already counts it closed: closing it again throws
  await r.transport.stop()
  t.ok(
    r.sockets.every((s) => s.closed),
    'stop still closes the others, and returns',
  )
})

t.test('the default factory makes IPv6 UDP sockets', async (t) => {
  const s = udp6Socket()
  t.equal(typeof s.bind, 'function')
  s.close()
  const never = new Transport6([], PORT)
  t.equal(
    await never.start(
      () => {},
      () => {},
    ),
    Infinity,
    'no LAN: no socket, no buffer to report',
  )
})
