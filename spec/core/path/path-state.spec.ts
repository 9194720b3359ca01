// path-state.ts: the routing state of a path, cell by cell of its precedence, and its one text.
import t from 'tap'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { describePath, type PathFacts, PathReason, packetState, pathState } from '../../../lib/core/path/path-state.js'

const healthy: PathFacts = {
  observed: LinkState.Up,
  hearsUs: true,
  peerOutOfService: false,
  offlineHere: false,
  held: false,
}
const { Up, Down, Unknown } = LinkState
const R = PathReason

// [name, facts, routing state, why (highest precedence first), packet state]
const cells: Array<[string, Partial<PathFacts>, LinkState, PathReason[], LinkState]> = [
  ['healthy: the observed state rules', {}, Up, [], Up],
  ['observed down', { observed: Down }, Down, [], Down],
  ['never heard', { observed: Unknown }, Unknown, [], Unknown],
  ['offline here', { offlineHere: true }, Down, [R.OfflineHere], Up],
  ['held by damping', { held: true }, Down, [R.Held], Up],
  ['peer out of service', { peerOutOfService: true }, Down, [R.PeerOutOfService], Down],
  ['peer does not hear us', { hearsUs: false }, Down, [R.NotHeardByPeer], Down],
  ['offline beats held', { offlineHere: true, held: true }, Down, [R.OfflineHere, R.Held], Up],
  ['held beats the peer', { held: true, peerOutOfService: true }, Down, [R.Held, R.PeerOutOfService], Down],
  [
    'out of service beats not heard',
    { peerOutOfService: true, hearsUs: false },
    Down,
    [R.PeerOutOfService, R.NotHeardByPeer],
    Down,
  ],
  ['a reason overrides Unknown too', { observed: Unknown, hearsUs: false }, Down, [R.NotHeardByPeer], Down],
  [
    'everything at once',
    { observed: Down, offlineHere: true, held: true, peerOutOfService: true, hearsUs: false },
    Down,
    [R.OfflineHere, R.Held, R.PeerOutOfService, R.NotHeardByPeer],
    Down,
  ],
]

for (const [name, over, state, why, packets] of cells) {
  t.test(name, async (t) => {
    const f = { ...healthy, ...over }
    const v = pathState(f)
    t.same(v, { state, why })
    t.equal(packetState(v, f.observed), packets, 'what flap damping counts: the packets alone')
  })
}

t.test('describePath: what this host sees when it differs, the counters, then every reason', async (t) => {
  const th = { failAfter: 3, upAfter: 2 }
  const base = { state: Down, observed: Down, missed: 3, good: 0, why: [] }
  t.equal(describePath(base, th), 'missed 3/3, good 0/2')
  const offline = { ...base, observed: Up, missed: 0, good: 2, why: [R.OfflineHere, R.NotHeardByPeer] }
  t.equal(describePath(offline, th), 'seen up, missed 0/3, good 2/2, LAN taken offline here, peer does not hear us')
})
