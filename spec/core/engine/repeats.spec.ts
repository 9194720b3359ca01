// core/engine/repeats.ts: only a datagram equal to the kept one outside the sequence number is a repeat, and only unsigned v2 ones are kept.
import t from 'tap'
import { toLocal } from '../../../lib/core/engine/pairing.js'
import { Repeats } from '../../../lib/core/engine/repeats.js'
import { encode, type Message } from '../../../lib/core/wire/codec.js'
import { fromV1 } from '../../../lib/core/wire/v1-bridge.js'
import { encodeV2 } from '../../../lib/core/wire/v2.js'
import { inqFrom } from '../../support/messages.js'

const PEER = { from: 0xc6120102, addresses: [0xc6120102, 0xc6120202] }
const SRC = PEER.addresses[0]!
const OWN = [
  { address: 0xc6120101, prefixLen: 24, nameTag: 0 },
  { address: 0xc6120201, prefixLen: 24, nameTag: 0 },
]
const KEY = { id: 7, secret: Buffer.from('the cluster key, long enough') }

/** An INQ of the peer, as a datagram, and the packet and message it decodes and pairs to. */
function datagram(seq: number, more: Partial<Message> = {}, key?: typeof KEY) {
  const packet = fromV1(inqFrom(PEER, { seq, ...more }))
  const data = encodeV2(packet, key)
  const paired = toLocal(packet, OWN, data.length)
  if (!paired.ok) throw new Error('unpaired')
  return { data, packet, msg: paired.msg }
}

t.test('a repeat gets the kept message with its own sequence number', async (t) => {
  const r = new Repeats()
  const first = datagram(1)
  t.equal(r.get(0, SRC, first.data, OWN), undefined, 'nothing kept yet')
  r.set(0, SRC, first.data, first.packet, first.msg)
  const next = datagram(0xfffffffe)
  const got = r.get(0, SRC, next.data, OWN)
  t.same(got?.msg, next.msg, 'what the long way gives')
  t.equal(got?.msg.seq, 0xfffffffe)
  t.equal(first.msg.seq, 1, 'the kept message is not changed')
})

t.test('anything else that differs, or another sender or LAN, is not a repeat', async (t) => {
  const r = new Repeats()
  const first = datagram(1)
  r.set(0, SRC, first.data, first.packet, first.msg)
  t.equal(r.get(0, SRC, datagram(2, { down: [0xc6120109] }).data, OWN), undefined, 'a longer packet')
  t.equal(r.get(0, SRC, datagram(2, { intervalMs: 200 }).data, OWN), undefined, 'a byte outside the number')
  t.equal(r.get(1, SRC, datagram(2).data, OWN), undefined, 'another LAN')
  t.equal(r.get(0, SRC + 1, datagram(2).data, OWN), undefined, 'another source')
  t.equal(r.get(0, SRC, datagram(2).data, [OWN[1]!, OWN[0]!]), undefined, "after this host's LANs changed")
  t.equal(r.get(0, SRC, datagram(2).data, [OWN[1]!, OWN[0]!]), undefined, 'and what was kept before is gone')
})

t.test('signed and v1 datagrams are never kept', async (t) => {
  const r = new Repeats()
  const signed = datagram(1, {}, KEY)
  r.set(0, SRC, signed.data, signed.packet, signed.msg)
  t.equal(r.get(0, SRC, datagram(2, {}, KEY).data, OWN), undefined)
  const v1 = encode(inqFrom(PEER, { seq: 1 }))
  r.set(0, SRC, v1, signed.packet, signed.msg)
  t.equal(r.get(0, SRC, encode(inqFrom(PEER, { seq: 2 })), OWN), undefined)
})
