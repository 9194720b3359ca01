// A TCP stream for the lab: the client sends a numbered byte pattern, the server checks every byte
// and reports bytes, corruption and the longest gap between arrivals (the failover stall).
//   node stream.js server ADDR PORT          prints "listening", then one JSON line when the client ends
//   node stream.js client FROM TO PORT       sends until SIGTERM (or 120 s), then prints one JSON line
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

function client(from: string, to: string, port: number): void {
  let sent = 0
  let stopping = false
  const sock = net.connect({ host: to, port, localAddress: from })
  const timer = setInterval(() => {
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

const [mode, a, b, c] = process.argv.slice(2)
if (mode === 'server' && a && b) server(a, Number(b))
else if (mode === 'client' && a && b && c) client(a, b, Number(c))
else {
  process.stderr.write('usage: stream.js server ADDR PORT | client FROM TO PORT\n')
  process.exit(2)
}
