// A keyed peer restarts with its wall clock a day back: the boot counter in its state directory still
// gives the new run a larger boot id, so its peer takes it at once instead of dropping it as a replay.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { StatusReport } from '../../lib/core/report/status.js'
import { FAST, withLab } from './harness/lab-test.js'
import { CLOCK_BACK, type Host, type Lab, until } from './harness/netlab.js'

const status = async (lab: Lab, h: Host) =>
  JSON.parse((await lab.faildctl(h, ['status', '--json'])).stdout) as StatusReport

/** h hears its one peer, of the given boot, up on every LAN. */
const hearsUp = async (lab: Lab, h: Host) => {
  const peers = (await status(lab, h)).peers
  return peers.length === 1 && peers[0]!.paths.length === lab.lans && peers[0]!.paths.every((p) => p.state === 'up')
}

t.test('a restart with the clock set back a day is a new run, not a replay', (t) =>
  withLab(t, { hosts: 2 }, async (lab) => {
    const [h1, h2] = lab.hosts as [Host, Host]
    const key = join(lab.dir, 'cluster.key')
    writeFileSync(key, 'clock set back lab key, not a secret\n')
    chmodSync(key, 0o600)
    const args = [...FAST, '--key-file', key]
    await lab.faild(h1, args)
    const first = await lab.faild(h2, args)
    await until(() => hearsUp(lab, h1), 5000, 'host 1 hears host 2 on every LAN')
    await first.stop()
    await lab.faild(h2, args, ['--import', CLOCK_BACK])
    // The old run was heard a moment ago: only a larger boot id makes host 1 take the new one.
    await until(
      async () =>
        (await status(lab, h1)).peers[0]?.paths.every((p) => p.lastHeardS !== null && p.lastHeardS < 0.3) ?? false,
      5000,
      'host 1 takes the new run of host 2',
    )
    const drops = (await status(lab, h1)).packets.drops
    t.equal(drops.replayed ?? 0, 0, 'no packet of the new run dropped as a replay')
    await until(() => hearsUp(lab, h1), 5000, 'host 2 up again on every LAN')
  }),
)
