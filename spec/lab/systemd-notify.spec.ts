// Lab: faild started as systemd starts a Type=notify service (NOTIFY_SOCKET, WATCHDOG_USEC set),
// systemd's socket played by python3: READY=1 with faild's pid, STATUS= through a failover, WATCHDOG=1
// pings, STOPPING=1; and a --notify program never sees NOTIFY_SOCKET.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import t from 'tap'
import { fields, notifySocket } from '../support/notify-socket.js'
import { expectRoute, FAST, withLab } from './harness/lab-test.js'
import { FAILD, type Host, until } from './harness/netlab.js'

const A = 0
const B = 1

t.test('Type=notify: READY=1, STATUS= on change, watchdog pings, STOPPING=1', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const sock = await notifySocket(t)
    if (!sock) return
    const [h1, h2] = lab.hosts as [Host, Host]
    const hook = `${sock.socket}.hook`
    writeFileSync(
      hook,
      `#!/bin/sh\nenv | grep -E '^(NOTIFY_SOCKET|WATCHDOG_)' >> ${hook}.env\necho ran >> ${hook}.env\n`,
    )
    chmodSync(hook, 0o755)
    // As systemd starts it: the variables in the environment, faild as the main process (ip netns exec and env exec).
    const env = [`NOTIFY_SOCKET=${sock.socket}`, 'WATCHDOG_USEC=1000000']
    const p1 = lab.spawn(h1, 'env', [
      ...env,
      process.execPath,
      FAILD,
      ...lab.faildArgs(h1, [...FAST, '--notify', hook]),
    ])
    await p1.waitFor(/started as node/)
    await lab.faild(h2, FAST)
    const has = (field: string) => sock.heard.find((h) => fields(h).includes(field))
    await until(() => has('READY=1') !== undefined, 10_000, 'READY=1')
    t.ok(fields(has('READY=1')!).includes(`MAINPID=${p1.child.pid}`), "READY=1 names faild's pid as the main one")
    t.ok(fields(sock.heard[0]!).includes('READY=1'), 'READY=1 is the first message')
    const status = () => sock.heard.flatMap((h) => fields(h).filter((f) => f.startsWith('STATUS=')))
    await until(() => status().some((s) => s.startsWith('STATUS=2/2 paths up, 0 routes moved')), 10_000, 'all up')
    t.pass('STATUS=2/2 paths up once host 2 is heard on both LANs')

    await lab.fault(h2, A, 'both')
    await expectRoute(lab, h1, h2, A, B)
    await until(() => status().some((s) => s.startsWith('STATUS=1/2 paths up, 1 route moved')), 10_000, 'failover')
    t.pass('STATUS=1/2 paths up, 1 route moved during the fault')
    await lab.heal(h2, A)
    await expectRoute(lab, h1, h2, A)
    await until(() => status().at(-1)?.startsWith('STATUS=2/2 paths up, 0 routes moved') === true, 10_000, 'healed')
    t.pass('and back to 2/2 once healed')

    const pings = () => sock.heard.filter((h) => fields(h).includes('WATCHDOG=1'))
    await until(() => pings().length >= 2, 10_000, 'two pings')
    const gaps = pings()
      .slice(1)
      .map((h, i) => h.t - pings()[i]!.t)
    t.ok(
      gaps.every((g) => g > 250),
      `pings about every 500 ms (half of WATCHDOG_USEC), not a flood: gaps ${gaps.map(Math.round).join(', ')} ms`,
    )
    t.equal(await p1.stop(), 0, 'SIGTERM: exit 0')
    t.ok(has('STOPPING=1'), 'STOPPING=1 at the end')
    const hookEnv = readFileSync(`${hook}.env`, 'utf8')
    t.match(hookEnv, /ran/, 'the --notify program ran')
    t.notMatch(hookEnv, /NOTIFY_SOCKET|WATCHDOG_/, 'without NOTIFY_SOCKET or WATCHDOG_* in its environment')
  }),
)

t.test('not started by systemd: faild sends nothing and runs as before', (t) =>
  withLab(t, { hosts: 1 }, async (lab) => {
    const [h1] = lab.hosts as [Host]
    const p = await lab.faild(h1, FAST)
    // Signals are handled once the start is over (the control socket answers).
    await until(async () => (await lab.faildctl(h1, ['status'])).code === 0, 10_000, 'faildctl status')
    t.notMatch(p.output, /systemd/, 'no word of systemd in its log')
    t.equal(await p.stop(), 0, 'SIGTERM: exit 0')
  }),
)
