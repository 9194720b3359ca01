// peer-table.ts: learning peers, restarts, a new id on an old address, forgetting, INQ expectations.
import t from 'tap'
import { forgetMs, PeerTable } from '../../../lib/core/engine/peer-table.js'
import type { Message } from '../../../lib/core/wire/codec.js'
import { inqFrom } from '../../support/messages.js'

const A = 0x0a000002
const ADDR = [0x0a000002, 0x0b000002]
const inq = (over: Partial<Message> = {}): Message => inqFrom({ from: A, addresses: ADDR }, over)
const events = (l: { events: readonly { peer: number; event: string }[] }) =>
  l.events.map((e) => `${e.peer.toString(16)}:${e.event}`)

t.test('learn: discovered once, then refreshed; the addresses it advertises', async (t) => {
  const table = new PeerTable(2)
  const first = table.learn(5, inq())
  t.same([first.isNew, events(first)], [true, ['a000002:discovered']])
  t.same(
    first.peer.lans.map((l) => l.address),
    ADDR,
  )
  const again = table.learn(7, inq({ seq: 2 }))
  t.same([again.isNew, events(again), again.peer.lastHeard, again.peer.since], [false, [], 7, 5])
  t.equal(table.size, 1)
})

t.test('learn: a new boot id is a restart, and its INQ sequence starts afresh on every LAN', async (t) => {
  const table = new PeerTable(2)
  const { peer } = table.learn(0, inq())
  peer.lans.forEach((l) => (l.inqSeq = 50))
  t.same(events(table.learn(1, inq({ boot: 10 }))), ['a000002:restarted'])
  t.same(
    peer.lans.map((l) => l.inqSeq),
    [-1, -1],
  )
})

t.test('learn: a notice does not change the interval; an INQ does', async (t) => {
  const table = new PeerTable(2)
  const { peer } = table.learn(0, inq())
  table.learn(1, inq({ intervalMs: 0 }))
  t.equal(peer.intervalMs, 100)
  table.learn(2, inq({ intervalMs: 250 }))
  t.equal(peer.intervalMs, 250)
})

t.test('learn: a new node id on an address already held replaces the old entry', async (t) => {
  const table = new PeerTable(2)
  table.learn(0, inq())
  t.same(events(table.learn(1, inq({ from: 0x77 }))), ['77:discovered', 'a000002:forgotten'])
  t.equal(table.get(A), undefined)
  t.equal(table.holderOf(0, ADDR[0]!, -1)?.id, 0x77)
  t.equal(table.holderOf(0, ADDR[0]!, 0x77), undefined, 'except the asker')
})

t.test('forgetIfSilent: only after the forget time', async (t) => {
  const table = new PeerTable(2)
  const { peer } = table.learn(0, inq())
  t.equal(forgetMs(peer, 100), 30_000, 'at least 30 s')
  t.equal(forgetMs(peer, 1000), 60_000, '60 of the longer interval')
  t.equal(table.forgetIfSilent(peer, 29_999, 100), undefined)
  t.same(table.forgetIfSilent(peer, 30_000, 100), { kind: 'peer', peer: A, event: 'forgotten' })
  t.same([...table], [])
})

t.test('expectInqs: the next INQ on that LAN, plus a grace; LANs never heard start too', async (t) => {
  const table = new PeerTable(2)
  const { peer } = table.learn(0, inq())
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
