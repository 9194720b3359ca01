// admit.ts: one row per drop reason, each just past the rows before it, and the serial-number order.
import t from 'tap'
import { ADMIT, type AdmitContext, type Arrival, admit, newer, seqOrder } from '../../../lib/core/engine/admit.js'
import type { Peer } from '../../../lib/core/engine/peer.js'
import type { AckVerdict } from '../../../lib/core/engine/probe-round.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { ackFrom, inqFrom } from '../../support/messages.js'

const ME = 0x0a000001
const PEER = 0x0a000002
const ADDR = [0x0a000001, 0x0b000001]
const PEER_ADDR = [0x0a000002, 0x0b000002]

const known = (over: Partial<Peer> = {}): Peer =>
  ({
    id: PEER,
    boot: 9,
    intervalMs: 100,
    lastHeard: 0,
    since: 0,
    confirmed: true,
    lans: [
      { address: PEER_ADDR[0], lastSeq: 10, lastHeard: 0 },
      { address: PEER_ADDR[1], lastSeq: -1, lastHeard: 0 },
    ],
    ...over,
  }) as unknown as Peer

function ctx(over: Partial<AdmitContext> & { known?: Peer; verdict?: AckVerdict } = {}): AdmitContext {
  return {
    nodeId: ME,
    requestor: true,
    cluster: 0,
    authenticated: false,
    maxPeers: Infinity,
    ignore: new Set(),
    trust: { addresses: ADDR, prefixLens: [8, 8], failAfter: 3, intervalMs: 100 },
    peerCount: over.known ? 1 : 0,
    unconfirmed: 0,
    peer: (id) => (id === over.known?.id ? over.known : undefined),
    holderOf: (lan, address) => (over.known?.lans[lan]?.address === address ? over.known : undefined),
    ackVerdict: () => over.verdict ?? 'open',
    ...over,
  }
}

const inq = (over: Partial<Message> = {}): Message =>
  inqFrom({ from: PEER, addresses: PEER_ADDR }, { seq: 11, ...over })
const ack = (over: Partial<Message> = {}): Message =>
  ackFrom({ from: PEER, addresses: PEER_ADDR }, ME, { seq: 11, ...over })
const at = (msg: Message, src = PEER_ADDR[0]!, lan = 0, now = 100): Arrival => ({ now, lan, src, msg })
/** Another host on LAN A, and the id it forges or invents. */
const OTHER = 0x0a000063
const INVENTED = 0x0a000077

// [reason, arrival, context]: in table order.
const rows: Array<[string, Arrival, AdmitContext]> = [
  ['wrong-cluster', at(inq({ cluster: 7 })), ctx()],
  ['looped-back', at(inq({ from: ME, addresses: ADDR }), ADDR[0]), ctx()],
  ['id-clash', at(inq({ from: ME })), ctx()],
  ['ignored', at(inq()), ctx({ ignore: new Set([PEER_ADDR[0]!]) })],
  ['wrong-lan', at(inq({ lan: 1 })), ctx()],
  ['spoofed-source', at(inq(), OTHER), ctx()],
  ['implausible-address', at(inq({ addresses: [PEER_ADDR[0]!, 0x7f000001] })), ctx()],
  ['not-the-peer', at(inq({ addresses: [OTHER, PEER_ADDR[1]!] }), OTHER), ctx({ known: known() })],
  ['address-claimed', at(inq({ from: INVENTED })), ctx({ known: known() })],
  ['not-for-us', at(ack({ to: 0x0a000009 } as Partial<Message>)), ctx()],
  ['unsolicited-ack', at(ack()), ctx({ requestor: false })],
  ['late-ack', at(ack()), ctx({ verdict: 'late' })],
  ['duplicate-ack', at(ack()), ctx({ verdict: 'duplicate' })],
  ['duplicate-inq', at(inq({ seq: 10 })), ctx({ known: known() })],
  ['replayed', at(inq({ seq: 9 })), ctx({ known: known(), authenticated: true })],
  ['peer-table-full', at(inq()), ctx({ maxPeers: 1, peerCount: 1 })],
  ['replayed', at(inq({ boot: 8 })), ctx({ known: known(), authenticated: true })],
]

t.test('the table lists every reason, in this order', async (t) => {
  t.same(
    ADMIT.map(([r]) => r),
    rows.map(([r]) => r),
  )
})

for (const [reason, arrival, c] of rows) t.test(reason, async (t) => t.equal(admit(arrival, c), reason))

t.test('a genuine packet is let in', async (t) => {
  t.equal(admit(at(inq()), ctx()), undefined, 'an INQ from a new peer')
  t.equal(admit(at(ack()), ctx()), undefined, 'an ACK for an open round')
  t.equal(admit(at(inq({ seq: 9 })), ctx({ known: known() })), undefined, 'without a key an older INQ is answered')
  t.equal(admit(at(inq({ boot: 8 })), ctx({ known: known() })), undefined, 'without a key an older boot is a restart')
  const full = ctx({ maxPeers: 1, peerCount: 1, unconfirmed: 1 })
  t.equal(admit(at(inq()), full), undefined, 'a full table with an unconfirmed peer to evict')
  const notice = inq({ seq: 10, intervalMs: 0 })
  t.equal(admit(at(notice), ctx({ known: known() })), undefined, 'without a key a notice is never a replay')
  t.equal(
    admit(at(notice), ctx({ known: known(), authenticated: true })),
    'replayed',
    'with one, its number is checked',
  )
})

t.test('seqOrder and newer: serial-number order across the wrap', async (t) => {
  t.equal(seqOrder(at(inq({ seq: 11 })), known()), 'new')
  t.equal(seqOrder(at(inq({ seq: 11, lan: 1 }), PEER_ADDR[1], 1), known()), 'new', 'nothing heard on that LAN yet')
  t.equal(seqOrder(at(inq({ seq: 5, boot: 10 })), known()), 'new', 'another run')
  t.ok(newer(0, 0xffffffff))
  t.notOk(newer(0xffffffff, 0))
  t.notOk(newer(5, 5))
})
