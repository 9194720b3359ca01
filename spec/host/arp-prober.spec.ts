// host/arp-prober.ts: the lines of `ip -o monitor neigh` it reads.
import type { ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { PassThrough } from 'node:stream'
import t from 'tap'
import { ArpProber, type ArpProcesses, parseNeighLine, RESPAWN_MS } from '../../lib/host/arp-prober.js'
import type { IpResult } from '../../lib/host/ip-runner.js'
import { capturingLogger } from '../support/capturing-logger.js'
import { FakeClock } from '../support/fake-clock.js'

t.test('neighbour lines: address, device, MAC when there is one, state', async (t) => {
  t.same(parseNeighLine('198.18.9.254 dev etha lladdr c6:a5:41:4f:0d:c0 REACHABLE'), {
    address: '198.18.9.254',
    dev: 'etha',
    mac: 'c6:a5:41:4f:0d:c0',
    state: 'REACHABLE',
  })
  t.same(parseNeighLine('198.18.9.254 dev etha lladdr c6:a5:41:4f:0d:c0 router PROBE '), {
    address: '198.18.9.254',
    dev: 'etha',
    mac: 'c6:a5:41:4f:0d:c0',
    state: 'PROBE',
  })
  t.same(parseNeighLine('198.18.9.254 dev etha FAILED'), { address: '198.18.9.254', dev: 'etha', state: 'FAILED' })
  t.same(
    parseNeighLine('fd00:1:a::fe dev etha lladdr c6:a5:41:4f:0d:c0 router REACHABLE'),
    { address: 'fd00:1:a::fe', dev: 'etha', mac: 'c6:a5:41:4f:0d:c0', state: 'REACHABLE' },
    'IPv6: a router flag between MAC and state',
  )
  t.same(parseNeighLine('Deleted fd00:1:a::fe dev etha FAILED'), {
    address: 'fd00:1:a::fe',
    dev: 'etha',
    state: 'FAILED',
    deleted: true,
  })
  t.equal(parseNeighLine('garbage'), undefined)
})

/** An `ip` process that runs until the spec ends it. */
class FakeIp extends EventEmitter {
  readonly stdin = new PassThrough()
  readonly stdout = new PassThrough()
  kill(): boolean {
    this.emit('close', null)
    return true
  }
}

function prober(address = '198.18.1.254') {
  const ips: FakeIp[] = []
  const runs: string[] = []
  const arpings: Array<(r: IpResult) => void> = []
  const answers: number[] = []
  const logger = capturingLogger()
  const processes: ArpProcesses = {
    spawnIp: () => {
      const p = new FakeIp()
      ips.push(p)
      return p as unknown as ChildProcess
    },
    run: (cmd, args) => {
      runs.push(`${cmd} ${args.join(' ')}`)
      return new Promise((resolve) => arpings.push(resolve))
    },
  }
  /** Times the respawns; the probe rounds and broadcasts keep to real time. */
  const clock = new FakeClock()
  const arp = new ArpProber([{ address, iface: () => 'eth0' }], logger.log, processes, clock)
  const monitor = () => ips.filter((_, i) => i % 2 === 0).at(-1)!
  /** What was written to the batch ip, line by line, and the one-shot runs, in order. */
  const log: string[] = []
  const batch = () => ips[1]!
  queueMicrotask(() => batch()?.stdin.on('data', (d: Buffer) => log.push(...d.toString().trim().split('\n'))))
  return { arp, ips, arpings, answers, logger, monitor, runs, log, clock }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))
const REPLY = { code: 0, stdout: 'Unicast reply from 198.18.1.254 [AA:BB:CC:DD:EE:FF]  0.61ms\n', stderr: '' }

t.test('a probe answered by the kernel and by the broadcast of the same round counts once', async (t) => {
  const { arp, arpings, answers, monitor } = prober()
  arp.start(60, (k) => answers.push(k))
  t.teardown(() => arp.stop())
  await wait(80) // the first round: the MAC unknown, a broadcast goes
  t.equal(arpings.length, 1)
  monitor().stdout.write('198.18.1.254 dev eth0 lladdr aa:bb:cc:dd:ee:ff REACHABLE\n')
  await wait(1)
  arpings[0]!(REPLY)
  await wait(1)
  t.same(answers, [0], 'one probe, one good packet')
})

t.test('an entry deleted while REACHABLE, or PERMANENT, is no answer and no static entry', async (t) => {
  const { arp, answers, monitor, logger } = prober()
  arp.start(60, (k) => answers.push(k))
  t.teardown(() => arp.stop())
  await wait(80) // a probe is pending
  monitor().stdout.write('Deleted 198.18.1.254 dev eth0 lladdr aa:bb:cc:dd:ee:ff REACHABLE\n')
  monitor().stdout.write('Deleted 198.18.1.254 dev eth0 lladdr aa:bb:cc:dd:ee:ff PERMANENT\n')
  await wait(1)
  t.same(answers, [], 'no answer')
  t.same(logger.at('warn'), [], 'not taken for a static entry')
})

t.test('an ip of the prober that exits is said once and started again', async (t) => {
  const { arp, ips, answers, logger, monitor, clock } = prober()
  arp.start(60, (k) => answers.push(k))
  t.teardown(() => arp.stop())
  t.equal(ips.length, 2, 'the monitor and the batch')
  monitor().emit('close', 1)
  clock.advance(RESPAWN_MS + 100)
  t.equal(ips.length, 3, 'a new monitor')
  t.match(logger.at('warn'), ['ARP probes: ip monitor neigh exited (1); started again every 1 s'])
  arp.stop()
  monitor().kill()
  clock.advance(RESPAWN_MS + 100)
  t.equal(ips.length, 3, 'none after the stop')
})

t.test('arping that fails for another reason than no reply is said, once', async (t) => {
  const { arp, arpings, logger } = prober()
  arp.start(30, () => {})
  t.teardown(() => arp.stop())
  await wait(40)
  arpings[0]!({ code: 2, stdout: '', stderr: 'arping: socket: Operation not permitted' })
  await wait(1100) // the next broadcast, a second later
  arpings[1]?.({ code: 2, stdout: '', stderr: 'arping: socket: Operation not permitted' })
  await wait(1)
  t.same(logger.at('warn'), [
    'target 198.18.1.254: arping on eth0 failed (exit 2): arping: socket: Operation not permitted (said once)',
  ])
})

t.test(
  'an IPv6 target unanswered: its entry goes before the ping that solicits it by multicast (its MAC may have changed)',
  async (t) => {
    const { arp, runs, log, monitor } = prober('fd00:1::fe')
    arp.start(100, () => {})
    t.teardown(() => arp.stop())
    await wait(120)
    t.match(runs, [/^ping -n -c 1 -W 1 -I eth0 fd00:1::fe$/], 'the MAC unknown: a solicitation')
    monitor().stdout.write('fd00:1::fe dev eth0 lladdr aa:bb:cc:dd:ee:01 router REACHABLE\n')
    await wait(1100) // unanswered since: unicast probes to the old MAC, then after a second the entry goes
    t.equal(runs.length, 2, 'a second solicitation')
    const del = log.indexOf('neigh del fd00:1::fe dev eth0')
    t.ok(del > 0, 'the entry deleted')
    t.ok(
      log.slice(0, del).some((l) => l.endsWith('lladdr aa:bb:cc:dd:ee:01 nud probe')),
      'after unicast probes',
    )
  },
)
