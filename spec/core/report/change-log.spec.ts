// The re-plan's log lines (lib/core/report/change-log.ts): a route move is said once, on the peer's last change of the turn.
import t from 'tap'
import type { LinkChange } from '../../../lib/core/engine/effects.js'
import type { PathView } from '../../../lib/core/engine/view.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { linkChanges, routeMap } from '../../../lib/core/report/change-log.js'
import type { Route } from '../../../lib/core/routes/route.js'

const PEER = 0xc6120101
const ADDRESSES = [0xc6120101, 0xc6120201]
const path = (state: LinkState, observed: LinkState, hearsUs: boolean): PathView => ({
  address: ADDRESSES[0]!,
  state,
  observed,
  missed: 0,
  good: 3,
  hearsUs,
  peerOutOfService: false,
  lastHeard: 0,
  downSince: 0,
  upSince: 0,
  rttMs: 1,
  why: [],
  reportedDown: [],
  reportedAt: -Infinity,
})
const change = (from: LinkState, to: LinkState, p: PathView): LinkChange => ({
  kind: 'link',
  peer: PEER,
  lan: 0,
  from,
  to,
  path: p,
  addresses: ADDRESSES,
})

t.test('two changes of one peer in a turn: the route restored is said on the last', async (t) => {
  const detour = { table: 4207, dst: ADDRESSES[0]!, len: 32, via: ADDRESSES[1]!, dev: 'ethb', src: 0xc6120102 }
  const ctx = { table: 4207, thresholds: { failAfter: 3, upAfter: 3 }, label: () => 'A' }
  const c = linkChanges(
    [
      change(LinkState.Down, LinkState.Down, path(LinkState.Down, LinkState.Up, false)),
      change(LinkState.Down, LinkState.Up, path(LinkState.Up, LinkState.Up, true)),
    ],
    routeMap([detour as unknown as Route]),
    routeMap([]),
    ctx,
  )
  t.equal(c.info.length, 1, 'one line moves the route')
  t.match(c.info[0], /LAN A: down -> up .*: route 198\.18\.1\.1 restored to its own LAN$/)
  t.match(c.chatter?.[0], /LAN A: down -> down/, 'the other is said without it')
})
