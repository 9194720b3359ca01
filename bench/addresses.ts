// A service address in the lab: from a dead switch port at its NIC to the client following it to the host's other NIC (IPMP's one subnet, NetMon's two LANs).
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addr, type Host, Lab, RouteWatch, sleep } from '../spec/lab/harness/netlab.js'
import { FaultClock, Reactions, type Stamp, stamping } from './fault-clock.js'
import { type Summary, summarize } from './stats.js'

const A = 0
const T = 0.1
const F = 3
const S = 3
const SERVICE = '198.18.1.100'

export interface AddressRow {
  readonly runs: number
  /** From the fault taking effect (fault-clock.ts) to the client's entry for the address naming the second NIC. */
  readonly move: Summary
  /** From the heal taking effect to the entry naming the first NIC again. */
  readonly back: Summary
  readonly moveLimitMs: number
  /** How long the fault and heal commands took (median, ms; not in the times), and how many the switch did not report. */
  readonly injectMedianMs: number
  readonly unreported: number
  /** Changes stamped before their fault (or heal) took effect: left out of the figures. */
  readonly flagged: number
}

/** Two NICs of host 1 on LAN A, a router (target) and a client: `runs` dead ports on the first NIC. */
export async function benchAddressMove(runs: number, log: (s: string) => void): Promise<AddressRow> {
  const lab = await Lab.create({ hosts: 3 })
  try {
    const [h1, router, client] = lab.hosts as [Host, Host, Host]
    await lab.addPort(h1, A, 'etha2', addr(A, 11))
    await lab.exec(h1, 'sysctl', ['-qw', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2'])
    const config = join(lab.dir, 'service.json')
    const watch = [addr(A, router.n)]
    writeFileSync(
      config,
      JSON.stringify({
        lans: [{ interface: 'etha' }, { interface: 'etha2' }],
        targets: [{ address: watch[0] }],
        addresses: [{ address: `${SERVICE}/24`, interfaces: ['etha', 'etha2'], watch }],
      }),
    )
    const p1 = await lab.faild(h1, ['-c', config, '-t', `${T}`, '-f', `${F}`, '-s', `${S}`])
    await p1.waitFor(/claimed on etha/)
    const [macA, mac2] = [await macOf(lab, h1, 'etha'), await macOf(lab, h1, 'etha2')]
    await lab.exec(client, 'ping', ['-c', '1', '-W', '1', SERVICE]) // the client has an entry to update
    // Lines stamped on arrival, as the switch's report of the fault is (fault-clock.ts).
    const neigh = new RouteWatch(lab.spawn(client, 'ip', ['monitor', 'neigh']))
    await sleep(100)
    const seen = (m: string) => new RegExp(`^${SERVICE.replace(/\./g, '\\.')} .*lladdr ${m}`)
    return await faults(lab, h1, runs, neigh, [seen(mac2), seen(macA)], 'address move', log)
  } finally {
    await lab.destroy()
  }
}

/**
 * NetMon's case: host 1's NICs on LANs A and B, a client on both, faild on both with a key: `runs`
 * dead ports on host 1's LAN A, each from the fault to faild's route for the address out of the
 * client's LAN B interface (`ip monitor route` on the client), and from the heal to its removal.
 */
export async function benchNetMonMove(runs: number, log: (s: string) => void): Promise<AddressRow> {
  const lab = await Lab.create({ hosts: 2 })
  try {
    const [h1, client] = lab.hosts as [Host, Host]
    const [config, key] = [join(lab.dir, 'service.json'), join(lab.dir, 'cluster.key')]
    writeFileSync(key, 'netmon bench key, not a secret\n')
    chmodSync(key, 0o600)
    writeFileSync(config, JSON.stringify({ addresses: [{ address: `${SERVICE}/24`, interfaces: ['etha', 'ethb'] }] }))
    const args = ['-r', '-t', `${T}`, '-f', `${F}`, '-s', `${S}`, '--key-file', key]
    const p1 = await lab.faild(h1, ['-c', config, ...args])
    await p1.waitFor(/claimed on etha/)
    const p2 = await lab.faild(client, args)
    await p2.waitFor(/holds 198\.18\.1\.100\/24 on LAN A/)
    const routes = new RouteWatch(lab.spawn(client, 'ip', ['monitor', 'route']))
    await sleep(100)
    const dot = SERVICE.replace(/\./g, '\\.')
    const marks: [RegExp, RegExp] = [new RegExp(`^${dot} dev ethb `), new RegExp(`^Deleted ${dot} dev ethb `)]
    return await faults(lab, h1, runs, routes, marks, 'NetMon move', log)
  } finally {
    await lab.destroy()
  }
}

async function macOf(lab: Lab, h: Host, iface: string): Promise<string> {
  const links = JSON.parse((await lab.exec(h, 'ip', ['-json', 'link', 'show', iface])).stdout)
  return (links as Array<{ address: string }>)[0]!.address
}

/** `runs` dead ports on host h's LAN A: from each fault to a line of `monitor` matching `moved`, from each heal to one matching `back`. */
async function faults(
  lab: Lab,
  h: Host,
  runs: number,
  monitor: RouteWatch,
  [moved, back]: readonly [RegExp, RegExp],
  what: string,
  log: (s: string) => void,
): Promise<AddressRow> {
  const clock = await FaultClock.start(lab)
  const inject = clock.deadPort(h, A)
  const [move, returns] = [new Reactions(), new Reactions()]
  const stamps: Stamp[] = []
  for (let run = 0; run < runs; run++) {
    // Outages closer than 20 packets apart would look like a lossy LAN, which comes back later (README "How failover works").
    await sleep(1000 + Math.random() * T * 1000)
    monitor.drain()
    const f = await inject(true)
    const moveShown = move.add(await monitor.next(moved, 5000), f.effect)
    await sleep(500)
    monitor.drain()
    const g = await inject(false)
    stamps.push(f, g)
    const backShown = returns.add(await monitor.next(back, 5000), g.effect)
    log(`  ${what}, run ${run + 1}/${runs}: moved ${moveShown} ms, back ${backShown} ms`)
  }
  // The bound for a move: what the detector can do, plus 20 ms to move and announce.
  return {
    runs,
    move: summarize(move.ms),
    back: summarize(returns.ms),
    moveLimitMs: (F - 0.5) * T * 1000 + 20,
    ...stamping(stamps),
    flagged: move.flagged + returns.flagged,
  }
}
