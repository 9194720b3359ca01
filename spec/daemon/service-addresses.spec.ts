// daemon/service-addresses.ts with an IPv6 address: claimed after the kernel's DAD, moved when its LAN loses carrier, refused when taken, the sysctls put back at stop.
import t from 'tap'
import type { ServiceAddress } from '../../lib/core/addresses/placement.js'
import type { EngineView } from '../../lib/core/engine/view.js'
import type { Lan } from '../../lib/core/lans.js'
import { LinkState } from '../../lib/core/path/link-fsm.js'
import type { TargetView } from '../../lib/core/targets/targets.js'
import { parseIPv6 } from '../../lib/core/util/ipv6.js'
import { ServiceAddresses } from '../../lib/daemon/service-addresses.js'
import { capturingLogger } from '../support/capturing-logger.js'
import { FakeIp } from '../support/fake-ip.js'
import { fakeSysctl } from '../support/fake-sysctl.js'

const A = '2001:db8:1::100'
const SHOW = '-json -6 addr show'
const lan = (index: number, iface: string, own: string): Lan => ({
  index,
  label: 'AB'[index]!,
  iface,
  address: 0,
  prefixLen: 0,
  broadcast: 0,
  preference: index,
  nameTag: 0,
  ipv6: { address: parseIPv6(own)!, prefixLen: 64 },
})
const LANS = [lan(0, 'eth0', '2001:db8:1::1'), lan(1, 'eth1', '2001:db8:1::2')]
const spec: ServiceAddress = { address: 0, ipv6: A, len: 64, lans: [0, 1], watch: [], failback: false, owned: true }
const view = (carrier: boolean[]): EngineView => ({
  nodeId: 1,
  requestor: false,
  intervalMs: 100,
  thresholds: { failAfter: 3, upAfter: 3 },
  lans: carrier.map((c) => ({ carrier: c, offline: false, srttMs: undefined })),
  peers: [],
})
const holding = (ifname: string, flags: Record<string, boolean> = {}) =>
  JSON.stringify([{ ifname, addr_info: [{ family: 'inet6', local: A, prefixlen: 64, ...flags }] }])

function setup() {
  const ip = new FakeIp()
  const values: Record<string, string> = {
    'eth0/accept_dad': '1',
    'eth0/ndisc_notify': '0',
    'eth1/accept_dad': '1',
    'eth1/ndisc_notify': '0',
  }
  const logger = capturingLogger()
  let carrier = [true, true]
  const held: unknown[] = []
  const addresses = new ServiceAddresses([spec], {
    ip,
    log: logger.log,
    lans: LANS,
    view: () => view(carrier),
    targets: () => [],
    held: (h) => held.push(h),
    table: 4207,
    rulePriority: 100,
    dryRun: false,
    sysctl: fakeSysctl(values),
  })
  return { ip, values, logger, addresses, held, setCarrier: (c: boolean[]) => (carrier = c) }
}

t.test('claimed on the first interface after DAD, moved on carrier loss, released and restored at stop', async (t) => {
  const { ip, values, logger, addresses, held, setCarrier } = setup()
  ip.answer(SHOW, { stdout: holding('eth0') }).answer(SHOW, { stdout: '[]' }, 1) // not held before the claim
  t.same(addresses.own, new Set(), 'an IPv6 address is not among the IPv4 ones peers may not claim')
  await addresses.start()
  t.match(logger.at('info'), [`address ${A}/64 claimed on eth0 (LAN A)`])
  t.same(held, [[]], 'peers are told of no IPv6 address')
  t.same([values['eth0/accept_dad'], values['eth0/ndisc_notify'], values['eth1/accept_dad']], ['0', '1', '0'])
  t.ok(ip.commands().includes(`-6 addr add ${A}/64 dev eth0 preferred_lft 0`), 'added with DAD')

  ip.clear()
  setCarrier([false, true])
  addresses.review()
  await addresses.stop()
  t.match(logger.at('warn'), [
    `address ${A}/64 moved eth0 -> eth1 (LAN B; no carrier), announced with an unsolicited neighbour advertisement`,
  ])
  t.equal(ip.commands()[0], `-6 addr replace ${A}/64 dev eth1 preferred_lft 0`)
  t.match(ip.commands()[1], `addr del ${A}/64 dev eth0`)
  t.ok(ip.commands().includes(`-6 addr del ${A}/64 dev eth0`), 'owned: removed at stop')
  t.same(values, {
    'eth0/accept_dad': '1',
    'eth0/ndisc_notify': '0',
    'eth1/accept_dad': '1',
    'eth1/ndisc_notify': '0',
  })
})

