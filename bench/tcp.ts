// TCP at a dead switch port: the stall of a thin and a bulk stream, with the kernel's default RTO and with rto_min on the LAN routes.
//
// A thin stream (256 bytes every 2 ms) always has new data to send, and new segments that reach
// the peer over the new route bring the lost ones back by fast retransmit: it stalls about as long
// as the failover. A bulk stream has its whole window lost at the fault and waits for its
// retransmission timer: RTO 200 ms at least (Linux's TCP_RTO_MIN), doubling at each retry, on
// the route the socket used before the fault. `rto_min` on that route (`ip route change ...
// rto_min 20ms`) starts the doubling from 20 ms. Whether that helps depends on where the failover
// falls between two retries: measured here, not assumed.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addr, type Host, Lab, sleep } from '../spec/lab/harness/netlab.js'
import { FaultClock, Reactions } from './fault-clock.js'
import { type Summary, summarize } from './stats.js'

const A = 0
const B = 1

export type StreamKind = 'thin' | 'bulk'

export interface TcpRow {
  readonly stream: StreamKind
  /** undefined: the kernel's default (200 ms). */
  readonly rtoMinMs: number | undefined
  readonly runs: number
  readonly stall: Summary
  /** From the fault taking effect (fault-clock.ts) to host 2's route moving. */
  readonly failover: Summary
  /** Route changes stamped before their fault took effect: left out of the figures. */
  readonly flagged: number
  readonly bytesLost: number
}

/** Set or clear rto_min on host h's routes to its LAN subnets (the routes a stream uses before a fault). */
async function rtoMin(lab: Lab, h: Host, ms: number | undefined): Promise<void> {
  for (const lan of [A, B]) {
    const subnet = `${addr(lan, 0)}/24`
    const iface = h.ifaces[lan]!
    const base = ['route', 'replace', subnet, 'dev', iface, 'proto', 'kernel', 'scope', 'link', 'src', addr(lan, h.n)]
    await lab.exec(h, 'ip', ms === undefined ? base : [...base, 'rto_min', `${ms}ms`])
  }
}

/**
 * `runs` dead ports on host 1's LAN A under each stream kind and RTO setting, faild on both hosts
 * at `flags`; the longest gap the receiver saw while host 2 routed host 1 over LAN B.
 */
export async function benchTcp(
  flags: readonly string[],
  runs: number,
  log: (s: string) => void,
  settings: ReadonlyArray<number | undefined> = [undefined, 20],
): Promise<TcpRow[]> {
  const lab = await Lab.create({ hosts: 2 })
  try {
    const [h1, h2] = lab.hosts as [Host, Host]
    // The same path faulted every few seconds: measure TCP, not flap damping.
    const config = join(lab.dir, 'no-damping.json')
    writeFileSync(config, JSON.stringify({ flapDamping: { enabled: false } }))
    for (const h of lab.hosts) await lab.faild(h, [...flags, '-c', config])
    await sleep(1500)
    const watch = await lab.watchRoutes(h2)
    const deadPort = (await FaultClock.start(lab)).deadPort(h1, A)
    const swapped = new RegExp(`^${addr(A, 1).replace(/\./g, '\\.')} via `)
    const out: TcpRow[] = []
    let port = 6000
    for (const stream of ['thin', 'bulk'] as const) {
      for (const ms of settings) {
        for (const h of lab.hosts) await rtoMin(lab, h, ms)
        const stalls: number[] = []
        const failovers = new Reactions()
        let bytesLost = 0
        for (let run = 0; run < runs; run++) {
          const s = await lab.tcpStream(h2, h1, port++, stream)
          await sleep(300 + Math.random() * 100)
          watch.drain()
          const faultWall = Date.now()
          const f = await deadPort(true)
          const failover = failovers.add(await watch.next(swapped, 10_000), f.effect)
          await sleep(1500)
          const got = await s.stop()
          await deadPort(false)
          await lab.routeBecomes(h2, addr(A, 1), `dev ${h2.ifaces[A]}`, 20_000)
          await sleep(300)
          bytesLost += got.sent - got.bytes
          const stall = Math.max(0, ...got.gaps.filter((g) => g.endedAt >= faultWall).map((g) => g.ms))
          stalls.push(stall)
          const what = ms === undefined ? 'default RTO' : `rto_min ${ms}ms`
          log(`  ${stream}, ${what}, run ${run + 1}/${runs}: failover ${failover} ms, stall ${stall} ms`)
        }
        const failover = summarize(failovers.ms)
        out.push({
          stream,
          rtoMinMs: ms,
          runs,
          stall: summarize(stalls),
          failover,
          flagged: failovers.flagged,
          bytesLost,
        })
      }
    }
    for (const h of lab.hosts) await rtoMin(lab, h, undefined)
    return out
  } finally {
    await lab.destroy()
  }
}
