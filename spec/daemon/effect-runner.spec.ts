// The effect runner of lib/daemon/effect-runner.ts: lines an outsider can cause per packet are budgeted.
import t from 'tap'
import type { Effect } from '../../lib/core/engine/effects.js'
import { ownHandle } from '../../lib/core/link-handles.js'
import { decode } from '../../lib/core/wire/codec.js'
import { Drops } from '../../lib/daemon/drops.js'
import { EffectRunner } from '../../lib/daemon/effect-runner.js'
import { WireVersions } from '../../lib/daemon/wire-versions.js'
import { capturingLogger } from '../support/capturing-logger.js'
import { ackFrom, inqFrom } from '../support/messages.js'

const OWN = [
  { address: 0xc6120101, prefixLen: 24, nameTag: 0 },
  { address: 0xc6120201, prefixLen: 24, nameTag: 0 },
]
const ME = { from: 0xc6120101, addresses: [0xc6120101, 0xc6120201] }

/** The wire side of the runner's deps: what it sent, as [to, wire version] pairs. */
function wire(version: 1 | 2 = 2) {
  const sent: Array<[number | 'broadcast', number]> = []
  const versions = new WireVersions(2, () => 30_000)
  const send = (_lan: number, to: number | 'broadcast', data: Buffer) => void sent.push([to, data[2]!])
  return { own: OWN, versions, wireVersion: () => version, v1Broadcast: () => 0xc61201ff, send, sent }
}

t.test('paths held down for flapping: 50 lines per 10 s, then one summary of the rest', async (t) => {
  // Forged notices can hold a path down per packet; every hold used to be a warning line.
  const { log, at } = capturingLogger()
  const runner = new EffectRunner(
    { ...wire(), log, drops: new Drops(log, () => 'A', false), label: () => 'A' },
    undefined,
  )
  const damped = (peer: number): Effect => ({ kind: 'damped', peer, lan: 0, holdMs: 4000, penalty: 4 })
  for (let i = 0; i < 300; i++) runner.run(i, [damped(0xc6120100 + (i % 200))])
  t.equal(at('warn').length, 50, 'the first 50 are logged')
  runner.run(10_000, [damped(0xc6120102)])
  const warns = at('warn')
  t.equal(warns.length, 52)
  t.equal(warns[50], '250 more paths held down for flapping were not logged in the last 10 s')
  t.match(warns[51], /^peer 198\.18\.1\.2 LAN A: flapping \(4\.0 downs lately\), held down for 4\.0s$/)
})

t.test(
  'v2 by default; v1 copies while a v1 host is heard; a v1 INQ answered in v1; wireVersion 1 sends only v1',
  async (t) => {
    const { log } = capturingLogger()
    const drops = new Drops(log, () => 'A', false)
    const w = wire()
    const runner = new EffectRunner({ ...w, log, drops, label: () => 'A' }, undefined)
    const inq: Effect = { kind: 'send', lan: 0, to: 'broadcast', msg: inqFrom(ME, { seq: 1 }) }
    runner.run(0, [inq])
    t.same(w.sent.splice(0), [['broadcast', 2]], 'v2 only while no v1 host is heard')
    w.versions.copy(0, 0, { version: 1, from: 3, boot: 1 } as never)
    runner.run(1, [inq])
    t.same(
      w.sent.splice(0),
      [
        ['broadcast', 2],
        [0xc61201ff, 1],
      ],
      'a v1 copy while one is, to the subnet broadcast',
    )
    const ack = (version: 1 | 2): Effect => ({
      kind: 'send',
      lan: 0,
      to: 7,
      msg: { ...ackFrom(ME, 3, { seq: 1 }), version },
    })
    runner.run(2, [ack(1), ack(2)])
    t.same(
      w.sent.splice(0),
      [
        [7, 1],
        [7, 2],
      ],
      'an ACK in the version of the INQ it answers',
    )
    runner.run(2, [{ ...(ack(2) as Extract<Effect, { kind: 'send' }>), maxBytes: 20 }])
    t.same(w.sent.splice(0), [], 'larger than the bound: not sent (no reflection)')
    const old = wire(1)
    new EffectRunner({ ...old, log, drops, label: () => 'A' }, undefined).run(0, [inq])
    t.same(old.sent, [['broadcast', 1]], 'wireVersion 1: as faild 0.1 sends')
  },
)

t.test('a peer that says it is behind, and catches up: a line each, what it means', async (t) => {
  const { log, at } = capturingLogger()
  const runner = new EffectRunner(
    { ...wire(), log, drops: new Drops(log, () => 'A', false), label: () => 'A' },
    undefined,
  )
  runner.run(0, [{ kind: 'behind', peer: 0xc6120102, ms: 200 }])
  runner.run(1, [{ kind: 'behind', peer: 0xc6120102, ms: 0 }])
  t.match(at('info'), [
    /^peer 198\.18\.1\.2 says it is 200 ms behind \(overloaded\): its INQs are waited for that much longer/,
    /^peer 198\.18\.1\.2 caught up: its deadlines are as before$/,
  ])
})

t.test("a v1 copy from a host with an IPv6-only LAN carries 0 there, never the LAN's handle", async (t) => {
  const { log } = capturingLogger()
  const drops = new Drops(log, () => 'A', false)
  const data: Buffer[] = []
  const w = { ...wire(), send: (_lan: number, _to: number | 'broadcast', d: Buffer) => void data.push(d) }
  const runner = new EffectRunner({ ...w, log, drops, label: () => 'A' }, undefined)
  w.versions.copy(0, 0, { version: 1, from: 3, boot: 1 } as never)
  const handle = ownHandle(1) // LAN B is IPv6-only here
  runner.run(1, [
    { kind: 'send', lan: 0, to: 'broadcast', msg: inqFrom({ ...ME, addresses: [ME.addresses[0]!, handle] }) },
  ])
  const v1 = decode(data.find((d) => d[2] === 1)!)
  t.same(v1.ok && v1.msg.addresses, [ME.addresses[0], 0])
})
