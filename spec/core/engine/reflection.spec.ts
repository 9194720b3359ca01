// No reflection (issue 11): forged packets never make this host send more bytes to an address it
// has not confirmed than it received. On main 25.6 KB of forged INQs made a host send 336 KB.
import t from 'tap'
import { type Effect, Engine } from '../../../lib/core/engine/engine.js'
import { encode } from '../../../lib/core/wire/codec.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { inqFrom } from '../../support/messages.js'
import { TWO_LANS } from '../../support/two-lans.js'

/** Invented peer i: 198.18.1.(10+i) on LAN A, 198.18.2.(10+i) on LAN B, which no host has. */
const invented = (i: number) => ({ from: 0xc6120100 + 10 + i, addresses: [0xc6120100 + 10 + i, 0xc6120200 + 10 + i] })

/** Sizes of the packets sent to each unicast address in `fx`. */
function unicast(fx: Effect[], into: Map<number, number[]>): void {
  for (const e of fx) {
    if (e.kind !== 'send' || e.to === 'broadcast') continue
    into.set(e.to, [...(into.get(e.to) ?? []), encode(e.msg).length])
  }
}

const sum = (a: number[] = []) => a.reduce((x, y) => x + y, 0)

/** An engine fed `flood` (now, lan, src, msg), then run for 3 s: bytes received from and sent to each address. */
function run(requestor: boolean, flood: Array<[number, number, number, Message]>) {
  const e = new Engine({ ...TWO_LANS, requestor, maxPeers: 1000 })
  const received = new Map<number, number[]>()
  const sent = new Map<number, number[]>()
  for (const [now, lan, src, msg] of flood) {
    received.set(src, [...(received.get(src) ?? []), encode(msg).length])
    unicast(e.receive(now, lan, src, msg), sent)
  }
  for (let now = 300; now < 3000; now += 50) unicast([...e.tick(now), ...e.expire(now)], sent)
  return { received, sent }
}

for (const requestor of [true, false]) {
  const who = requestor ? 'a requestor' : 'a responder'

  t.test(`${who}: an unconfirmed sender gets no more bytes than it sent, even the smallest INQ`, async (t) => {
    // One address each (32 bytes, the least there is) from a spoofed source on each LAN.
    const flood: Array<[number, number, number, Message]> = []
    for (let i = 0; i < 20; i++) {
      const s = { from: 0xc6120100 + 200 + i, addresses: [0xc6120100 + 200 + i] }
      flood.push([i, 0, 0xc6120100 + 200 + i, inqFrom(s, { lan: 0, seq: 1 })])
    }
    const { received, sent } = run(requestor, flood)
    const over = [...sent].filter(([to, n]) => sum(n) > sum(received.get(to)))
    t.same(over, [], 'no address got more bytes than it sent')
    t.equal(sent.size, 20, 'each was answered')
  })

  t.test(`${who}: a notice to a peer names only that peer, not every peer that is down`, async (t) => {
    // 120 invented peers heard once on both LANs (confirmed by the engine's rule), then silent:
    // the host told each one, at the address it claimed, with a down list of them all (500+ bytes).
    const flood: Array<[number, number, number, Message]> = []
    for (let i = 0; i < 120; i++) {
      const s = invented(i)
      for (const lan of [0, 1]) flood.push([i, lan, s.addresses[lan]!, inqFrom(s, { lan, seq: 1 })])
    }
    const { received, sent } = run(requestor, flood)
    const largest = Math.max(...[...sent.values()].flat())
    const theirs = Math.max(...[...received.values()].flat())
    t.ok(
      largest <= theirs + 4,
      `the largest packet sent to one (${largest} bytes) is about the size of theirs (${theirs})`,
    )
    t.ok(sent.size > 0, 'they were answered')
  })
}
