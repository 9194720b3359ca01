// The control socket's client side: send one request to a running faild and read its one reply.
import { connect } from 'node:net'
import type { Reply, Request } from './protocol.js'

/** A daemon that does not answer within this is reported, not waited for. */
const REPLY_TIMEOUT_MS = 5000

/** Send one request, read one reply. Rejects with a message an operator can act on. */
export function request(socket: string, req: Request, timeoutMs = REPLY_TIMEOUT_MS): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = connect(socket)
    let buf = ''
    const timer = setTimeout(() => {
      sock.destroy()
      reject(new Error(`faild at ${socket} did not answer within ${timeoutMs / 1000}s`))
    }, timeoutMs)
    sock.setEncoding('utf8')
    sock.on('connect', () => sock.write(`${JSON.stringify(req)}\n`))
    sock.on('data', (d: string) => (buf += d))
    sock.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      const hint =
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
          ? ' (is faild running? see --socket)'
          : err.code === 'EACCES'
            ? ' (faildctl needs root)'
            : ''
      reject(new Error(`cannot talk to faild at ${socket}: ${err.message}${hint}`))
    })
    sock.on('end', () => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(buf) as Reply)
      } catch {
        reject(new Error(`faild at ${socket} sent a reply that is not JSON`))
      }
    })
  })
}
