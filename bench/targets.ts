// Probe targets in the lab: how fast a default route moves off a router that runs no faild (a dead switch port in front of it, this host's cable pulled) and back.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addr, type Host, Lab, sleep } from '../spec/lab/harness/netlab.js'
import { FaultClock, type Inject, Reactions, type Stamp, stamping } from './fault-clock.js'
import { type Summary, summarize } from './stats.js'

const A = 0
const B = 1
const T = 0.1
const F = 3
const S = 3

export interface TargetRow {
  readonly method: 'icmp' | 'arp'
  readonly fault: 'dead switch port at router A' | "this host's LAN A cable pulled"
  readonly runs: number
  /** From the fault taking effect (fault-clock.ts) to the default route via router B, seen by `ip monitor route`. */
  readonly failover: Summary
  /** From the heal taking effect to the default route via router A again. */
  readonly failback: Summary
  /** How long the fault and heal commands took (median, ms; not in the times), and how many the switch did not report. */
  readonly injectMedianMs: number
  readonly unreported: number
  /** Route changes stamped before their fault (or heal) took effect: left out of the figures. */
  readonly flagged: number
  /** (f - 0.5) x t and s x t: where a periodic detector lands on average. */
  readonly failoverLimitMs: number
  readonly failbackLimitMs: number
}

/** `runs` faults of each kind; faild on host 1 only, with routers A and B as targets (plain namespaces). */
export async function benchTargets(
  runs: number,
  log: (s: string) => void,
  method: 'icmp' | 'arp' = 'icmp',
): Promise<TargetRow[]> {
  const lab = await Lab.create({ hosts: 3 })
  try {
    const [h1, rA, rB] = lab.hosts as [Host, Host, Host]
    const routerA = addr(A, rA.n)
    const routerB = addr(B, rB.n)
    const config = join(lab.dir, 'targets.json')
    const routes = [{ prefix: '0.0.0.0/0', via: [routerA, routerB] }]
    const targets = [routerA, routerB].map((address) => ({ address, method }))
    writeFileSync(config, JSON.stringify({ targets, routes }))
    await lab.faild(h1, ['-c', config, '-t', `${T}`, '-f', `${F}`, '-s', `${S}`])
    await lab.routeBecomes(h1, '198.18.200.1', `dev ${h1.ifaces[A]} via ${routerA}`)
    const watch = await lab.watchRoutes(h1)
    const viaB = new RegExp(`^default via ${routerB.replace(/\./g, '\\.')} `)
    const viaA = new RegExp(`^default via ${routerA.replace(/\./g, '\\.')} `)
    const clock = await FaultClock.start(lab)
    const faults: Array<[TargetRow['fault'], Inject]> = [
      ['dead switch port at router A', clock.deadPort(rA, A)],
      ["this host's LAN A cable pulled", clock.cable(h1, A)],
    ]
    const out: TargetRow[] = []
    for (const [fault, inject] of faults) {
      const [over, back] = [new Reactions(), new Reactions()]
      const stamps: Stamp[] = []
      for (let run = 0; run < runs; run++) {
        await sleep(300 + Math.random() * T * 1000)
        watch.drain()
        const f = await inject(true)
        const moved = over.add(await watch.next(viaB, 5000), f.effect)
        await sleep(500)
        const h = await inject(false)
        stamps.push(f, h)
        const restored = back.add(await watch.next(viaA, 5000), h.effect)
        log(`  targets (${method}), ${fault}, run ${run + 1}/${runs}: failover ${moved} ms, back ${restored} ms`)
      }
      out.push({
        method,
        fault,
        runs,
        failover: summarize(over.ms),
        failback: summarize(back.ms),
        ...stamping(stamps),
        flagged: over.flagged + back.flagged,
        failoverLimitMs: (F - 0.5) * T * 1000,
        failbackLimitMs: S * T * 1000,
      })
    }
    return out
  } finally {
    await lab.destroy()
  }
}
