// IPv6 swap routes end to end without the engine: host 1's LAN A switch port dies under a TCP
// stream between the hosts' LAN A IPv6 addresses, both hosts get the swap route (the peer's LAN A
// address via its LAN B address, source their own LAN A address) through RouteTable6, and the
// stream must carry on over LAN B before the port heals, losing nothing.
//
// The second case writes the same routes without the socket refresh, and shows why it is there:
// the stream waits for the heal. If a kernel ever makes that case fail, the refresh can go.
import t from 'tap'
import { createLogger, transports } from 'winston'
import { route6ChangeLines } from '../../lib/core/routes/ip6-batch.js'
import type { Route6 } from '../../lib/core/routes/route6.js'
import { parseIPv6 } from '../../lib/core/util/ipv6.js'
import { ipRunner } from '../../lib/host/ip-runner.js'
import { RouteTable6 } from '../../lib/host/route-table6.js'
import { withLab } from './harness/lab-test.js'
import { type Host, type Lab, run, type StreamResult, sleep } from './harness/netlab.js'

const LAYOUT = { table: 4207, proto: 250, rulePriority: 32000, port: 4207, dryRun: false }
/** How long the stream runs before the fault, the stand-in for faild's detection, and how long the port stays dead. */
const WARM_MS = 1000
const DETECT_MS = 200
const OUTAGE_MS = 4000

/** Host h's route to peer p's LAN A address: via p's LAN B address out of LAN B, from h's LAN A address. */
const swap = (lab: Lab, h: Host, p: Host): Route6 => ({
  table: LAYOUT.table,
  len: 128,
  dst: parseIPv6(lab.address6(0, p.n))!,
  via: parseIPv6(lab.address6(1, p.n))!,
  dev: h.ifaces[1]!,
  src: parseIPv6(lab.address6(0, h.n))!,
})

/** Writes the swaps through RouteTable6, or (refresh off) their bare route lines through `ip -6 -batch`. */
interface Writer {
  apply(on: boolean): Promise<void>
  stop(): Promise<void>
}

async function tableWriter(lab: Lab): Promise<Writer> {
  const log = createLogger({ transports: [new transports.Console({ silent: true })] })
  const [h1, h2] = lab.hosts as [Host, Host]
  const pairs: Array<[Host, Host]> = [
    [h1, h2],
    [h2, h1],
  ]
  const tables = pairs.map(([h, p]) => ({
    table: new RouteTable6(LAYOUT, { ip: ipRunner(['ip', '-n', h.ns]), log }),
    route: swap(lab, h, p),
  }))
  for (const { table } of tables) await table.start()
  return {
    async apply(on) {
      const ok = await Promise.all(tables.map(({ table, route }) => table.apply(on ? [route] : [])))
      if (!ok.every(Boolean)) throw new Error('ip -6 refused a swap route')
    },
    async stop() {
      for (const { table } of tables) await table.stop()
    },
  }
}

/** The same routes and rule, with no refresh after a change: the kernel's behaviour alone. */
async function bareWriter(lab: Lab): Promise<Writer> {
  const batch = async (h: Host, lines: string[]) => {
    const r = await run('ip', ['-6', '-n', h.ns, '-force', '-batch', '-'], `${lines.join('\n')}\n`)
    if (r.code !== 0) throw new Error(`ip -6 -batch in ${h.ns}: ${r.stderr.trim()}`)
  }
  const [h1, h2] = lab.hosts as [Host, Host]
  const rule = `rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250`
  for (const h of lab.hosts) await batch(h, [rule])
  const lines = (h: Host, p: Host, on: boolean) => {
    const r = swap(lab, h, p)
    return route6ChangeLines({ add: on ? [r] : [], change: [], remove: on ? [] : [r] }, LAYOUT.proto)
  }
  return {
    async apply(on) {
      await Promise.all([batch(h1, lines(h1, h2, on)), batch(h2, lines(h2, h1, on))])
    },
    async stop() {},
  }
}

