// host/arp-prober.ts: the lines of `ip -o monitor neigh` it reads.
import t from 'tap'
import { parseNeighLine } from '../../lib/host/arp-prober.js'

t.test('neighbour lines: address, device, MAC when there is one, state', async (t) => {
  t.same(parseNeighLine('198.18.9.254 dev etha lladdr c6:a5:41:4f:0d:c0 REACHABLE'), {
    address: '198.18.9.254',
    dev: 'etha',
    mac: 'c6:a5:41:4f:0d:c0',
    state: 'REACHABLE',
  })
  t.same(parseNeighLine('198.18.9.254 dev etha lladdr c6:a5:41:4f:0d:c0 router PROBE '), {
    address: '198.18.9.254',
    dev: 'etha',
    mac: 'c6:a5:41:4f:0d:c0',
    state: 'PROBE',
  })
  t.same(parseNeighLine('198.18.9.254 dev etha FAILED'), { address: '198.18.9.254', dev: 'etha', state: 'FAILED' })
  t.same(
    parseNeighLine('fd00:1:a::fe dev etha lladdr c6:a5:41:4f:0d:c0 router REACHABLE'),
    { address: 'fd00:1:a::fe', dev: 'etha', mac: 'c6:a5:41:4f:0d:c0', state: 'REACHABLE' },
    'IPv6: a router flag between MAC and state',
  )
  t.same(parseNeighLine('Deleted fd00:1:a::fe dev etha FAILED'), {
    address: 'fd00:1:a::fe',
    dev: 'etha',
    state: 'FAILED',
  })
  t.equal(parseNeighLine('garbage'), undefined)
})
