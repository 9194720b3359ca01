// core/addresses/placement.ts: which LAN a service address belongs on, and why a LAN cannot carry it.
import t from 'tap'
import {
  lanTrouble,
  newHistory,
  placement,
  remember,
  type ServiceAddress,
} from '../../../lib/core/addresses/placement.js'
import type { EngineView } from '../../../lib/core/engine/view.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import type { TargetView } from '../../../lib/core/targets/targets.js'

const ROUTER = 0xc6120102
const spec = (over: Partial<ServiceAddress> = {}): ServiceAddress => ({
  address: 0xc6120164,
  len: 24,
  lans: [0, 1],
  watch: [ROUTER],
  failback: true,
  owned: false,
  ...over,
})
const view = (carrier = [true, true], offline = [false, false]): EngineView => ({
  nodeId: 1,
  requestor: false,
  intervalMs: 100,
  thresholds: { failAfter: 3, upAfter: 3 },
  lans: carrier.map((c, i) => ({ carrier: c, offline: offline[i]!, srttMs: undefined })),
  peers: [],
})
const target = (lan: number, state: LinkState): TargetView => ({
  address: ROUTER,
  lan,
  method: 'icmp',
  state,
  missed: 0,
  good: 0,
  lastAnswer: 0,
  rttMs: undefined,
  since: 0,
  downSince: -Infinity,
})

t.test('a LAN works while a watched target answers there, with carrier, online', async (t) => {
  const up = [target(0, LinkState.Up), target(1, LinkState.Down)]
  t.equal(lanTrouble(spec(), 0, view(), up), undefined)
  t.equal(lanTrouble(spec(), 1, view(), up), 'no watched target answers')
  t.equal(lanTrouble(spec(), 0, view([false, true]), up), 'no carrier')
  t.equal(lanTrouble(spec(), 0, view(undefined, [true, false]), up), 'taken offline')
  t.equal(lanTrouble(spec({ watch: [] }), 1, view(), []), undefined, 'nothing probed there: carrier is enough')
  t.equal(lanTrouble(spec({ watch: [] }), 1, view(), up), 'no target or peer answers')
})

t.test('placement: the first that works; without failback, where it is while that works; none: stays', async (t) => {
  const aFailed = [true, false]
  t.equal(placement(spec(), [true, true], 1, aFailed), 0, 'failback: back to the first')
  t.equal(placement(spec({ failback: false }), [true, true], 1, aFailed), 1, 'no failback: stays')
  t.equal(placement(spec({ failback: false }), [true, false], 1, aFailed), 0, 'no failback, its LAN fails: moves')
  t.equal(placement(spec(), [false, false], 0, []), 0, 'nothing works: stays where it is')
  t.equal(placement(spec(), [false, true], 0, []), 1)
  t.equal(
    placement(spec({ failback: false }), [true, true], 1, [false, false]),
    0,
    'no failback, but the first never failed (its target answered late at start): to the first',
  )
})

t.test(
  'remember: a LAN fails when it stops working or loses carrier, not while its targets have not answered',
  async (t) => {
    const h = newHistory()
    remember(h, spec(), ['no watched target answers', undefined], view())
    t.same([[...h.worked], [...h.failed]], [[1], []], 'LAN A not answered yet: not failed')
    remember(h, spec(), [undefined, 'no watched target answers'], view())
    t.same([[...h.worked], [...h.failed]], [[1, 0], [1]], 'LAN B worked, then stopped: failed')
    const fresh = newHistory()
    remember(fresh, spec(), ['no carrier', undefined], view([false, true]))
    t.same([...fresh.failed], [0], 'no carrier: failed, even before it worked')
  },
)
