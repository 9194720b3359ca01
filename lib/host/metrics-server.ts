// Serves the metrics text at GET /metrics over node:http: the Prometheus scrape endpoint, nothing else.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Exposition {
  readonly contentType: string
  text(): Promise<string>
}

/** A scrape that takes longer is cut off: a stuck client must not hold a socket open for ever. */
const REQUEST_TIMEOUT_MS = 10_000
/** Prometheus scrapes one at a time per target; a few more connections are plenty. */
const MAX_CONNECTIONS = 16

export class MetricsServer {
  readonly #metrics: Exposition
  #server: Server | undefined

  constructor(metrics: Exposition) {
    this.#metrics = metrics
  }

  /** Listen on `host`:`port`; rejects (EADDRINUSE, EADDRNOTAVAIL...) if it cannot. */
  async start(host: string, port: number): Promise<AddressInfo> {
    const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => void this.#serve(req, res))
    server.maxConnections = MAX_CONNECTIONS
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.#server = server
    return server.address() as AddressInfo
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]
    if (path !== '/metrics') return reply(res, 404, 'text/plain', 'not found: metrics are at /metrics\n')
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain', 'GET only\n')
    try {
      reply(res, 200, this.#metrics.contentType, req.method === 'HEAD' ? '' : await this.#metrics.text())
    } catch (err) {
      reply(res, 500, 'text/plain', `cannot collect metrics: ${(err as Error).message}\n`)
    }
  }

  async stop(): Promise<void> {
    const s = this.#server
    this.#server = undefined
    if (!s) return
    s.closeAllConnections()
    await new Promise<void>((resolve) => s.close(() => resolve()))
  }
}

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}