t.test('DAD fails: the start throws naming the key, nothing claimed', async (t) => {
  const { ip, addresses } = setup()
  ip.answer(SHOW, { stdout: holding('eth0', { tentative: true, dadfailed: true }) }).answer(SHOW, { stdout: '[]' }, 1)
  await t.rejects(
    addresses.start(),
    /^\/addresses\/0: 2001:db8:1::100\/64 is in use by another host \(another host answers its duplicate address detection on eth0\): nothing claimed$/,
  )
  t.notOk(
    ip.commands().some((c) => c.includes('addr replace')),
    'never moved',
  )
  await addresses.stop()
})

/** `ip -6` over a fake kernel that holds addresses on interfaces, as `addr add/replace/del` leave them. */
function kernel(dadFails: ReadonlySet<string> = new Set()) {
  const on = new Map<string, string>() // address -> interface
  const ip = new FakeIp()
  const change = (args: readonly string[]): string | undefined => {
    const [verb, cidr, , iface] = args.slice(1) // addr VERB X/64 dev IF
    const address = cidr!.split('/')[0]!
    if (verb === 'del') {
      if (on.get(address) !== iface) return 'RTNETLINK answers: Cannot assign requested address'
      on.delete(address)
    } else on.set(address, iface!)
    return undefined
  }
  ip.answer(SHOW, () => ({
    stdout: JSON.stringify(
      [...on].map(([a, ifname]) => ({
        ifname,
        addr_info: [{ family: 'inet6', local: a, prefixlen: 64, ...(dadFails.has(a) ? { dadfailed: true } : {}) }],
      })),
    ),
  }))
  ip.answer('-6 addr', (c) => {
    const error = change(c.args.slice(1))
    return error ? { code: 2, stderr: `${error}\n` } : {}
  })
  ip.answer('-6 -force -batch -', (c) => {
    const lines = c.input!.trim().split('\n')
    const stderr = lines.flatMap((l, i) => {
      const error = l.startsWith('addr ') ? change(['-6', ...l.split(' ')]) : undefined
      return error ? [error, `Command failed -:${i + 1}`] : []
    })
    return { stderr: stderr.join('\n') }
  })
  return { ip, on }
}

function twoAddresses(ip: FakeIp, targets: () => TargetView[] = () => []) {
  const logger = capturingLogger()
  let carrier = [true, true]
  const sysctl = fakeSysctl({
    'eth0/accept_dad': '1',
    'eth0/ndisc_notify': '0',
    'eth1/accept_dad': '1',
    'eth1/ndisc_notify': '0',
  })
  const specs = [A, B].map((ipv6) => ({ ...spec, ipv6, owned: false }))
  const addresses = new ServiceAddresses(specs, {
    ...{ ip, log: logger.log, lans: LANS, view: () => view(carrier), targets, table: 4207 },
    ...{ rulePriority: 100, dryRun: false, sysctl },
  })
  return { logger, addresses, setCarrier: (c: boolean[]) => (carrier = c) }
}

const B = '2001:db8:1::200'

t.test('a start that fails half-way takes off the addresses it put on, even those faild does not own', async (t) => {
  const { ip, on } = kernel(new Set([B]))
  const { addresses } = twoAddresses(ip)
  await t.rejects(addresses.start(), /^\/addresses\/1: .* is in use by another host/)
  t.equal(on.get(A), 'eth0', 'the first was claimed')
  await addresses.stop() // the daemon's unwind
  t.same([...on], [], 'and is gone again: the host as faild found it')
})

t.test('a started faild leaves an address it does not own where it is at stop', async (t) => {
  const { ip, on } = kernel()
  const { addresses } = twoAddresses(ip)
  await addresses.start()
  await addresses.stop()
  t.same(
    [...on],
    [
      [A, 'eth0'],
      [B, 'eth0'],
    ],
  )
})

t.test('a move whose old copy is gone already (its NIC deleted, its address flushed) is a move', async (t) => {
  const { ip, on } = kernel()
  const { addresses, logger, setCarrier } = twoAddresses(ip)
  t.teardown(() => addresses.stop())
  await addresses.start()
  on.delete(A) // eth0 flushed: the address went with it
  setCarrier([false, true])
  addresses.review()
  await addresses.stop()
  t.match(logger.at('warn'), [
    `address ${A}/64 moved eth0 -> eth1 (LAN B; no carrier), announced with an unsolicited neighbour advertisement`,
    `address ${B}/64 moved eth0 -> eth1 (LAN B; no carrier), announced with an unsolicited neighbour advertisement`,
  ])
  t.same(on.get(A), 'eth1')
})

