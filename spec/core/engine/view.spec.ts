// view.ts and Engine.view(): a plain-data snapshot, and what the shell derives from it.
import t from 'tap'
import { Engine } from '../../../lib/core/engine/engine.js'
import { gatewayState, offlineView, pathAt, peerAddresses, planPeers } from '../../../lib/core/engine/view.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { PathReason } from '../../../lib/core/path/path-state.js'
import type { Message } from '../../../lib/core/wire/message.js'
import { ackFrom } from '../../support/messages.js'
import { TWO_LANS as base, ME, PEER, PEER_ADDR } from '../../support/two-lans.js'

const ack = (lan: number, seq: number): Message => ackFrom({ from: PEER, addresses: PEER_ADDR }, ME, { lan, seq })

function converged(): Engine {
  const e = new Engine(base)
  const seq = e.tick(0).flatMap((x) => (x.kind === 'send' ? [x.msg.seq] : []))[0]!
  for (const lan of [0, 1]) e.receive(2, lan, PEER_ADDR[lan]!, ack(lan, seq))
  e.expire(50)
  return e
}

t.test('the view of LANs, peers and paths, in plain data', async (t) => {
  const e = converged()
  e.setOffline(60, 1, true)
  const v = e.view()
  t.same(v.lans, [
    { carrier: true, offline: false, srttMs: 2 },
    { carrier: true, offline: true, srttMs: 2 },
  ])
  t.same(v.peers[0]!.paths[1], {
    address: PEER_ADDR[1],
    state: LinkState.Down,
    observed: LinkState.Up,
    missed: 0,
    good: 1,
    hearsUs: true,
    peerOutOfService: false,
    lastHeard: 2,
    downSince: 60,
    upSince: 2,
    rttMs: 2,
    why: [PathReason.OfflineHere],
    reportedDown: [],
    reportedAt: -Infinity,
  })
  t.same(
    JSON.parse(JSON.stringify(v.lans)),
    v.lans.map((l) => ({ ...l })),
    'no live objects: it survives JSON',
  )
})

t.test('offlineView: the view as if a LAN were taken offline, the engine untouched', async (t) => {
  const e = converged()
  const v = offlineView(e.view(), 1)
  t.equal(v.lans[1]!.offline, true)
  t.same(
    v.peers[0]!.paths.map((p) => [p.state, p.why]),
    [
      [LinkState.Up, []],
      [LinkState.Down, [PathReason.OfflineHere]],
    ],
  )
  t.equal(e.view().lans[1]!.offline, false, 'the engine is not changed')
})

t.test('a snapshot: later events do not change a view already taken', async (t) => {
  const e = converged()
  const v = e.view()
  e.setOffline(60, 0, true)
  t.equal(v.peers[0]!.paths[0]!.state, LinkState.Up)
  t.equal(v.lans[0]!.offline, false)
})

t.test('planPeers, gatewayState, pathAt, peerAddresses', async (t) => {
  const e = converged()
  const v = e.view()
  t.same(
    planPeers(v).map((p) => [p.intervalMs, p.lans.map((l) => l.state)]),
    [[100, [LinkState.Up, LinkState.Up]]],
  )
  t.equal(gatewayState(v, 0, PEER_ADDR[0]!), LinkState.Up)
  t.equal(gatewayState(v, 1, PEER_ADDR[0]!), LinkState.Unknown, 'not on that LAN')
  t.equal(pathAt(v, 1, PEER_ADDR[1]!)?.address, PEER_ADDR[1])
  t.same(peerAddresses(v, PEER), PEER_ADDR)
  t.same(peerAddresses(v, 0x1234), [], 'an unknown peer')
})

t.test('the link event carries the path view and the addresses the daemon logs', async (t) => {
  const e = converged()
  const fx = e.setOffline(60, 0, true).find((x) => x.kind === 'link')
  t.match(fx, {
    kind: 'link',
    peer: PEER,
    lan: 0,
    from: 'up',
    to: 'down',
    addresses: PEER_ADDR,
    path: { observed: 'up', why: [PathReason.OfflineHere] },
  })
})
