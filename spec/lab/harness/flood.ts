// A packet flood for the lab: garbage, or well-formed INQs from invented peers, at a given rate.
//   node flood.js DST PORT PPS SECONDS garbage|inq SRC...   prints one JSON line: packets sent
// Each SRC is an address of this host to send from (one socket each); the rate is shared by all.

import { randomBytes } from 'node:crypto'
import dgram from 'node:dgram'
import { parseIPv4 } from '../../../lib/core/util/ipv4.js'
import { encode } from '../../../lib/core/wire/codec.js'

const [dst, portS, ppsS, secondsS, mode, ...srcs] = process.argv.slice(2)
const port = Number(portS)
const pps = Number(ppsS)
const until = Date.now() + Number(secondsS) * 1000
const TICK_MS = 5

function packet(src: string, i: number): Buffer {
  if (mode === 'garbage') return randomBytes(28 + (i % 64))
  const from = (0x0a000000 + ((i * 7919) % 100_000)) >>> 0 // an invented node id, 100,000 of them
  const addr = parseIPv4(src)!
  return encode({
    kind: 'inq',
    from,
    boot: 1,
    lan: 0,
    seq: i,
    intervalMs: 100,
    addresses: [addr],
    down: [],
    outOfService: 0,
    cluster: 0,
  })
}

const sockets = await Promise.all(
  srcs.map(
    (src) =>
      new Promise<{ src: string; sock: dgram.Socket }>((resolve) => {
        const sock = dgram.createSocket('udp4')
        sock.on('error', () => {}) // ENOBUFS under load: the flood just sends less
        sock.bind(0, src, () => resolve({ src, sock }))
      }),
  ),
)
let sent = 0
const perTick = Math.max(1, Math.round((pps * TICK_MS) / 1000))
const started = Date.now()
const timer = setInterval(() => {
  const due = Math.round(((Date.now() - started) / 1000) * pps)
  for (let n = 0; n < perTick * 4 && sent < due; n++, sent++) {
    const s = sockets[sent % sockets.length]!
    s.sock.send(packet(s.src, sent), port, dst)
  }
  if (Date.now() >= until) {
    clearInterval(timer)
    for (const s of sockets) s.sock.close()
    process.stdout.write(`${JSON.stringify({ sent, seconds: (Date.now() - started) / 1000 })}\n`)
  }
}, TICK_MS)
