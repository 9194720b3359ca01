// Which route changes are failovers and why (lib/core/report/failover-reason.ts), one row per case.
import t from 'tap'
import type { LinkChange } from '../../../lib/core/engine/effects.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { PathReason } from '../../../lib/core/path/path-state.js'
import { downReason, routeMoves } from '../../../lib/core/report/failover-reason.js'
import type { Route } from '../../../lib/core/routes/route.js'

const A = 0x0a000002
const B = 0x0b000002

function link(lan: number, observed: LinkState, why: PathReason[] = [], to = LinkState.Down): LinkChange {
  return {
    kind: 'link',
    peer: A,
    lan,
    from: LinkState.Up,
    to,
    addresses: [A, B],
    path: {
      address: lan === 0 ? A : B,
      state: to,
      observed,
      missed: 3,
      good: 0,
      hearsUs: !why.includes(PathReason.NotHeardByPeer),
      peerOutOfService: false,
      lastHeard: 0,
      downSince: 0,
      upSince: 0,
      rttMs: undefined,
      why,
      reportedDown: [],
      reportedAt: -Infinity,
    },
  }
}

const route = (dst: number, via: number, table = 10, len = 32): Route => ({ table, dst, len, via, dev: 'b', src: 1 })

t.test('downReason: what holds the path down first, else carrier lost here, else misses', async (t) => {
  const rows: ReadonlyArray<readonly [string, LinkChange, boolean, string]> = [
    ['misses', link(0, LinkState.Down), false, 'missed'],
    ['cable out here', link(0, LinkState.Down), true, 'carrier-lost'],
    ['offline here first', link(0, LinkState.Down, [PathReason.OfflineHere, PathReason.Held]), true, 'offline-here'],
    ['one-way', link(0, LinkState.Up, [PathReason.NotHeardByPeer]), false, 'not-heard-by-peer'],
    ['peer cable out', link(0, LinkState.Up, [PathReason.PeerOutOfService]), false, 'peer-out-of-service'],
    ['nothing to say why', link(0, LinkState.Up), false, 'other'],
  ]
  for (const [name, l, lost, want] of rows)
    t.equal(
      downReason(l, () => lost),
      want,
      name,
    )
})

t.test(
  'routeMoves: host routes added or changed are failovers, removed are failbacks; gateway routes only count',
  async (t) => {
    const m = routeMoves(
      [link(0, LinkState.Down), link(1, LinkState.Up, [], LinkState.Up)],
      [route(B, A), route(0, 1, 11, 0)],
      [route(A, B), route(0, 2, 11, 0)],
      10,
      () => false,
    )
    t.same(m, { actions: { add: 1, change: 1, remove: 1 }, failovers: ['missed'], failbacks: 1 })
    const later = routeMoves([], [], [route(A, B)], 10, () => false)
    t.same(later.failovers, ['other'], 'the route moved in a later plan than its path change')
    t.same(routeMoves([], [route(A, B)], [route(A, 7)], 10, () => false).failovers, ['other'], 'moved to another LAN')
  },
)
