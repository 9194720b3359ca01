// A peer simulator for the scale bench: one process that is N faild peers on each LAN.
//   node peer-sim.js PORT N INTERVAL_S MODE DAEMON_A DAEMON_B
// MODE "responder": answer the daemon's broadcast INQs with one ACK per simulated peer.
// MODE "requestor": also send each simulated peer's INQ to the daemon every interval.
// Prints a JSON line of counters every second, and its first INQ's arrival time (epoch ms).
import dgram from 'node:dgram'
import { formatIPv4, parseIPv4 } from '../lib/core/util/ipv4.js'
import { encode } from '../lib/core/wire/codec.js'
import { simAddress } from './sim-address.js'

const OFF_SEQ = 16
const OFF_TO = 20

function bind(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4')
    s.once('error', reject)
    s.bind({ address, port, exclusive: true }, () => resolve(s))
  })
}

async function main(): Promise<void> {
  const [portS, nS, intervalS, mode, daemonA, daemonB] = process.argv.slice(2)
  const port = Number(portS)
  const n = Number(nS)
  const intervalMs = Math.round(Number(intervalS) * 1000)
  const requestor = mode === 'requestor'
  const daemon = [daemonA!, daemonB!]
  const count = { inqRx: 0, ackTx: 0, inqTx: 0, ackRx: 0, firstInqAt: 0 }
  const boot = 1 + Math.floor(Math.random() * 0xfffffff0)
  const peers = Array.from({ length: n }, (_, i) => {
    const addresses = [0, 1].map((lan) => parseIPv4(simAddress(lan, i))!)
    const common = {
      from: addresses[0]!,
      boot,
      seq: 0,
      intervalMs: requestor ? intervalMs : 0,
      addresses,
      down: [],
      outOfService: 0,
      cluster: 0,
    }
    return {
      ack: [0, 1].map((lan) => encode({ kind: 'ack', to: 1, lan, ...common })),
      inq: [0, 1].map((lan) => encode({ kind: 'inq', lan, ...common })),
      sockets: [] as dgram.Socket[],
    }
  })
  for (const lan of [0, 1]) {
    for (let i = 0; i < n; i++) {
      const s = await bind(simAddress(lan, i), port)
      s.on('message', () => count.ackRx++)
      peers[i]!.sockets.push(s)
    }
  }
  // The daemon's INQs go to 255.255.255.255 on both LANs: one socket hears both, the source tells the LAN.
  const bcast = await bind('255.255.255.255', port)
  bcast.on('message', (data, rinfo) => {
    const lan = daemon.indexOf(rinfo.address)
    if (lan >= 0) {
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
    }
  })
  let seq = 0
  if (requestor) {
    setInterval(() => {
      seq++
      for (const p of peers) {
        for (const lan of [0, 1]) {
          const b = Buffer.from(p.inq[lan]!)
          b.writeUInt32BE(seq, OFF_SEQ)
          p.sockets[lan]!.send(b, port, daemon[lan]!)
          count.inqTx++
        }
      }
    }, intervalMs)
  }
  setInterval(() => process.stdout.write(`${JSON.stringify({ at: Date.now(), ...count })}\n`), 1000)
  process.stdout.write(`ready ${n} peers on ${formatIPv4(parseIPv4(simAddress(0, 0))!)}..\n`)
  process.on('SIGTERM', () => process.exit(0))
}

await main()