interface Outcome {
  readonly result: StreamResult
  /** The stream's stall that began with the fault (over 20 ms), and whether it ended before the heal. */
  readonly stallMs: number
  readonly resumedBeforeHeal: boolean
  readonly routeDuring: string
}

/** Stream, dead port, swap, hold, heal, swap back; what the stream saw. */
async function outage(lab: Lab, writer: Writer, port: number): Promise<Outcome> {
  const [h1, h2] = lab.hosts as [Host, Host]
  const stream = await lab.tcpStream(h1, h2, port, 'thin', 6)
  await sleep(WARM_MS)
  const faultAt = Date.now()
  await lab.fault(h1, 0, 'both')
  await sleep(DETECT_MS)
  await writer.apply(true)
  const routeDuring = await lab.route(h1, lab.address6(0, h2.n))
  await sleep(OUTAGE_MS)
  const healAt = Date.now()
  await lab.heal(h1, 0)
  await writer.apply(false)
  await sleep(500)
  const result = await stream.stop()
  const stall = result.gaps.find((g) => g.endedAt > faultAt)
  return {
    result,
    stallMs: stall?.ms ?? 0,
    resumedBeforeHeal: stall !== undefined && stall.endedAt < healAt,
    routeDuring,
  }
}

t.test('an IPv6 swap through RouteTable6 moves an established TCP stream to LAN B', async (t) => {
  await withLab(t, { hosts: 2, ipv6: true }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    const writer = await tableWriter(lab)
    t.teardown(() => writer.stop())
    const o = await outage(lab, writer, 5001)
    t.equal(
      o.routeDuring,
      `dev ${h1.ifaces[1]} via ${lab.address6(1, h2.n)}`,
      "host 1 routes host 2's LAN A address via LAN B",
    )
    t.equal(o.result.bad, 0, 'no byte corrupted')
    t.equal(o.result.bytes, o.result.sent, 'every byte sent arrived')
    t.ok(o.stallMs > 0, 'the dead port stalled the stream')
    t.ok(o.resumedBeforeHeal, `the stream carried on over LAN B while LAN A was dead (stall ${o.stallMs} ms)`)
    t.equal(await lab.route(h1, lab.address6(0, h2.n)), `dev ${h1.ifaces[0]}`, 'direct again once the swap is gone')
    t.equal(await lab.faildRoutes(h1), '', 'no IPv4 route in the table')
    const left = await run('ip', ['-6', '-n', h1.ns, 'route', 'show', 'table', '4207'])
    t.equal(left.stdout.trim(), '', 'no IPv6 route left in the table')
    const rules = await run('ip', ['-6', '-n', h1.ns, 'rule', 'show'])
    t.match(rules.stdout, /32000:\tnot from all ipproto udp sport 4207 lookup 4207 proto 250/, "faild's IPv6 rule")
    t.notMatch(rules.stdout, /32067/, 'no refresh rule left behind')
  })
})

t.test('without the refresh the same swap leaves the stream on the dead LAN until it heals', async (t) => {
  await withLab(t, { hosts: 2, ipv6: true }, async (lab) => {
    // Now and then the kernel looks the route up again by itself (once in CI at 67f7130: the
    // stream resumed 72 ms after the swap). The refresh is needed as long as it may not: so the
    // case needs one stream of two to wait for the heal, and says what both did.
    const writer = await bareWriter(lab)
    const stalls: number[] = []
    for (const port of [5002, 5003]) {
      const o = await outage(lab, writer, port)
      t.equal(o.result.bytes, o.result.sent, 'every byte sent arrived, after the heal')
      stalls.push(o.resumedBeforeHeal ? o.stallMs : Infinity)
      if (!o.resumedBeforeHeal) break
    }
    const said = stalls.map((ms) => (ms === Infinity ? 'until the heal' : `${ms} ms`)).join(', then ')
    t.ok(stalls.includes(Infinity), `the kernel kept the cached route: stalled ${said}`)
  })
})
