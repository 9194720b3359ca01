// Lab: faildctl events follows a failover and a failback as they happen; watch redraws in a
// pseudo-terminal; what-if offline says what a drain would change, and changes nothing.
import t from 'tap'
import { addr, expectRoute, FAST, withLab } from './harness/lab-test.js'
import { FAILDCTL, type Host, sleep, until } from './harness/netlab.js'

const A = 0
const B = 1

t.test('events, watch and what-if through a dead switch port and back', (t) =>
  withLab(t, { hosts: 2, tools: [{ program: 'script', apt: 'bsdutils' }] }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    await lab.faild(h1, FAST)
    await lab.faild(h2, FAST)
    await expectRoute(lab, h1, h2, A)
    await until(async () => /198\.18\.2\.2\s+up/.test((await lab.faildctl(h1, ['status'])).stdout), 5000, 'converged')

    const whatIf = await lab.faildctl(h1, ['what-if', 'offline', 'A'])
    t.equal(whatIf.code, 0, whatIf.stderr)
    t.match(whatIf.stdout, /taking LAN A \(etha\) offline now would tell 1 peers and make 1 route changes here:/)
    t.match(whatIf.stdout, new RegExp(`add\\s+${addr(A, h2.n)} via ${addr(B, h2.n)} dev ethb`))
    t.equal(await lab.faildRoutes(h1), '', 'what-if changed nothing')
    t.equal((await lab.faildctl(h1, ['what-if', 'offline', 'Z'])).code, 1, 'an unknown LAN is refused')

    const sock = lab.files(h1).controlSocket
    const events = lab.spawn(h1, process.execPath, [FAILDCTL, '-S', sock, 'events', '--json'])
    const watch = lab.spawn(h1, 'script', ['-qfec', `${process.execPath} ${FAILDCTL} -S ${sock} watch`, '/dev/null'])
    await watch.waitFor(/PEER\s+ROLE/)
    await sleep(300)
    await lab.fault(h2, A, 'both')
    await expectRoute(lab, h1, h2, A, B)
    await events.waitFor(/"event":"route"/)
    await watch.waitFor(/last change .*(path|route)/)
    t.pass('watch redrew on the change')
    await lab.heal(h2, A)
    await expectRoute(lab, h1, h2, A)
    await events.waitFor(/"action":"remove"/)
    await events.stop('SIGINT')
    const lines = events.output
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>)
    const seen = lines.map(
      (e) => `${e.event} ${e.lan ?? ''} ${e.oldState ?? ''}->${e.newState ?? ''} ${e.action ?? ''}`,
    )
    const wanted: Array<[(s: string) => boolean, string]> = [
      [(s) => s.startsWith('path A up->down'), 'the path went down'],
      [(s) => s.startsWith('route') && s.endsWith('add'), 'a route was added'],
      [(s) => s.startsWith('path A down->up'), 'the path came back'],
      [(s) => s.startsWith('route') && s.endsWith('remove'), 'the route was removed'],
    ]
    for (const [is, what] of wanted) t.ok(seen.some(is), what)
    t.ok(
      lines.every((e) => typeof e.at === 'string' && !Number.isNaN(Date.parse(e.at))),
      'every event has its time',
    )
    t.match(watch.output, '\x1b[H\x1b[2J', 'watch clears the screen to redraw')
    await watch.stop('SIGINT')
  }),
)