t.test('a move that put the address on but failed after is a move all the same, said as such', async (t) => {
  const { ip, on } = kernel()
  const { addresses, logger, setCarrier } = twoAddresses(ip)
  await addresses.start()
  ip.answer('-6 -force -batch -', { stderr: 'Error: Nexthop has invalid gateway.\n' }, 1)
  setCarrier([false, true])
  addresses.review()
  await new Promise((r) => setTimeout(r, 20))
  t.match(logger.at('warn')[0], `address ${A}/64: on eth1 now, but the rest of the move failed: `)
  setCarrier([true, false])
  addresses.review()
  await addresses.stop()
  t.same(on.get(A), 'eth0', 'and it moves back from eth1 when eth1 fails')
})

t.test('claimed on the first interface with carrier now, read before the carrier watch starts', async (t) => {
  const { ip, on } = kernel()
  ip.answer('-json link show', {
    stdout: JSON.stringify([
      { ifname: 'eth0', flags: ['NO-CARRIER', 'BROADCAST', 'UP'] },
      { ifname: 'eth1', flags: ['BROADCAST', 'UP', 'LOWER_UP'] },
    ]),
  })
  const { addresses, logger } = twoAddresses(ip)
  await addresses.start()
  addresses.review() // before the carrier watch reports, the engine says eth0 has carrier
  await addresses.stop()
  t.same(
    [...on],
    [
      [A, 'eth1'],
      [B, 'eth1'],
    ],
    "eth0's cable is out: claimed on eth1, and failback: false keeps them there",
  )
  t.match(logger.at('info'), [`address ${A}/64 claimed on eth1 (LAN B)`])
})

t.test('net.ipv6.conf.all.accept_dad on is said at start: it forces DAD on every move', async (t) => {
  const { ip, values, logger, addresses } = setup()
  ip.answer(SHOW, { stdout: holding('eth0') }).answer(SHOW, { stdout: '[]' }, 1)
  values['all/accept_dad'] = '1'
  await addresses.start()
  await addresses.stop()
  t.match(logger.at('warn'), [/^net\.ipv6\.conf\.all\.accept_dad is on: the kernel runs DAD at every move/])
})

t.test('a copy left on two of its interfaces (a crash mid-move) is kept on one, the other taken off', async (t) => {
  const { ip, addresses, logger } = setup()
  const both = JSON.stringify(
    ['eth1', 'eth0'].map((ifname) => ({ ifname, addr_info: [{ family: 'inet6', local: A, prefixlen: 64 }] })),
  )
  ip.answer(SHOW, { stdout: both })
  await addresses.start()
  t.match(logger.at('info'), [`address ${A}/64 kept on eth0 (LAN A)`])
  t.match(
    ip.commands().find((c) => c.startsWith('-6 -force -batch')),
    `addr del ${A}/64 dev eth1`,
    'the copy on eth1 goes',
  )
  ip.clear()
  await addresses.stop()
  t.same(
    ip.commands().filter((c) => c.includes('addr del')),
    [`-6 addr del ${A}/64 dev eth1`, `-6 addr del ${A}/64 dev eth0`],
    'owned: every copy the kernel still shows goes at stop',
  )
})

t.test('failback: false passes over only a LAN that failed, not one whose target had not answered yet', async (t) => {
  const { ip, on } = kernel()
  const router = (lan: number, state: LinkState): TargetView => ({
    ...{ address: 0, ipv6: parseIPv6(`2001:db8:1::fe${lan}`)!, lan, method: 'arp', state },
    ...{ missed: 0, good: 0, lastAnswer: 0, rttMs: undefined, since: 0, downSince: -Infinity },
  })
  let states = [LinkState.Unknown, LinkState.Up] // at start, LAN B's router answers first
  const { addresses } = twoAddresses(ip, () => states.map((s, lan) => router(lan, s)))
  const pass = async (next: LinkState[]) => {
    states = next
    addresses.review()
    await new Promise((r) => setTimeout(r, 20))
    return on.get(A)
  }
  await addresses.start()
  t.equal(on.get(A), 'eth0', 'claimed on the first interface')
  t.equal(await pass(states), 'eth1', "LAN A's router has not answered yet: to LAN B")
  t.equal(await pass([LinkState.Up, LinkState.Up]), 'eth0', 'it answers: back to LAN A, which never failed')
  t.equal(await pass([LinkState.Down, LinkState.Up]), 'eth1', 'LAN A fails: to LAN B')
  t.equal(await pass([LinkState.Up, LinkState.Up]), 'eth1', 'LAN A is back: no failback')
  await addresses.stop()
})

t.test('failback: false: an address a restart finds on its second interface stays there', async (t) => {
  const { ip, on } = kernel()
  on.set(A, 'eth1') // an earlier run moved it
  const { addresses, logger } = twoAddresses(ip)
  await addresses.start()
  addresses.review()
  await addresses.stop()
  t.match(logger.at('info'), [`address ${A}/64 kept on eth1 (LAN B)`])
  t.equal(on.get(A), 'eth1', 'LAN A works, but the address left it in an earlier run')
})
