// host/transport.ts with fake sockets: our own broadcasts, looped back by the kernel, never reach the packet handler; everything else does.
import type dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import t from 'tap'
import type { Lan } from '../../lib/core/lans.js'
import { formatIPv4, parseIPv4 } from '../../lib/core/util/ipv4.js'
import { Transport } from '../../lib/host/transport.js'
import { literalSocket } from '../../lib/host/udp-socket.js'

const PORT = 4207

/** Binds at once and records what is sent; deliver() plays a datagram in. */
class FakeSocket extends EventEmitter {
  bound = ''
  readonly sent: Array<{ to: string; data: Buffer }> = []
  bind(opt: { address: string; port: number }, cb: () => void): void {
    this.bound = opt.address
    queueMicrotask(cb)
  }
  setBroadcast() {}
  setRecvBufferSize() {}
  getRecvBufferSize() {
    return 425984
  }
  send(data: Buffer, _port: number, to: string) {
    this.sent.push({ to, data })
  }
  close(cb: () => void) {
    cb()
  }
  deliver(from: string, data: Buffer) {
    this.emit('message', data, { address: from, family: 'IPv4', port: PORT, size: data.length })
  }
}

const lan = (index: number): Lan => ({
  index,
  label: String.fromCharCode(65 + index),
  iface: `eth${index}`,
  address: parseIPv4(`198.18.${index + 1}.1`)!,
  prefixLen: 24,
  broadcast: 0,
  preference: index,
  nameTag: 0,
})

async function rig() {
  const sockets: FakeSocket[] = []
  const transport = new Transport([lan(0), lan(1)], PORT, () => {
    const s = new FakeSocket()
    sockets.push(s)
    return s as unknown as dgram.Socket
  })
  const got: string[] = []
  await transport.start(
    (l, src, data) => got.push(`LAN ${l} from ${formatIPv4(src)}: ${data.toString()}`),
    () => {},
  )
  const limited = sockets.find((s) => s.bound === '255.255.255.255')!
  return { transport, got, limited }
}

t.test(
  'a broadcast of ours that comes back is dropped; the same bytes from a peer, or other bytes from us, are not',
  async (t) => {
    const r = await rig()
    r.transport.send(0, 'broadcast', Buffer.from('inq 1'))
    r.transport.send(1, 'broadcast', Buffer.from('inq 1 on B'))
    r.limited.deliver('198.18.1.1', Buffer.from('inq 1'))
    r.limited.deliver('198.18.2.1', Buffer.from('inq 1 on B'))
    t.same(r.got, [], 'both echoes dropped')
    r.limited.deliver('198.18.1.2', Buffer.from('inq 1'))
    r.limited.deliver('198.18.1.1', Buffer.from('inq 2'))
    r.limited.deliver('198.18.2.1', Buffer.from('inq 1'))
    t.same(r.got, ['LAN 0 from 198.18.1.2: inq 1', 'LAN 0 from 198.18.1.1: inq 2', 'LAN 1 from 198.18.2.1: inq 1'])
    await r.transport.stop()
  },
)

t.test('only the last four broadcasts of a LAN are known; unicast sends are not remembered', async (t) => {
  const r = await rig()
  for (let i = 1; i <= 5; i++) r.transport.send(0, 'broadcast', Buffer.from(`inq ${i}`))
  r.transport.send(0, parseIPv4('198.18.1.2')!, Buffer.from('ack'))
  for (const data of ['inq 1', 'inq 2', 'inq 5', 'ack']) r.limited.deliver('198.18.1.1', Buffer.from(data))
  t.same(r.got, ['LAN 0 from 198.18.1.1: inq 1', 'LAN 0 from 198.18.1.1: ack'], 'the engine drops these as looped back')
  await r.transport.stop()
})

t.test('a literal socket sends to a literal address as a resolving one would', async (t) => {
  const s = literalSocket('udp4')
  t.teardown(() => s.close())
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))
  const got = new Promise<string>((resolve) => s.once('message', (m) => resolve(m.toString())))
  s.send('hello', s.address().port, '127.0.0.1')
  t.equal(await got, 'hello')
})

t.test("a LAN readdressed into another LAN's subnet shares its broadcast socket, whatever their order", async (t) => {
  const sockets: FakeSocket[] = []
  const withBrd = (index: number): Lan => ({ ...lan(index), broadcast: parseIPv4(`198.18.${index + 1}.255`)! })
  const lans = [withBrd(0), withBrd(1)]
  const transport = new Transport(lans, PORT, () => {
    const s = new FakeSocket()
    sockets.push(s)
    return s as unknown as dgram.Socket
  })
  await transport.start(
    () => {},
    () => {},
  )
  t.same(
    sockets.map((s) => s.bound),
    ['198.18.1.1', '198.18.1.255', '198.18.2.1', '198.18.2.255', '255.255.255.255'],
  )
  lans[0] = { ...lans[0]!, address: parseIPv4('198.18.2.9')!, broadcast: lans[1]!.broadcast }
  await transport.rebind(0)
  t.same(
    sockets.slice(5).map((s) => s.bound),
    ['198.18.2.9'],
    "LAN B's broadcast socket hears LAN A now too: not bound twice",
  )
  await transport.stop()
})
