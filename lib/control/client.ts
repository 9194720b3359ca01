// The control socket's client side: send one request to a running faild and read its one reply.
import { connect } from 'node:net'
import type { Reply, Request } from './protocol.js'

/** A daemon that does not answer within this is reported, not waited for. */
const REPLY_TIMEOUT_MS = 5000
/**
 * A reload waits behind the one before it (logrotate's SIGHUP) and the route batch in flight:
 * systemd's ExecReload and the init script would say it failed while faild went on to apply it.
 * The server drops a request after 60 s; this stays under it.
 */
export const RELOAD_TIMEOUT_MS = 50_000

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

/** An open subscription: its lines arrive through onLine; close() ends it. */
export interface Subscription {
  /** Resolves when the stream ends: faild stopped or let us go (the reason), or close() was called. */
  readonly ended: Promise<string | undefined>
  close(): void
}

/** Subscribe to faild's events: `onEvent` gets each one, parsed; rejects if faild refuses, closes or is silent first. */
export function subscribe(
  socket: string,
  onEvent: (e: Record<string, unknown>) => void,
  timeoutMs = REPLY_TIMEOUT_MS,
): Promise<Subscription> {
  return new Promise((resolve, reject) => {
    const sock = connect(socket)
    const timer = setTimeout(() => {
      sock.destroy()
      reject(new Error(`faild at ${socket} did not answer within ${timeoutMs / 1000}s`))
    }, timeoutMs)
    let buf = ''
    let subscribed = false
    let closing = false
    let why: string | undefined
    let finish: (why: string | undefined) => void = () => {}
    const ended = new Promise<string | undefined>((r) => (finish = r))
    sock.setEncoding('utf8')
    sock.on('connect', () => sock.write(`${JSON.stringify({ command: 'events' })}\n`))
    sock.on('data', (d: string) => {
      buf += d
      let nl = buf.indexOf('\n')
      while (nl >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        nl = buf.indexOf('\n')
        let v: Record<string, unknown>
        try {
          v = JSON.parse(line) as Record<string, unknown>
        } catch {
          continue
        }
        if (!subscribed) {
          clearTimeout(timer)
          if (v.ok !== true) return reject(new Error(String(v.error ?? 'faild refused the subscription')))
          subscribed = true
          const close = () => {
            closing = true
            sock.end()
          }
          resolve({ ended, close })
        } else if (v.ok === false) why = String(v.error)
        else onEvent(v)
      }
    })
    sock.on('error', (err) => {
      if (!subscribed) reject(new Error(`cannot talk to faild at ${socket}: ${err.message}`))
      why ??= err.message
    })
    sock.on('close', () => {
      clearTimeout(timer)
      // Settled already if it answered or failed; else faild closed before it answered (at its limit, or stopping).
      reject(new Error(`faild at ${socket} closed the connection before it answered`))
      finish(closing ? undefined : (why ?? 'faild closed the stream (it stopped, or this reader fell far behind)'))
    })
  })
}
