// The largest INQ the engine builds fits a datagram: more peers down on a LAN than one INQ can name are named a window at a time (local-lans.ts downList).
import t from 'tap'
import { Engine } from '../../../lib/core/engine/engine.js'
import { ID_ROOM_MAX, idRoom } from '../../../lib/core/engine/id-room.js'
import { type OwnLan, toPacket } from '../../../lib/core/engine/pairing.js'
import { HANDLE_PREFIX_LEN, ownHandle } from '../../../lib/core/link-handles.js'
import { LinkState } from '../../../lib/core/path/link-fsm.js'
import { parseIPv6 } from '../../../lib/core/util/ipv6.js'
import { MAX_PACKET_SIZE, MAX_SERVICES } from '../../../lib/core/wire/constants.js'
import { encodeV2 } from '../../../lib/core/wire/v2.js'
import { ackFrom } from '../../support/messages.js'

const KEY = { id: 1, secret: Buffer.from('inq size spec key, not a secret') }
const LANS = 16
const PEERS = 400
const MINE = Array.from(
  { length: LANS },
  (_, lan) => ((198 << 24) | ((18 + (lan >> 8)) << 16) | ((lan & 255) << 8) | 1) >>> 0,
)
const ipv6 = (lan: number) => ({ address: parseIPv6(`fd00:${lan + 1}::1`)!, prefixLen: 64 })

/** A host's 16 LANs as the engine sees them (address, prefix) and as its packets carry them (own). */
interface Shape {
  readonly name: string
  readonly addresses: number[]
  readonly prefixLen: number
  readonly own: OwnLan[]
  /** Peer i's address on LAN `lan`, clear of this host's own. */
  readonly peer: (lan: number, i: number) => number
}

const SHAPES: Shape[] = [
  {
    name: 'dual-stack (an IPv4 and an IPv6 address a LAN)',
    addresses: MINE,
    prefixLen: 16,
    own: MINE.map((address, lan) => ({ address, prefixLen: 16, nameTag: 0, ipv6: ipv6(lan) })),
    peer: (lan, i) => ((MINE[lan]! & 0xffff0000) >>> 0) + 0x1000 + i,
  },
  {
    name: 'IPv6-only (a global and a link-local address a LAN)',
    addresses: MINE.map((_, lan) => ownHandle(lan)),
    prefixLen: HANDLE_PREFIX_LEN,
    own: MINE.map((_, lan) => ({
      address: 0,
      prefixLen: 32,
      nameTag: 0,
      ipv6: ipv6(lan),
      linkLocal: parseIPv6(`fe80::${lan + 1}:1`)!,
    })),
    peer: (lan, i) => ((lan << 16) | (0x1000 + i)) >>> 0,
  },
]

for (const shape of SHAPES) {
  t.test(`400 peers down on LAN A, 16 ${shape.name} LANs, 16 service addresses, a key and a cluster`, async (t) => {
    const cfg = {
      nodeId: 0x0a000001,
      boot: 1,
      addresses: shape.addresses,
      prefixLens: shape.addresses.map(() => shape.prefixLen),
      requestor: true,
      intervalMs: 100,
      failAfter: 3,
      upAfter: 2,
      cluster: 0x10d4522a,
      authenticated: true,
      ipv6: shape.own.map((o) => o.ipv6),
    }
    const e = new Engine(cfg)
    const held = Array.from({ length: MAX_SERVICES }, (_, i) => ({ address: MINE[1]! + 0x2000 + i, len: 16, lan: 1 }))
    e.hold(held)
    const peers = Array.from({ length: PEERS }, (_, i) => ({
      from: 0x0b000000 + i,
      addresses: shape.addresses.map((_, l) => shape.peer(l, i)),
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
    const room = idRoom(cfg, held.length)
    t.ok(room > 0 && room < ID_ROOM_MAX, `16 such LANs leave room for ${room} ids`)
    const named = new Set<number>()
    let largest = 0
    for (let round = 0; round <= Math.ceil(PEERS / room); round++, now += 100) {
      for (const fx of e.tick(now)) {
        if (fx.kind !== 'send') continue
        const bytes = encodeV2(toPacket(fx.msg, shape.own), KEY)
        largest = Math.max(largest, bytes.length)
        if (fx.lan === 0) for (const id of fx.msg.down) named.add(id)
      }
    }
    t.ok(largest <= MAX_PACKET_SIZE, `the largest INQ: ${largest} bytes`)
    // 16 ids, and the 12 bytes kept for OVERLOAD (an INQ sent while behind) and DOWN-TOTAL.
    t.ok(largest > MAX_PACKET_SIZE - 12 - 4 * 16, `and the room is not wasted: within 16 ids of the limit (${largest})`)
    t.ok(
      e.tick(now).some((fx) => fx.kind === 'send' && fx.lan === 0 && fx.msg.downTotal === PEERS),
      'a cut list says how many are down in all',
    )
    // A second late: the INQs say how far behind (OVERLOAD), and still fit.
    const late = e.tick(now + 1100).flatMap((fx) => (fx.kind === 'send' ? [fx.msg] : []))
    t.ok(
      late.every((m) => m.overloadMs !== undefined && encodeV2(toPacket(m, shape.own), KEY).length <= MAX_PACKET_SIZE),
    )
    t.equal(named.size, PEERS, 'in a few INQs every down peer is named')
  })
}

t.test('two or three LANs leave more room than an INQ ever names', async (t) => {
  const two = { addresses: MINE.slice(0, 2), ipv6: [ipv6(0), ipv6(1)] }
  t.equal(idRoom(two, MAX_SERVICES), ID_ROOM_MAX)
  t.equal(idRoom({ addresses: [ownHandle(0), ownHandle(1), ownHandle(2)], ipv6: [0, 1, 2].map(ipv6) }, 0), ID_ROOM_MAX)
})
