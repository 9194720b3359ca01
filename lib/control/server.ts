// The control socket's server side: a Unix socket, root only, mode 0600, one request per connection.
import { lstatSync, mkdirSync, unlinkSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { dirname } from 'node:path'
import { CLOSE_GRACE_MS, endConnection } from './ending.js'
import { parseRequest, type Reply, type Request } from './protocol.js'
import { MAX_SUBSCRIBERS, type Subscribers } from './subscribers.js'

export type Handler = (req: Request) => Reply | Promise<Reply>

/** A request line longer than this is refused; no command needs more. */
const MAX_REQUEST_BYTES = 4096
/** A client that sends no full line within this (a deadline, not idleness: no trickling) is dropped. */
const LINE_MS = 5000
/** A request still unanswered after this is dropped (faildctl gave up after 5 s, 50 s for a reload). */
const ANSWER_MS = 60_000
const MAX_CLIENTS = 16

export class ControlServer {
  readonly #path: string
  readonly #handler: Handler
  readonly #subscribers: Subscribers | undefined
  #server: Server | undefined
  /** Every open connection, to end at stop. BOUNDED: MAX_CLIENTS. */
  readonly #open = new Set<Socket>()

  /** `subscribers`: where an events request's connection goes (none: events are refused). */
  constructor(path: string, handler: Handler, subscribers?: Subscribers) {
    this.#path = path
    this.#handler = handler
    this.#subscribers = subscribers
  }

  /** Listen with mode 0600 from the first moment (umask), replacing a stale socket file. */
  async start(): Promise<void> {
    mkdirSync(dirname(this.#path), { recursive: true, mode: 0o755 })
    try {
      if (!lstatSync(this.#path).isSocket()) throw new Error(`control socket ${this.#path} exists and is not a socket`)
      unlinkSync(this.#path) // ours from a run that died: the pid file lock says none is running
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    // Half-open allowed: a client that sends its request and then EOF (`socat`, `nc -N`) still gets the answer.
    const server = createServer({ allowHalfOpen: true }, (sock) => this.#serve(sock))
    server.maxConnections = MAX_CLIENTS
    const umask = process.umask(0o177)
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(this.#path, () => resolve())
      })
    } catch (err) {
      throw new Error(`cannot listen on control socket ${this.#path}: ${(err as Error).message}`)
    } finally {
      process.umask(umask)
    }
    this.#server = server
  }

  async stop(): Promise<void> {
    const s = this.#server
    if (!s) return
    this.#server = undefined
    this.#subscribers?.close()
    const closed = new Promise<void>((resolve) => s.close(() => resolve()))
    // A request in flight loses its answer: faild is going. Any still open a grace later (one let
    // go earlier, with a longer grace) is destroyed then: the stop waits for no reader.
    for (const sock of this.#open) endConnection(sock)
    const late = setTimeout(() => {
      for (const sock of this.#open) sock.destroy()
    }, CLOSE_GRACE_MS)
    await closed
    clearTimeout(late)
    try {
      unlinkSync(this.#path)
    } catch {
      // already gone
    }
  }

  #serve(sock: Socket): void {
    this.#open.add(sock)
    sock.once('close', () => this.#open.delete(sock))
    let buf = ''
    let timer = setTimeout(() => sock.destroy(), LINE_MS)
    sock.once('close', () => clearTimeout(timer))
    sock.setEncoding('utf8')
    sock.on('error', () => sock.destroy())
    // EOF before a full line: nothing to answer. (A request in flight is answered; a subscriber's is in Subscribers.)
    const early = () => endConnection(sock)
    sock.once('end', early)
    sock.on('data', (d: string) => {
      buf += d
      const nl = buf.indexOf('\n')
      if (nl < 0 && buf.length <= MAX_REQUEST_BYTES) return
      sock.removeAllListeners('data')
      sock.off('end', early)
      clearTimeout(timer)
      if (nl < 0 || nl > MAX_REQUEST_BYTES)
        return this.#reply(sock, { ok: false, error: `request over ${MAX_REQUEST_BYTES} bytes` })
      const req = parseRequest(buf.slice(0, nl))
      if (typeof req === 'string') return this.#reply(sock, { ok: false, error: req })
      if (req.command === 'events') return this.#subscribe(sock)
      timer = setTimeout(() => sock.destroy(), ANSWER_MS)
      Promise.resolve()
        .then(() => this.#handler(req))
        .then(
          (r) => this.#reply(sock, r),
          (err: Error) => this.#reply(sock, { ok: false, error: err.message }),
        )
    })
  }

  /** Keep the connection: a line now, then one per change (see Subscribers). */
  #subscribe(sock: Socket): void {
    if (!this.#subscribers?.add(sock)) {
      return this.#reply(sock, { ok: false, error: `too many event subscribers (${MAX_SUBSCRIBERS})` })
    }
    sock.write(`${JSON.stringify({ ok: true, message: 'subscribed' })}\n`)
  }

  #reply(sock: Socket, r: Reply): void {
    endConnection(sock, `${JSON.stringify(r)}\n`)
  }
}
