// Fault matrix: host 4 poses as host 2 on LAN A (whose path is dead) with replayed and forged INQs:
// dropped and counted, and the dead path stays dead.

import { A, addr, B, C, expectRoute, faultScenario } from '../harness/matrix.js'
import { FORGE, sleep } from '../harness/netlab.js'

faultScenario({
  fault: 'forged and replayed packets (key set)',
  expected: 'dropped and counted; a dead path stays dead',
  run: async (t, { lab, h2, h3, h4, key, KEYED, start, status }) => {
    await start(
      h3,
      KEYED.filter((f) => f !== '-r'),
    ) // a responder: INQs are what it counts
    await sleep(500)
    await lab.fault(h2, A, 'both')
    await expectRoute(lab, h3, h2, A, B)
    // From host 4, posing as host 2 on LAN A (its address added, without ever answering ARP for it).
    await lab.exec(h4, 'sysctl', [
      '-qw',
      `net.ipv4.conf.${h4.ifaces[A]}.arp_ignore=8`,
      `net.ipv4.conf.${h4.ifaces[A]}.arp_announce=2`,
    ])
    await lab.exec(h4, 'ip', ['addr', 'add', `${addr(A, h2.n)}/32`, 'dev', h4.ifaces[A]!, 'nodad', 'noprefixroute'])
    const args = (mode: string) => [
      FORGE,
      addr(A, h2.n),
      addr(A, h3.n),
      '4207',
      '150',
      mode,
      key,
      addr(A, h2.n),
      ...[A, B, C].map((l) => addr(l, h2.n)),
    ]
    const replay = lab.spawn(h4, process.execPath, args('replay'))
    const forge = lab.spawn(h4, process.execPath, args('forge'))
    let wrong = 0
    for (let i = 0; i < 15; i++) {
      if ((await lab.route(h3, addr(A, h2.n))) !== `dev ${h3.ifaces[B]} via ${addr(B, h2.n)}`) wrong++
      await sleep(100)
    }
    await replay.waitFor(/"sent"/)
    await forge.waitFor(/"sent"/)
    await lab.exec(h4, 'ip', ['addr', 'del', `${addr(A, h2.n)}/32`, 'dev', h4.ifaces[A]!])
    t.equal(wrong, 0, 'host 3 kept host 2 on LAN B throughout')
    const drops = (await status(h3)).packets.drops
    t.ok((drops.replayed ?? 0) > 0, `replayed: ${drops.replayed}`)
    t.ok((drops.ERR_UNKNOWN_KEY ?? 0) > 0, `ERR_UNKNOWN_KEY: ${drops.ERR_UNKNOWN_KEY}`)
    await lab.heal(h2, A)
    await start(h3)
    return `dropped ${drops.replayed} replayed, ${drops.ERR_UNKNOWN_KEY} forged; the dead path stayed dead`
  },
})
