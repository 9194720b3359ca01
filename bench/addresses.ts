// A service address in the lab: from a dead switch port at its NIC to a client's neighbour entry naming the host's other NIC, seen by `ip monitor neigh` on the client.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addr } from '../spec/lab/harness/lab-test.js'
import { type Host, Lab, sleep } from '../spec/lab/harness/netlab.js'
import { type Summary, summarize } from './stats.js'

const A = 0
const T = 0.1
const F = 3
const S = 3
const SERVICE = '198.18.1.100'

export interface AddressRow {
  readonly runs: number
  /** From the start of the fault command to the client's entry for the address naming the second NIC. */
  readonly move: Summary
  /** From the heal to the entry naming the first NIC again. */
  readonly back: Summary
  readonly moveLimitMs: number
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
    const mac = async (iface: string) =>
      (
        JSON.parse((await lab.exec(h1, 'ip', ['-json', 'link', 'show', iface])).stdout) as Array<{ address: string }>
      )[0]!.address
    const [macA, mac2] = [await mac('etha'), await mac('etha2')]
    await lab.exec(client, 'ping', ['-c', '1', '-W', '1', SERVICE]) // the client has an entry to update
    const neigh = lab.spawn(client, 'ip', ['monitor', 'neigh'])
    await sleep(100)
    const seen = (m: string) => new RegExp(`^${SERVICE.replace(/\./g, '\\.')} .*lladdr ${m}`)
    const wait = async (re: RegExp, since: number, limitMs: number): Promise<number> => {
      for (let end = performance.now() + limitMs; performance.now() < end; await sleep(2)) {
        const lines = neigh.output.split('\n').slice(since)
        if (lines.some((l) => re.test(l))) return performance.now()
      }
      return NaN
    }
    const move: number[] = []
    const back: number[] = []
    for (let run = 0; run < runs; run++) {
      await sleep(500 + Math.random() * T * 1000)
      let since = neigh.output.split('\n').length - 1
      const t0 = performance.now()
      await lab.fault(h1, A, 'both')
      move.push((await wait(seen(mac2), since, 5000)) - t0)
      await sleep(500)
      since = neigh.output.split('\n').length - 1
      const t1 = performance.now()
      await lab.heal(h1, A)
      back.push((await wait(seen(macA), since, 5000)) - t1)
      log(
        `  address move, run ${run + 1}/${runs}: moved ${Math.round(move.at(-1)!)} ms, back ${Math.round(back.at(-1)!)} ms`,
      )
    }
    return { runs, move: summarize(move), back: summarize(back), moveLimitMs: (F - 0.5) * T * 1000 }
  } finally {
    await lab.destroy()
  }
}
