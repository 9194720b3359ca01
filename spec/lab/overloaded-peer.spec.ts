// A peer whose faild stalls again and again says it is behind (OVERLOAD): after the first stall, its peer waits for it and moves no route.
import t from 'tap'
import { FAST, withLab } from './harness/lab-test.js'
import { type Host, sleep, until } from './harness/netlab.js'

/** The stall: long enough for three misses at -t 0.1 with two packets owed per interval, shorter than a widened deadline. */
const STALL_MS = 150
const STALLS = 4

t.test('a stalling peer says it is behind; its peer moves no route for the stalls after', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    const slow = await lab.faild(h1, FAST)
    const watcher = await lab.faild(h2, FAST)
    await until(
      () => (watcher.output.match(/peer 198\.18\.\d\.1 LAN [AB]: unknown -> up/g) ?? []).length >= 2,
      5000,
      'host 2 hears host 1',
    )
    const count = (re: RegExp) => (watcher.output.match(new RegExp(re, 'g')) ?? []).length
    const pid = slow.child.pid!
    const stall = async () => {
      process.kill(pid, 'SIGSTOP')
      await sleep(STALL_MS)
      process.kill(pid, 'SIGCONT')
    }
    // The first stall is judged as any silence is (the peer has said nothing yet); its next INQs say it is behind.
    await stall()
    await until(() => /says it is \d+ ms behind/.test(watcher.output), 3000, 'host 2 hears that host 1 is behind')
    // Any path the first stall took down is back before the stalls that count.
    await until(() => count(/down -> up/) >= count(/up -> down/), 3000, 'host 1 up again on every LAN')
    const before = count(/-> down/)
    for (let i = 0; i < STALLS; i++) {
      await sleep(500)
      await stall()
    }
    const status = await lab.faildctl(h2, ['status'])
    t.match(status.stdout, /peer 198\.18\.1\.1 says it is \d+ ms behind \(overloaded\)/, 'faildctl status says so')
    await sleep(500)
    t.equal(count(/-> down/), before, `no path went down for ${STALLS} more stalls of ${STALL_MS} ms`)
    await until(() => /peer 198\.18\.1\.1 caught up/.test(watcher.output), 5000, 'host 2 hears that host 1 caught up')
  }),
)
