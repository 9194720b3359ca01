// Lab: a dead peer daemon swaps nothing; SIGTERM leaves every table and rule as it found them;
// after kill -9 a restart removes what the dead run left before doing anything else.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { expectConverged, expectRoute, FAST, withLab } from './harness/lab-test.js'
import { FAILD, type Host, sleep } from './harness/netlab.js'

const A = 0
const B = 1

t.test('7. a peer whose daemon was killed: nothing swapped for it', (t) =>
  withLab(t, { hosts: 3 }, async (lab) => {
    const [h1, h2, h3] = lab.hosts as [Host, Host, Host]
    const [p1, , p3] = [await lab.faild(h1, FAST), await lab.faild(h2, FAST), await lab.faild(h3, FAST)]
    // Up on both LANs first: the ACKs of one round arrive on each LAN apart, and a peer killed
    // between them would leave LAN A never heard (unknown -> down, not up -> down).
    await p1.waitFor(/peer 198\.18\.1\.3 LAN A: unknown -> up/)
    await p1.waitFor(/peer 198\.18\.1\.3 LAN B: unknown -> up/)
    await p3.stop('SIGKILL')
    await p1.waitFor(/peer 198\.18\.1\.3 LAN A: up -> down/)
    await p1.waitFor(/peer 198\.18\.1\.3 LAN B: up -> down/)
    for (const h of [h1, h2]) for (const lan of [A, B]) await expectRoute(lab, h, h3, lan)
    t.notMatch(p1.output, /route 198\.18\.[12]\.3 via/, 'no route was ever moved for the dead peer')
    await expectConverged(t, lab)
  }),
)

t.test('8. SIGTERM leaves everything as before; kill -9 then restart cleans up', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    const pristine = await lab.routingState(h1)
    await lab.faild(h2, FAST)

    let p1 = await lab.faild(h1, FAST)
    await lab.cable(h2, A, false)
    await expectRoute(lab, h1, h2, A, B)
    t.not(await lab.routingState(h1), pristine, 'while a route is swapped, faild has a rule and a route')
    t.equal(await p1.stop('SIGTERM'), 0, 'SIGTERM exits 0')
    t.equal(await lab.routingState(h1), pristine, 'every routing table and rule is as before')
    t.match(p1.output, /stopped: every route and rule faild added is removed/)

    p1 = await lab.faild(h1, FAST)
    await expectRoute(lab, h1, h2, A, B)
    await p1.stop('SIGKILL')
    t.match(
      (await lab.exec(h1, 'ip', ['route', 'show', 'table', '4207'])).stdout,
      /198\.18\.1\.2 via 198\.18\.2\.2/,
      'kill -9 leaves the swapped route behind',
    )
    await lab.cable(h2, A, true)

    p1 = await lab.faild(h1, FAST)
    t.match(
      p1.output,
      /removing route 198\.18\.1\.2 via 198\.18\.2\.2 dev ethb src 198\.18\.1\.1 table 4207 left by an earlier run/,
    )
    t.match(p1.output, /removing ip rule pref 32000 table 4207 left by an earlier run/)
    await expectRoute(lab, h1, h2, A)
    await sleep(500)
    await expectConverged(t, lab)
    t.equal(await p1.stop('SIGTERM'), 0)
    t.equal(await lab.routingState(h1), pristine, 'and after the restarted run, nothing is left either')
  }),
)

t.test('refusals change nothing; --dry-run only logs; -l appends to a file', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    const pristine = await lab.routingState(h1)
    const dir = mkdtempSync(join(tmpdir(), 'faild-lab-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))

    const noSuch = await lab.exec(h1, process.execPath, [
      FAILD,
      ...lab.faildArgs(h1, ['-r', '-i', 'etha', '-i', 'eth9']),
    ])
    t.equal(noSuch.code, 1, 'an interface that does not exist: exit 1')
    t.match(noSuch.stderr, /-i\/--interface: 'eth9': no such interface/)
    t.equal(await lab.routingState(h1), pristine, 'and nothing changed')

    await lab.faild(h2, FAST)
    const log = join(dir, 'faild.log')
    const p1 = await lab.faild(h1, [...FAST, '-l', log])
    const second = await lab.exec(h1, process.execPath, [FAILD, ...lab.faildArgs(h1, FAST)])
    t.equal(second.code, 1, 'a second faild on the same host refuses')
    t.match(second.stderr, /faild is already running as pid \d+ \(pid file .*\); one faild per host/)
    const otherLock = await lab.exec(h1, process.execPath, [
      FAILD,
      ...lab.faildArgs(h1, [
        ...FAST,
        '--pid-file',
        join(dir, 'other.pid'),
        '--control-socket',
        join(dir, 'other.sock'),
      ]),
    ])
    t.equal(otherLock.code, 1, 'and with a pid file of its own, the port is taken')
    t.match(otherLock.stdout + otherLock.stderr, /cannot bind UDP 198\.18\.1\.1:4207/)
    await lab.cable(h2, A, false)
    await expectRoute(lab, h1, h2, A, B)
    t.pass('the first one still works')
    await lab.cable(h2, A, true)
    await expectRoute(lab, h1, h2, A)
    t.equal(await p1.stop(), 0)
    t.match(
      readFileSync(log, 'utf8'),
      /started as node 198\.18\.1\.1[\s\S]*LAN A: up -> down[\s\S]*route 198\.18\.1\.2 via 198\.18\.2\.2[\s\S]*stopped/,
    )

    const dry = await lab.faild(h1, [...FAST, '--dry-run'])
    await dry.waitFor(/peer 198\.18\.1\.2 LAN A: \w+ -> up/)
    await lab.cable(h2, A, false)
    await dry.waitFor(
      /dry run: would run ip route replace 198\.18\.1\.2\/32 via 198\.18\.2\.2 dev ethb src 198\.18\.1\.1/,
    )
    t.equal(await lab.route(h1, '198.18.1.2'), 'dev etha', '--dry-run: the kernel route did not move')
    await dry.stop()
    await lab.cable(h2, A, true)
    t.equal(await lab.routingState(h1), pristine)
  }),
)
