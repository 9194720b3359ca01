// peer-table.ts: learning peers, restarts, a new id on an old address, eviction, forgetting, INQ expectations.
import t from 'tap'
import { forgetMs } from '../../../lib/core/engine/peer.js'
import { type LearnConfig, PeerTable } from '../../../lib/core/engine/peer-table.js'
import { silentMs } from '../../../lib/core/engine/trust.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { inqFrom } from '../../support/messages.js'

const A = 0x0a000002
const ADDR = [0x0a000002, 0x0b000002]
const CFG: LearnConfig = { addresses: [0x0a000001, 0x0b000001], prefixLens: [8, 8], failAfter: 3, intervalMs: 100 }
const inq = (over: Partial<Message> = {}): Message => inqFrom({ from: A, addresses: ADDR }, over)
const events = (l: { events: readonly { peer: number; event: string }[] }) =>
  l.events.map((e) => `${e.peer.toString(16)}:${e.event}`)

t.test('learn: discovered once, then refreshed; the addresses it advertises', async (t) => {
  const table = new PeerTable(2)
  const first = table.learn(5, inq(), CFG)
  t.same([first.isNew, events(first)], [true, ['a000002:discovered']])
  t.same(
    first.peer.lans.map((l) => l.address),
    ADDR,
  )
  const again = table.learn(7, inq({ seq: 2 }), CFG)
  t.same([again.isNew, events(again), again.peer.lastHeard, again.peer.since], [false, [], 7, 5])
  t.equal(table.size, 1)
})

t.test('learn: a new boot id is a restart, and its INQ sequence starts afresh on every LAN', async (t) => {
  const table = new PeerTable(2)
  const { peer } = table.learn(0, inq(), CFG)
  peer.lans.forEach((l) => (l.lastSeq = 50))
  t.same(events(table.learn(1, inq({ boot: 10 }), CFG)), ['a000002:restarted'])
  t.same(
    peer.lans.map((l) => l.lastSeq),
    [-1, -1],
  )
})

t.test('learn: a notice does not change the interval; an INQ does', async (t) => {
  const table = new PeerTable(2)
  const { peer } = table.learn(0, inq(), CFG)
  table.learn(1, inq({ intervalMs: 0 }), CFG)
  t.equal(peer.intervalMs, 100)
  table.learn(2, inq({ intervalMs: 250 }), CFG)
  t.equal(peer.intervalMs, 250)
})

t.test('learn: a new node id on an address already held replaces the old entry (admit() let it in)', async (t) => {
  const table = new PeerTable(2)
  table.learn(0, inq(), CFG)
  t.equal(table.holderOf(0, ADDR[0]!)?.id, A)
  t.same(events(table.learn(1, inq({ from: 0x77 }), CFG)), ['77:discovered', 'a000002:forgotten'])
  t.equal(table.get(A), undefined)
  t.equal(table.holderOf(0, ADDR[0]!)?.id, 0x77)
  t.equal(table.holderOf(1, ADDR[0]!), undefined, 'by LAN')
})

t.test('forgetIfSilent: only after the forget time', async (t) => {
  const table = new PeerTable(2)
  const { peer } = table.learn(0, inq(), CFG)
  t.equal(forgetMs(peer, 100), 30_000, 'at least 30 s')
  t.equal(forgetMs(peer, 1000), 60_000, '60 of the longer interval')
  t.equal(table.forgetIfSilent(peer, 29_999, 100), undefined)
  t.same(table.forgetIfSilent(peer, 30_000, 100), { kind: 'peer', peer: A, event: 'forgotten' })
  t.same([...table], [])
})

t.test('expectInqs: the next INQ on that LAN, plus a grace; LANs never heard start too', async (t) => {
  const table = new PeerTable(2)
  const { peer } = table.learn(0, inq(), CFG)
  t.equal(table.expectInqs(peer, 0, 0), 120, '20% grace on a 100 ms interval')
  t.same(
    peer.lans.map((l) => l.inqDue),
    [120, 120],
  )
  t.equal(table.expectInqs(peer, 100, 0), 120, 'LAN B keeps its deadline')
  t.same(
    peer.lans.map((l) => l.inqDue),
    [220, 120],
  )
})

t.test('learn: a full table evicts its oldest unconfirmed peer for a newcomer; confirmed ones stay', async (t) => {
  const table = new PeerTable(2)
  const full = { ...CFG, maxPeers: 3 }
  const peer = (n: number) => inq({ from: 0x100 + n, addresses: [0x0a000100 + n, 0x0b000100 + n] })
  for (let n = 0; n < 3; n++) table.learn(n, peer(n), full)
  table.confirm(table.get(0x100)!)
  t.equal(table.unconfirmed, 2)
  t.same(events(table.learn(3, peer(3), full)), ['101:forgotten', '103:discovered'], 'the oldest unconfirmed')
  t.same(events(table.learn(4, peer(4), full)), ['102:forgotten', '104:discovered'])
  t.same(
    [...table].map((p) => p.id),
    [0x100, 0x103, 0x104],
    'the confirmed peer stays, the table stays bounded',
  )
  t.equal(table.holderOf(0, 0x0a000101), undefined, 'an evicted peer holds no address')
})

t.test('learn: an address the peer is heard from changes only once that LAN has been silent', async (t) => {
  const table = new PeerTable(2)
  const { peer } = table.learn(0, inq(), CFG)
  peer.lans.forEach((l) => (l.lastHeard = 0))
  const moved = [ADDR[0]!, 0x0b000099]
  table.learn(300, inq({ addresses: moved }), CFG)
  t.equal(peer.lans[1]!.address, ADDR[1], 'LAN B heard 300 ms ago (3 intervals): kept')
  table.learn(301, inq({ addresses: moved }), CFG)
  t.equal(peer.lans[1]!.address, 0x0b000099, 'silent for longer: the host was re-addressed')
  t.equal(table.holderOf(1, ADDR[1]!), undefined, 'and the old address is free')
  t.equal(table.holderOf(1, 0x0b000099), peer)
  t.equal(silentMs(peer, CFG), 300, 'failAfter of the longer interval')
})

t.test('learn: an address where the peer had none is taken at once', async (t) => {
  const table = new PeerTable(2)
  const { peer } = table.learn(0, inq({ addresses: [ADDR[0]!, 0] }), CFG)
  peer.lans.forEach((l) => (l.lastHeard = 0))
  table.learn(1, inq(), CFG)
  t.same(
    peer.lans.map((l) => l.address),
    ADDR,
  )
})
