// The /metrics endpoint of lib/host/metrics-server.ts on loopback: GET and HEAD, nothing else, and a port taken.
import { request } from 'node:http'
import t from 'tap'
import { MetricsServer } from '../../lib/host/metrics-server.js'

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }))
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('GET /metrics serves the text with its content type; other paths and methods are refused', async (t) => {
  let scrapes = 0
  let fail = false
  const server = new MetricsServer({
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    text: async () => {
      scrapes++
      if (fail) throw new Error('boom')
      return 'faild_peers 3\n'
    },
  })
  const { port, address } = await server.start('127.0.0.1', 0)
  t.teardown(() => server.stop())
  t.equal(address, '127.0.0.1')
  t.same(await get(port, '/metrics'), {
    status: 200,
    type: 'text/plain; version=0.0.4; charset=utf-8',
    body: 'faild_peers 3\n',
  })
  t.equal((await get(port, '/metrics?x=1')).status, 200, 'a query string is ignored')
  t.same(await get(port, '/metrics', 'HEAD'), {
    status: 200,
    type: 'text/plain; version=0.0.4; charset=utf-8',
    body: '',
  })
  t.equal((await get(port, '/')).status, 404)
  t.equal((await get(port, '/metrics', 'POST')).status, 405)
  t.equal(scrapes, 2, 'collected only for a GET of /metrics')
  fail = true
  const r = await get(port, '/metrics')
  t.equal(r.status, 500)
  t.match(r.body, /boom/)
})

t.test('a port in use is refused at start; stop is idempotent', async (t) => {
  const first = new MetricsServer({ contentType: 'text/plain', text: async () => '' })
  const { port } = await first.start('127.0.0.1', 0)
  const second = new MetricsServer({ contentType: 'text/plain', text: async () => '' })
  await t.rejects(second.start('127.0.0.1', port), { code: 'EADDRINUSE' })
  await first.stop()
  await first.stop()
  await second.stop()
})
