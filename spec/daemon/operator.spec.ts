// Operator commands on a running daemon: taking a LAN offline and back is logged as what it is.
import t from 'tap'
import { oneHost, turns } from './one-host.js'

t.test("faildctl offline and online are logged at info: an operator's drain is not a fault", async (t) => {
  const { daemon, lines } = await oneHost(['-r', '-t', '0.1'])
  t.teardown(() => daemon.stop())
  t.match(daemon.setOffline('B', true), { ok: true, message: /LAN B \(ethb\) taken offline/ })
  t.match(daemon.setOffline('ethb', false), { ok: true, message: /LAN B \(ethb\) back online/ })
  await turns(5)
  t.match(
    lines.filter((l) => /offline|online/.test(l)),
    [/^info: LAN B \(ethb\) taken offline/, /^info: LAN B \(ethb\) back online/],
  )
  t.match(daemon.setOffline('C', true), { ok: false, message: "no LAN 'C': LANs are A (etha), B (ethb)" })
})
