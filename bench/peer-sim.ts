// The start-up bench's simulator: one process that is N faild responders on each LAN, answering every INQ.
//   node peer-sim.js PORT N DAEMON_A DAEMON_B
// Prints a JSON line of counters every second, with its first INQ's arrival time (epoch ms). The
// scale bench uses bench/loadgen instead: this one is for 50 hosts, where Node keeps up.
import type dgram from 'node:dgram'
import { toPacket } from '../lib/core/engine/pairing.js'
import { formatIPv4, parseIPv4 } from '../lib/core/util/ipv4.js'
import { encodeV2 } from '../lib/core/wire/v2.js'
import { bindUdp } from './bind-udp.js'
import { simAddress } from './sim-address.js'

/** Wire format 2: the sequence number, an ACK's target, the version byte. */
const OFF_SEQ = 12
const OFF_TO = 16

async function main(): Promise<void> {
  const [portS, nS, daemonA, daemonB] = process.argv.slice(2)
  const port = Number(portS)
  const n = Number(nS)
  const daemon = [daemonA!, daemonB!]
  const count = { inqRx: 0, ackTx: 0, firstInqAt: 0 }
  const boot = 1 + Math.floor(Math.random() * 0xfffffff0)
  const peers = Array.from({ length: n }, (_, i) => {
    const addresses = [0, 1].map((lan) => parseIPv4(simAddress(lan, i))!)
    const own = addresses.map((address) => ({ address, prefixLen: 16, nameTag: 0 }))
    const common = {
      from: addresses[0]!,
      boot,
      seq: 0,
      intervalMs: 0,
      addresses,
      down: [],
      outOfService: 0,
      cluster: 0,
    }
    return {
      ack: [0, 1].map((lan) => encodeV2(toPacket({ kind: 'ack', to: 1, lan, ...common }, own))),
      sockets: [] as dgram.Socket[],
    }
  })
  for (const lan of [0, 1]) {
    for (let i = 0; i < n; i++) peers[i]!.sockets.push(await bindUdp(simAddress(lan, i), port))
  }
  // The daemon's INQs go to 255.255.255.255 on both LANs: one socket hears both, the source tells the LAN.
  const bcast = await bindUdp('255.255.255.255', port)
  bcast.on('message', (data, rinfo) => {
    const lan = daemon.indexOf(rinfo.address)
    if (lan < 0 || data[2] !== 2 || data[3] !== 1) return // a v2 INQ from the daemon
    count.inqRx++
    count.firstInqAt ||= Date.now()
    const seq = data.readUInt32BE(OFF_SEQ)
    const from = data.readUInt32BE(4)
    for (const p of peers) {
      const b = Buffer.from(p.ack[lan]!) // send is asynchronous: never patch a buffer in flight
      b.writeUInt32BE(seq, OFF_SEQ)
      b.writeUInt32BE(from, OFF_TO)
      p.sockets[lan]!.send(b, port, rinfo.address)
      count.ackTx++
    }
  })
  setInterval(() => process.stdout.write(`${JSON.stringify({ at: Date.now(), ...count })}\n`), 1000)
  process.stdout.write(`ready ${n} peers on ${formatIPv4(parseIPv4(simAddress(0, 0))!)}..\n`)
  process.on('SIGTERM', () => process.exit(0))
}

await main()
