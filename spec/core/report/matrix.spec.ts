// core/report/matrix.ts: this host's row from what it observes, peers' rows from their down lists, stale rows unknown.
import t from 'tap'
import type { EngineView, PathView, PeerView } from '../../../lib/core/engine/view.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { connectivityMatrix } from '../../../lib/core/report/matrix.js'
import { formatMatrix } from '../../../lib/core/report/matrix-format.js'

const ME = 1
const path = (over: Partial<PathView>): PathView => ({
  address: 10,
  state: LinkState.Up,
  observed: LinkState.Up,
  missed: 0,
  good: 3,
  hearsUs: true,
  peerOutOfService: false,
  lastHeard: 0,
  downSince: -Infinity,
  upSince: 0,
  rttMs: undefined,
  why: [],
  reportedDown: [],
  reportedAt: 900,
  ...over,
})
const peer = (id: number, paths: PathView[]): PeerView => ({ id, intervalMs: 100, lastHeard: 900, paths, services: [] })
const view = (peers: PeerView[]): EngineView => ({
  nodeId: ME,
  requestor: true,
  intervalMs: 100,
  thresholds: { failAfter: 3, upAfter: 3 },
  lans: [],
  peers,
})

t.test('rows: mine observed (not routed), peers by their down lists; stale unknown; off the LAN blank', async (t) => {
  const v = view([
    // Peer 3: I hear it (observed up) though it does not hear me, so its routing state is down.
    peer(3, [path({ state: LinkState.Down, observed: LinkState.Up, reportedDown: [ME] })]),
    // Peer 2: it does not hear peer 3; said 1 s ago, at -t 0.1: stale.
    peer(2, [path({ reportedDown: [3] })]),
    peer(4, [path({ address: 0 })]),
  ])
  const m = connectivityMatrix(v, ['A'], 1000)
  const lan = m.lans[0]!
  t.same(lan.hosts, ['0.0.0.1', '0.0.0.2', '0.0.0.3', '0.0.0.4'], 'this host first, then by id')
  t.same(lan.cells, [
    ['-', 'ok', 'ok', ''],
    ['ok', '-', 'no', ''],
    ['no', 'ok', '-', ''],
    ['', '', '', ''],
  ])
  t.same(lan.ageS, [0, 0.1, 0.1, null])
  const later = connectivityMatrix(v, ['A'], 1500).lans[0]!
  t.same(later.cells[1], ['?', '-', '?', ''], 'not said for 4 intervals: not known')
  t.match(formatMatrix(m), /\n3\s+NO\s+ok\s+-\s+0\.1s ago\s+0\.0\.0\.3\n/)
})
