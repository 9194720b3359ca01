// The largest INQ the engine builds fits a datagram: more peers down on a LAN than one INQ can name are named a window at a time (local-lans.ts downList).
import t from 'tap'
import { Engine } from '../../../lib/core/engine/engine.js'
import { toPacket } from '../../../lib/core/engine/pairing.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { parseIPv6 } from '../../../lib/core/util/ipv6.js'
import { MAX_PACKET_SIZE, MAX_SERVICES } from '../../../lib/core/wire/constants.js'
import { encodeV2 } from '../../../lib/core/wire/v2.js'
import { ackFrom } from '../../support/messages.js'

const KEY = { id: 1, secret: Buffer.from('inq size spec key, not a secret') }
const LANS = 16
const MINE = Array.from(
  { length: LANS },
  (_, lan) => ((198 << 24) | ((18 + (lan >> 8)) << 16) | ((lan & 255) << 8) | 1) >>> 0,
)
/** Each LAN dual-stack too: its IPv6 address rides in every packet (18 bytes a LAN). */
const ipv6 = (lan: number) => ({ address: parseIPv6(`fd00:${lan + 1}::1`)!, prefixLen: 64 })
const own = MINE.map((address, lan) => ({ address, prefixLen: 16, nameTag: 0, ipv6: ipv6(lan) }))
const PEERS = 400
/** Peer i's address on LAN `lan`: in that LAN's /16, from .16.0 on (clear of this host's own addresses). */
const addr = (lan: number, i: number) => ((MINE[lan]! & 0xffff0000) >>> 0) + 0x1000 + i

t.test(
  '400 peers down on LAN A, 16 dual-stack LANs, 16 service addresses, a key and a cluster: every INQ fits',
  async (t) => {
    const cfg = {
      nodeId: MINE[0]!,
      boot: 1,
      addresses: MINE,
      prefixLens: own.map(() => 16),
      requestor: true,
      intervalMs: 100,
      failAfter: 3,
      upAfter: 2,
      cluster: 0x10d4522a,
      authenticated: true,
      ipv6: own.map((o) => o.ipv6),
    }
    const e = new Engine(cfg)
    e.hold(Array.from({ length: MAX_SERVICES }, (_, i) => ({ address: addr(1, 1000 + i), len: 16, lan: 1 })))
    const peers = Array.from({ length: PEERS }, (_, i) => ({
      from: addr(0, i),
      addresses: MINE.map((_, l) => addr(l, i)),
      boot: 1,
    }))
    // Every peer heard on LANs A and B, then silent on A while it answers on B (a few rounds more than
    // -f: with this many down, some are not asked, so not judged, every round).
    let now = 0
    for (let round = 0; round < 8; round++, now += 100) {
      const seq = e.tick(now).find((x) => x.kind === 'send')!.msg.seq
      for (const p of peers)
        for (let lan = round < 2 ? 0 : 1; lan < 2; lan++)
          e.receive(now + 1, lan, p.addresses[lan]!, ackFrom(p, cfg.nodeId, { lan, seq, cluster: cfg.cluster }))
      e.expire(now + 60)
    }
    const down = e.view().peers.filter((p) => p.paths[0]!.state === LinkState.Down)
    t.equal(down.length, PEERS, 'every peer down on LAN A')
    const named = new Set<number>()
    for (let round = 0; round < 4; round++, now += 100) {
      for (const fx of e.tick(now)) {
        if (fx.kind !== 'send') continue
        const bytes = encodeV2(toPacket(fx.msg, own), KEY)
        t.ok(bytes.length <= MAX_PACKET_SIZE, `INQ on LAN ${fx.lan}: ${bytes.length} bytes`)
        if (fx.lan === 0) for (const id of fx.msg.down) named.add(id)
      }
    }
    t.equal(named.size, PEERS, 'in a few INQs every down peer is named')
  },
)
