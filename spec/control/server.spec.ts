// The control socket of lib/control.ts and faildctl of lib/faildctl.ts, over a real Unix socket.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { ctl } from '../../lib/cli/faildctl.js'
import { subscribe } from '../../lib/control/client.js'
import { CLOSE_GRACE_MS } from '../../lib/control/ending.js'
import { parseRequest, type Request } from '../../lib/control/protocol.js'
import { ControlServer } from '../../lib/control/server.js'
import { MAX_SUBSCRIBERS, Subscribers } from '../../lib/control/subscribers.js'
import { formatEvent } from '../../lib/core/report/event-format.js'
import type { StatusReport } from '../../lib/core/report/status.js'

const dir = mkdtempSync(join(tmpdir(), 'faild-control-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const STATUS: StatusReport = {
  version: '0.1.0',
  pid: 42,
  node: '198.18.1.1',
  role: 'requestor',
  intervalS: 0.1,
  failAfter: 3,
  upAfter: 3,
  uptimeS: 3725,
  dryRun: false,
  overload: null,
  lans: [
    { label: 'A', iface: 'etha', address: '198.18.1.1', carrier: true, offline: true, state: 'offline', srttMs: 0.4 },
    { label: 'B', iface: 'ethb', address: '198.18.2.1', carrier: true, offline: false, state: 'up', srttMs: null },
  ],
  peers: [
    {
      id: '198.18.1.2',
      role: 'responder',
      paths: [
        {
          lan: 'A',
          address: '198.18.1.2',
          state: 'down',
          observed: 'up',
          missed: 0,
          good: 3,
          hearsUs: true,
          peerOutOfService: false,
          lastHeardS: 0.1,
          rttMs: 0.4,
        },
        {
          lan: 'B',
          address: '198.18.2.2',
          state: 'up',
          observed: 'up',
          missed: 0,
          good: 3,
          hearsUs: false,
          peerOutOfService: true,
          lastHeardS: null,
          rttMs: null,
        },
      ],
    },
  ],
  targets: [],
  routes: [
    { route: '198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1', table: 4207, why: 'peer 198.18.1.2 down on LAN A' },
  ],
  packets: { received: 10, dropped: 2, drops: { 'late-ack': 2 } },
}

const bad: Array<[string, RegExp]> = [
  ['nonsense', /not JSON/],
  ['[1]', /unknown command undefined/],
  ['"status"', /not a JSON object/],
  ['{"command":"shutdown"}', /unknown command "shutdown": status, matrix, offline, online, what-if, reload, events/],
  ['{"command":"what-if"}', /what-if needs "lan"/],
  ['{"command":"offline"}', /offline needs "lan"/],
]
t.test('requests are checked before anything acts on them', async (t) => {
  t.same(parseRequest('{"command":"offline","lan":"A","extra":1}'), { command: 'offline', lan: 'A' })
  for (const [line, re] of bad) t.match(parseRequest(line), re, line)
})

t.test('faildctl against a server: status as tables and JSON, drain, refusals, exit codes', async (t) => {
  const path = join(dir, 'ctl.sock')
  writeFileSync(path, 'not a socket')
  const seen: Request[] = []
  const server = new ControlServer(path, (req) => {
    seen.push(req)
    if (req.command === 'status') return { ok: true, status: STATUS }
    if (req.command === 'offline' && req.lan === 'Z') return { ok: false, error: "no LAN 'Z'" }
    return { ok: true, message: `did ${req.command}` }
  })
  await t.rejects(server.start(), /exists and is not a socket/, 'never removes a file that is not a socket')
  rmSync(path)
  await server.start()
  t.teardown(() => server.stop())
  t.equal(statSync(path).mode & 0o777, 0o600, 'root only')
  const run = async (...argv: string[]) => {
    let out = ''
    let err = ''
    const code = await ctl(['-S', path, ...argv], { out: (s) => (out += s), err: (s) => (err += s) })
    return { code, out, err }
  }
  const s = await run('status')
  t.equal(s.code, 0)
  t.match(s.out, /^faild 0\.1\.0, pid 42, node 198\.18\.1\.1, requestor every 0\.1s, -f 3 -s 3, up 1h 2m 5s\n/)
  t.match(s.out, /packets: received 10, dropped 2 \(late-ack 2\)/)
  t.match(s.out, /A\s+etha\s+198\.18\.1\.1\s+offline\s+0\.4 ms\nB\s+ethb\s+198\.18\.2\.1\s+up\s+-/)
  t.match(
    s.out,
    /198\.18\.1\.2\s+responder\s+A\s+198\.18\.1\.2\s+down \(seen up\)\s+0\/3\s+3\/3\s+-\s+0\.1s ago\s+0\.4 ms/,
  )
  t.match(s.out, /\s+B\s+198\.18\.2\.2\s+up\s+0\/3\s+3\/3\s+does not hear us, its LAN is out\s+never\s+-/)
  t.match(s.out, /198\.18\.1\.2 via 198\.18\.2\.2 dev ethb src 198\.18\.1\.1\s+4207\s+peer 198\.18\.1\.2 down on LAN A/)
  t.same(JSON.parse((await run('status', '--json')).out), STATUS)
  t.same(await run('offline', 'A'), { code: 0, out: 'did offline\n', err: '' })
  t.same(await run('offline', 'Z'), { code: 1, out: '', err: "faildctl: no LAN 'Z'\n" })
  t.equal((await run('reload')).code, 0)
  t.equal((await run('bogus')).code, 2, 'an unknown command is a usage error')
  t.same(
    seen.map((r) => r.command),
    ['status', 'status', 'offline', 'offline', 'reload'],
  )
  const gone = await ctl(['-S', join(dir, 'none.sock'), 'status'], {
    out: () => {},
    err: (e) => t.match(e, /cannot talk to faild at .*none\.sock: .*ENOENT.* \(is faild running\? see --socket\)/),
  })
  t.equal(gone, 2, 'no faild: exit 2 with the reason')
})

t.test('a client that sends garbage or too much gets an error, the server carries on', async (t) => {
  const path = join(dir, 'garbage.sock')
  const server = new ControlServer(path, () => ({ ok: true, message: 'fine' }))
  await server.start()
  t.teardown(() => server.stop())
  const talk = (data: string) =>
    new Promise<string>((resolve) => {
      const c = connect(path)
      let buf = ''
      c.on('data', (d) => (buf += d))
      c.on('close', () => resolve(buf))
      c.on('error', () => resolve(buf))
      c.write(data)
    })
  t.match(JSON.parse(await talk('x'.repeat(5000))), { ok: false, error: /request over 4096 bytes/ })
  t.match(JSON.parse(await talk('{oops\n')), { ok: false, error: 'not JSON' })
  t.match(JSON.parse(await talk('{"command":"status"}\n')), { ok: true, message: 'fine' })
})

t.test(
  'events: each subscriber gets every change as a line with its time; a slow one is let go; too many refused',
  async (t) => {
    const path = join(dir, 'events.sock')
    const subs = new Subscribers()
    const server = new ControlServer(path, () => ({ ok: true }), subs)
    await server.start()
    t.teardown(() => server.stop())
    const got: Array<Record<string, unknown>> = []
    const sub = await subscribe(path, (e) => got.push(e))
    await until(() => subs.count === 1)
    subs.publish({ event: 'path', peer: '198.18.1.2', lan: 'A', oldState: 'up', newState: 'down' }, new Date(0))
    await until(() => got.length === 1)
    t.same(got[0], {
      at: '1970-01-01T00:00:00.000Z',
      event: 'path',
      peer: '198.18.1.2',
      lan: 'A',
      oldState: 'up',
      newState: 'down',
    })
    t.equal(formatEvent(got[0]!), '00:00:00.000 path   peer 198.18.1.2 LAN A: up -> down')
    sub.close()
    t.equal(await sub.ended, undefined, 'closed by us: no complaint')
    await until(() => subs.count === 0)

    // One that never reads: its queue fills, and it is let go with a last line.
    const stuck = connect(path)
    stuck.write('{"command":"events"}\n')
    stuck.pause()
    await until(() => subs.count === 1)
    const big = { event: 'route', route: 'x'.repeat(60_000) }
    for (let i = 0; i < 200 && subs.count > 0; i++) subs.publish(big)
    t.equal(subs.count, 0, 'let go once far behind')
    stuck.destroy()

    const many = await Promise.all(Array.from({ length: MAX_SUBSCRIBERS }, () => subscribe(path, () => {})))
    await t.rejects(
      subscribe(path, () => {}),
      /too many event subscribers/,
    )
    for (const s of many) s.close()
    const last = await subscribe(path, () => {})
    await server.stop()
    t.match(await last.ended, /faild closed the stream/, 'faild stopping ends every stream, said as such')
  },
)

async function until(ok: () => boolean, ms = 1000): Promise<void> {
  for (let i = 0; i < ms / 5 && !ok(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!ok()) throw new Error('timed out')
}

t.test('subscribers that stop reading never hold up the stop', async (t) => {
  const path = join(dir, 'stuck.sock')
  const subs = new Subscribers()
  const server = new ControlServer(path, () => ({ ok: true }), subs)
  await server.start()
  // Suspended with Ctrl-Z: they neither read nor close.
  const stuck = [connect(path), connect(path)]
  for (const s of stuck) {
    s.write('{"command":"events"}\n')
    s.pause()
  }
  await until(() => subs.count === 2)
  const big = { event: 'route', route: 'x'.repeat(60_000) }
  for (let i = 0; i < 200 && subs.count > 1; i++) subs.publish(big)
  t.equal(subs.count, 0, 'both let go once far behind')
  const late = connect(path)
  late.write('{"command":"events"}\n')
  late.pause()
  await until(() => subs.count === 1)
  const started = Date.now()
  const bound = new Promise((r) => setTimeout(() => r('still waiting'), CLOSE_GRACE_MS + 3000))
  t.equal(await Promise.race([server.stop().then(() => 'stopped'), bound]), 'stopped')
  t.ok(Date.now() - started < CLOSE_GRACE_MS + 1000, 'within the grace')
  for (const s of [...stuck, late]) s.destroy()
})

t.test('a client that sends its request and then EOF still gets the answer', async (t) => {
  const path = join(dir, 'half.sock')
  const server = new ControlServer(path, async () => {
    await new Promise((r) => setTimeout(r, 50)) // a reload takes a while
    return { ok: true, message: 'reloaded' }
  })
  await server.start()
  t.teardown(() => server.stop())
  const reply = await new Promise<string>((resolve) => {
    const c = connect(path)
    let buf = ''
    c.on('data', (d) => (buf += d))
    c.on('close', () => resolve(buf))
    c.end('{"command":"reload"}\n') // as `socat` or `nc -N` do
  })
  t.same(JSON.parse(reply), { ok: true, message: 'reloaded' })
})

t.test('a request refused for its size is not run when its newline comes later', async (t) => {
  const path = join(dir, 'big.sock')
  const asked: Request[] = []
  const server = new ControlServer(path, (req) => {
    asked.push(req)
    return { ok: true }
  })
  await server.start()
  t.teardown(() => server.stop())
  const reply = await new Promise<string>((resolve) => {
    // It goes on writing after faild's answer (half-open, as a raw socket may).
    const c = connect({ path, allowHalfOpen: true })
    let buf = ''
    c.on('data', (d) => (buf += d))
    c.on('close', () => resolve(buf))
    c.on('error', () => {})
    c.write(`{"command":"offline","lan":"A","pad":"${'x'.repeat(5000)}`)
    c.on('end', () => c.end('"}\n'))
  })
  t.match(JSON.parse(reply), { ok: false, error: /request over 4096 bytes/ })
  await new Promise((r) => setTimeout(r, 50))
  t.same(asked, [], 'never run')
})

t.test('faildctl events: a faild that closes or stays silent before it answers is said, not waited on', async (t) => {
  const closing = join(dir, 'closing.sock')
  const silent = join(dir, 'silent.sock')
  const servers = [createServer((s) => s.end()), createServer(() => {})]
  await Promise.all([closing, silent].map((p, i) => new Promise<void>((r) => servers[i]!.listen(p, r))))
  t.teardown(() => {
    for (const s of servers) s.close()
  })
  await t.rejects(
    subscribe(closing, () => {}),
    /closed the connection before it answered/,
  )
  await t.rejects(
    subscribe(silent, () => {}, 200),
    /did not answer within 0\.2s/,
  )
})
