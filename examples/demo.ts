// faild's main job on one machine: three hosts on two virtual LANs, a pulled cable, and the
// kernel routes moving away and back, timed from the fault to the route change each host makes.
import { addr, type Host, Lab, labUnavailable, type Proc, type RouteWatch, sleep } from '../spec/lab/harness/netlab.js'

const FLAGS = ['-r', '-t', '0.1', '-f', '3', '-s', '3']
const A = 0
const B = 1
const T0 = performance.now()
const stamp = (at = performance.now()): string => `[+${((at - T0) / 1000).toFixed(3)}s]`
const say = (s: string): void => void process.stdout.write(`${s}\n`)

async function picture(lab: Lab): Promise<void> {
  const cols = lab.hosts.map((h) => `to host ${h.n} A`.padEnd(28)).join('')
  say(`            ${cols}`)
  for (const h of lab.hosts) {
    const cells: string[] = []
    for (const p of lab.hosts) cells.push((p === h ? '-' : await lab.route(h, addr(A, p.n))).padEnd(28))
    say(`  host ${h.n}    ${cells.join('')}`)
  }
}

async function main(): Promise<number> {
  const why = await labUnavailable()
  if (why) {
    say(`faild demo cannot run here: ${why}. Run it as root on Linux: sudo npm run demo`)
    return 1
  }
  say(
    `faild demo: 3 hosts on two virtual LANs (A 198.18.1.0/24, B 198.18.2.0/24), each running faild ${FLAGS.join(' ')}`,
  )
  const lab = await Lab.create({ hosts: 3 })
  const watchers: RouteWatch[] = []
  try {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    const daemons: Proc[] = []
    for (const h of lab.hosts) daemons.push(await lab.faild(h, FLAGS))
    await sleep(800)
    say("\nConverged. How each host reaches the others' LAN A addresses (ip route get):")
    await picture(lab)

    const stream = await lab.tcpStream(h2, h1)
    say(`\n${stamp()} a TCP stream runs from host 2 (${addr(A, 2)}) to host 1 (${addr(A, 1)}) over LAN A`)
    await sleep(500)

    for (const h of lab.hosts) watchers.push(await lab.watchRoutes(h))
    const moves = [
      { host: h2, dst: addr(A, 1), re: new RegExp(`^${addr(A, 1)} via ${addr(B, 1)}`) },
      { host: h3, dst: addr(A, 1), re: new RegExp(`^${addr(A, 1)} via ${addr(B, 1)}`) },
      { host: h1, dst: addr(A, 2), re: new RegExp(`^${addr(A, 2)} via ${addr(B, 2)}`) },
    ]
    const timeline = async (label: string, restore: boolean): Promise<number[]> => {
      const t = performance.now()
      const times = await Promise.all(
        moves.map(async (m) => {
          const re = restore ? new RegExp(`^Deleted ${m.re.source.slice(1)}`) : m.re
          const at = await watchers[lab.hosts.indexOf(m.host)]!.next(re, 10_000)
          return at === undefined ? NaN : at - t
        }),
      )
      moves.forEach((m, i) => {
        const ms = times[i]!
        const what = restore ? `${m.dst} back on LAN A` : `${m.dst} now via LAN B`
        const when = Number.isNaN(ms) ? '[not seen]' : stamp(t + ms)
        say(
          `${when} host ${m.host.n}: ${what}  (${label} ${Number.isNaN(ms) ? 'not seen' : `${ms.toFixed(0)} ms`} after the event)`,
        )
      })
      return times
    }

    say(`${stamp()} pulling host 1's cable on LAN A`)
    const [over] = await Promise.all([timeline('failover', false), lab.cable(h1, A, false)])
    say('\nRerouted. The same picture, while the cable is out:')
    await picture(lab)
    await sleep(2000)

    say(`\n${stamp()} plugging the cable back in`)
    const [back] = await Promise.all([timeline('failback', true), lab.cable(h1, A, true)])
    await sleep(500)
    say('\nHealed:')
    await picture(lab)

    const got = await stream.stop()
    const sent = got.sent
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0)
    say('\nSummary')
    say(
      `  failover: median ${med(over)} ms from cable pull to route change (carrier loss is seen and told at once; a fault without it, like a dead switch port, is found by f = 3 missed packets, about an interval and a half: 160-200 ms here)`,
    )
    say(`  failback: median ${med(back)} ms from replug to route restored (s x t = 300 ms)`)
    say(`  TCP stream: ${got.bytes} of ${sent} bytes delivered, ${got.bad} corrupt, longest stall ${got.maxGapMs} ms`)
    say(`\nWhat host 2's faild logged:\n${daemons[1]!.output.replace(/^\S+ faild\[\d+\] /gm, '  ')}`)
    return Number.isNaN(Math.max(...over, ...back)) || got.bytes !== sent ? 1 : 0
  } finally {
    await lab.destroy()
    say('Lab removed: namespaces, links and processes are gone.')
  }
}

process.exitCode = await main()
