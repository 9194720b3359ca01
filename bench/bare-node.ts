// The floor under faild's CPU rows: a Node process that does only what any UDP daemon at faild's rates must.
//   node bare-node.js PORT ADDRESS_A ADDRESS_B [BROADCAST_A BROADCAST_B] [--answer-every=N]
// It binds a socket to each address and reads every datagram. Alone (the scale rows), it answers
// one in N read (16 if not given) with 64 zero bytes: as many as faild's ACKs there when N is the
// rounds between a peer's samples (answering.ts rttEvery), and not an INQ, which the generator
// would answer. With broadcast addresses (the idle row), it also broadcasts a probe on
// each LAN every 100 ms and answers every probe of another host, as faild does in a small cluster
// (an INQ per LAN per interval, every INQ answered, its own broadcasts read back), with a socket
// on each broadcast address as faild has. It decodes
// nothing, keeps no state and sets no other timer: what it costs is Node's and the kernel's share.
import type { Socket } from 'node:dgram'
import { bindUdp } from './bind-udp.js'

/** Alone: one answer per this many datagrams read, unless told (--answer-every). */
const ANSWER_EVERY = 16
const INTERVAL_MS = 100
const PROBE = 1

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const every = Number(args.find((x) => x.startsWith('--answer-every='))?.split('=')[1] ?? ANSWER_EVERY)
  const [portS, a, b, broadcastA, broadcastB] = args.filter((x) => !x.startsWith('--'))
  const port = Number(portS)
  const own = [a!, b!]
  const sockets = await Promise.all(own.map((address) => bindUdp(address, port)))
  const answer = Buffer.alloc(64)
  let read = 0
  const listen = (s: Socket, lan: number) =>
    s.on('message', (msg, rinfo) => {
      const due = broadcastA ? msg[0] === PROBE && rinfo.address !== own[lan] : ++read % every === 0
      // Answered from the LAN's own address, as faild answers from its unicast socket.
      if (due) sockets[lan]!.send(answer, rinfo.port, rinfo.address)
    })
  sockets.forEach(listen)
  if (broadcastA && broadcastB) {
    // A socket bound to a unicast address hears no broadcast: faild binds the broadcast address too.
    const heard = await Promise.all([broadcastA, broadcastB].map((address) => bindUdp(address, port)))
    heard.forEach(listen)
    const probe = Buffer.alloc(64, PROBE)
    for (const s of sockets) s.setBroadcast(true)
    setInterval(() => {
      sockets[0]!.send(probe, port, broadcastA)
      sockets[1]!.send(probe, port, broadcastB)
    }, INTERVAL_MS)
  }
  process.on('SIGTERM', () => process.exit(0))
  console.log('ready')
}

await main()
