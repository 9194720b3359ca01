// A TCP stream for the lab: the client sends a numbered byte pattern, the server checks every byte
// and reports bytes, corruption and the longest gap between arrivals (the failover stall).
//   node stream.js server ADDR PORT          prints "listening", then one JSON line when the client ends
//   node stream.js client FROM TO PORT [bulk]  sends until SIGTERM (or 120 s), then prints one JSON line;
//                                            thin: 256 bytes every 2 ms; bulk: as fast as TCP takes them
import net from 'node:net'

const CHUNK = 256
const EVERY_MS = 2
const MAX_RUN_MS = 120_000
const GAP_MS = 20
const MAX_GAPS = 1000

const pattern = (offset: number, n: number): Buffer => {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (offset + i) % 251
  return b
}

function server(address: string, port: number): void {
  const srv = net.createServer((sock) => {
    let bytes = 0
    let bad = 0
    let last = 0
    let maxGapMs = 0
    /** Stalls over GAP_MS: when each ended (epoch ms) and how long it was. BOUNDED: MAX_GAPS. */
    const gaps: Array<{ endedAt: number; ms: number }> = []
    sock.on('data', (d: Buffer) => {
      const now = performance.now()
      const gap = last ? now - last : 0
      maxGapMs = Math.max(maxGapMs, gap)
      if (gap > GAP_MS && gaps.length < MAX_GAPS) gaps.push({ endedAt: Date.now(), ms: Math.round(gap) })
      last = now
      for (let i = 0; i < d.length; i++) if (d[i] !== (bytes + i) % 251) bad++
      bytes += d.length
    })
    sock.on('end', () => {
      process.stdout.write(`${JSON.stringify({ bytes, bad, maxGapMs: Math.round(maxGapMs), gaps })}\n`)
      sock.end()
      srv.close()
    })
  })
  srv.listen(port, address, () => process.stdout.write('listening\n'))
  setTimeout(() => process.exit(3), MAX_RUN_MS + 30_000).unref()
}

/** A bulk stream's writes: the socket's queue never runs dry, so TCP always has a full window out. */
const BULK_CHUNK = 64 << 10

function client(from: string, to: string, port: number, bulk: boolean): void {
  let sent = 0
  let stopping = false
  const sock = net.connect({ host: to, port, localAddress: from })
  const fill = () => {
    while (!stopping && sock.writableLength < 1 << 20) {
      sock.write(pattern(sent, BULK_CHUNK))
      sent += BULK_CHUNK
    }
  }
  if (bulk) sock.on('drain', fill).on('connect', fill)
  const timer = setInterval(() => {
    if (bulk) return fill()
    if (!stopping && sock.writableLength < 1 << 20) {
      sock.write(pattern(sent, CHUNK))
      sent += CHUNK
    }
  }, EVERY_MS)
  const stop = () => {
    if (stopping) return
    stopping = true
    clearInterval(timer)
    sock.end(() => undefined)
  }
  sock.on('connect', () => process.stdout.write('connected\n'))
  sock.on('close', () => {
    process.stdout.write(`${JSON.stringify({ sent })}\n`)
    process.exit(0)
  })
  sock.on('error', (e) => {
    process.stdout.write(`${JSON.stringify({ sent, error: e.message })}\n`)
    process.exit(1)
  })
  process.on('SIGTERM', stop)
  setTimeout(stop, MAX_RUN_MS).unref()
}

const [mode, a, b, c, kind] = process.argv.slice(2)
if (mode === 'server' && a && b) server(a, Number(b))
else if (mode === 'client' && a && b && c) client(a, b, Number(c), kind === 'bulk')
else {
  process.stderr.write('usage: stream.js server ADDR PORT | client FROM TO PORT [bulk]\n')
  process.exit(2)
}
