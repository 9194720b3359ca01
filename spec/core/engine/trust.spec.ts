// trust.ts: which addresses a packet may teach, who may speak for a known peer, who keeps an address.
import t from 'tap'
import {
  adopts,
  advertisesImplausible,
  claimsKept,
  type Known,
  keepsAddresses,
  notThePeer,
  plausible,
  silentMs,
  type TrustConfig,
} from '../../../lib/core/engine/trust.js'
import { parseIPv4 } from '../../../lib/core/util/ipv4.js'
import { inqFrom } from '../../support/messages.js'

const ip = (s: string) => parseIPv4(s)!
const C: TrustConfig = {
  addresses: [ip('198.18.1.1'), ip('198.18.2.1')],
  prefixLens: [24, 24],
  failAfter: 3,
  intervalMs: 100,
}
const PEER = ip('198.18.1.2')
const PEER_ADDR = [PEER, ip('198.18.2.2')]

/** A peer heard on both LANs at `heard` (ms), confirmed unless told otherwise. */
const known = (heard = 0, over: Partial<Known> = {}): Known => ({
  id: PEER,
  intervalMs: 100,
  lastHeard: heard,
  confirmed: true,
  lans: PEER_ADDR.map((address) => ({ address, lastHeard: heard })),
  ...over,
})

t.test('plausible: 0, or a host of this host subnet on that LAN that is not this host', async (t) => {
  t.ok(plausible(0, 0, C), '0: no address on that LAN')
  t.ok(plausible(ip('198.18.1.77'), 0, C), 'a host of LAN A')
  const refused: Array<[string, number]> = [
    ['198.18.2.77', 0], // LAN B's subnet, advertised for LAN A
    ['8.8.8.8', 0],
    ['127.0.0.1', 0],
    ['198.18.1.1', 0], // this host, on that LAN
    ['198.18.1.255', 0],
    ['198.18.1.0', 0],
    ['224.0.0.1', 0],
    ['255.255.255.255', 1],
  ]
  for (const [a, lan] of refused) t.notOk(plausible(ip(a), lan, C), `${a} for LAN ${lan}`)
})

t.test('advertisesImplausible: only addresses other than the table holds are checked', async (t) => {
  const msg = (addresses: number[]) => inqFrom({ from: PEER, addresses })
  t.ok(advertisesImplausible(msg([PEER, ip('198.18.1.1')]), undefined, C), "a new peer naming this host's address")
  t.notOk(advertisesImplausible(msg(PEER_ADDR), undefined, C), 'a new peer on both subnets')
  t.notOk(advertisesImplausible(msg([PEER]), undefined, C), 'fewer LANs than this host: none on the rest')
  const odd = known(0, {
    lans: [
      { address: ip('8.8.8.8'), lastHeard: 0 },
      { address: 0, lastHeard: 0 },
    ],
  })
  t.notOk(advertisesImplausible(msg([ip('8.8.8.8'), 0]), odd, C), 'what the table holds is not checked again')
})

t.test('notThePeer: a known id from another address, while the peer is heard from its own', async (t) => {
  const other = ip('198.18.1.99')
  t.notOk(notThePeer(undefined, 0, other, 100, C), 'an unknown id is nobody yet')
  t.notOk(notThePeer(known(), 0, PEER, 100, C), 'its own address')
  t.ok(notThePeer(known(), 0, other, 100, C), 'another host on LAN A naming the peer')
  const aSilent = known(300, {
    lans: [
      { address: PEER, lastHeard: 0 },
      { address: PEER_ADDR[1]!, lastHeard: 300 },
    ],
  })
  t.ok(notThePeer(aSilent, 0, other, 400, C), 'silent on LAN A but heard on LAN B: its LAN B packets say where it is')
  t.notOk(notThePeer(known(0), 0, other, 301, C), 'silent everywhere for failAfter intervals: a re-addressed host')
  const noAddress = known(0, {
    lans: [
      { address: 0, lastHeard: -Infinity },
      { address: PEER_ADDR[1]!, lastHeard: 0 },
    ],
  })
  t.ok(notThePeer(noAddress, 0, other, 100, C), 'a peer that has no address on the LAN sends nothing there')
})

t.test('adopts: where the peer had none, or has been silent for failAfter intervals', async (t) => {
  const p = known(0)
  t.notOk(adopts(p, 1, PEER_ADDR[1]!, 500, C), 'the same address is no change')
  t.notOk(adopts(p, 1, ip('198.18.2.9'), 300, C), 'heard 300 ms ago: still live')
  t.ok(adopts(p, 1, ip('198.18.2.9'), 301, C), 'silent for longer: re-addressed')
  t.equal(silentMs(known(0, { intervalMs: 1000 }), C), 3000, 'the longer of the two intervals')
  const none = known(0, {
    lans: [
      { address: PEER, lastHeard: 0 },
      { address: 0, lastHeard: -Infinity },
    ],
  })
  t.ok(adopts(none, 1, ip('198.18.2.9'), 1, C), 'none before: taken at once')
})

t.test('keepsAddresses and claimsKept: a confirmed peer still heard keeps its addresses', async (t) => {
  t.ok(keepsAddresses(known(0), 300, C), 'heard 300 ms ago')
  t.notOk(keepsAddresses(known(0), 301, C), 'silent everywhere: the same host under a new id may have them')
  t.notOk(keepsAddresses(known(0, { confirmed: false }), 0, C), 'an unconfirmed one yields (a flood cannot squat)')
  const holder = known(0)
  const holderOf = (lan: number, a: number) => (holder.lans[lan]!.address === a ? holder : undefined)
  const claim = inqFrom({ from: 0x77, addresses: [ip('198.18.1.50'), PEER_ADDR[1]!] })
  t.ok(claimsKept(claim, undefined, 100, C, holderOf), "a new id with the peer's LAN B address")
  t.notOk(claimsKept(claim, undefined, 301, C, holderOf), 'once the holder is silent everywhere')
  const own = inqFrom({ from: PEER, addresses: PEER_ADDR })
  t.notOk(claimsKept(own, holder, 100, C, holderOf), 'the holder itself')
})
