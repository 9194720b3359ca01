// Lab: faildctl matrix on four hosts with one one-way fault (host 1 receives nothing on LAN A, it
// still sends): every host shows exactly the broken cells, host 1's row on LAN A, and nothing else.
// Host 1 learns the others' LAN A rows only from what they say on LAN B (DOWN-ON).
import t from 'tap'
import type { Matrix } from '../../lib/core/report/matrix.js'
import { addr, FAST, faildEverywhere, withLab } from './harness/lab-test.js'
import { type Host, type Lab, until } from './harness/netlab.js'

const A = 0

async function matrixOf(lab: Lab, h: Host): Promise<Matrix> {
  return JSON.parse((await lab.faildctl(h, ['matrix', '--json'])).stdout) as Matrix
}

/** The matrix as "LAN row->column cell" lines, hosts by number, in a fixed order. */
function cells(m: Matrix, hosts: readonly Host[]): string[] {
  const n = (id: string) => hosts.find((h) => addr(A, h.n) === id)!.n
  return m.lans
    .flatMap((l) =>
      l.cells.flatMap((row, r) => row.map((c, col) => `${l.lan} ${n(l.hosts[r]!)}->${n(l.hosts[col]!)} ${c}`)),
    )
    .sort()
}

t.test('one one-way fault: every host shows exactly the broken cells', (t) =>
  withLab(t, { hosts: 4 }, async (lab) => {
    const hosts = lab.hosts
    await faildEverywhere(lab, FAST)
    const want = (broken: (lan: string, row: number, col: number) => boolean) =>
      ['A', 'B']
        .flatMap((lan) =>
          hosts.flatMap((r) =>
            hosts.map((c) => `${lan} ${r.n}->${c.n} ${r === c ? '-' : broken(lan, r.n, c.n) ? 'no' : 'ok'}`),
          ),
        )
        .sort()
    const healthy = want(() => false)
    for (const h of hosts) {
      await until(async () => cells(await matrixOf(lab, h), hosts).join() === healthy.join(), 5000, `${h.ns}: all ok`)
    }
    t.pass('converged: every cell ok on every host')

    await lab.fault(hosts[0]!, A, 'to-host')
    const faulted = want((lan, row) => lan === 'A' && row === 1)
    for (const h of hosts) {
      let last: string[] = []
      await until(
        async () => (last = cells(await matrixOf(lab, h), hosts)).join() === faulted.join(),
        5000,
        `${h.ns}: host 1 hears nobody on LAN A, all else ok`,
      ).catch((err: Error) => {
        t.comment(last.filter((c, i) => c !== faulted[i]).join('\n'))
        throw err
      })
    }
    t.pass('host 1 deaf on LAN A: exactly its three cells there are NO, on every host, host 1 included')
    const text = (await lab.faildctl(hosts[1]!, ['matrix'])).stdout
    t.match(text, /LAN A: does the row's host hear the column's\?/)
    t.match(text, /\n1\s+-\s+ok\s+ok\s+ok\s+now\s+198\.18\.1\.2 \(this host\)/, "host 2's own row first, in text")
    t.match(text, /\n2\s+NO\s+-\s+NO\s+NO\s+[\d.]+s ago\s+198\.18\.1\.1\n/, "host 1's row on LAN A, from its own INQs")

    await lab.heal(hosts[0]!, A)
    for (const h of hosts) {
      await until(async () => cells(await matrixOf(lab, h), hosts).join() === healthy.join(), 5000, `${h.ns}: healed`)
    }
    t.pass('healed: every cell ok again')
  }),
)
