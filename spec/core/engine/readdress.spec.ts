// Engine.readdress: this host's address on a LAN changes while it runs (an interface plugged in late, or readdressed).
import t from 'tap'
import { type Effect, Engine } from '../../../lib/core/engine/engine.js'
import { parseIPv4 } from '../../../lib/core/util/ipv4.js'
import { ackFrom, inqFrom, type Sender } from '../../support/messages.js'
import { TWO_LANS as base, ME, PEER, PEER_ADDR } from '../../support/two-lans.js'

const ip = (s: string) => parseIPv4(s)!
const PEER_SENDER: Sender = { from: PEER, addresses: PEER_ADDR }
const sends = (fx: Effect[]) => fx.flatMap((e) => (e.kind === 'send' ? [e] : []))
const links = (fx: Effect[]) => fx.filter((e) => e.kind === 'link').map((e) => `${e.lan}:${e.from}->${e.to}`)
const pathsOf = (e: Engine) =>
  e
    .view()
    .peers.find((p) => p.id === PEER)
    ?.paths.map((p) => [p.address, p.state])

/** A requestor that has heard the peer on both LANs for `rounds` intervals from `start`. */
function converse(e: Engine, start: number, rounds: number, sender = PEER_SENDER, lans = [0, 1]): void {
  for (let i = 0; i < rounds; i++) {
    const now = start + i * 100
    const seq = sends(e.tick(now))[0]!.msg.seq
    for (const lan of lans) e.receive(now + 1, lan, sender.addresses[lan]!, ackFrom(sender, ME, { lan, seq }))
    e.expire(now + 99)
  }
}

t.test('a new address in the same subnet: sent from at once, peers kept', async (t) => {
  const e = new Engine(base)
  converse(e, 0, 3)
  t.same(e.readdress(300, 1, ip('198.18.2.9'), 24), [], 'nothing changes for the peers')
  const inqs = sends(e.tick(400))
  t.same(
    inqs.map((s) => s.msg.addresses[1]),
    [ip('198.18.2.9'), ip('198.18.2.9')],
    'INQs carry the new address',
  )
  t.same(pathsOf(e), [
    [PEER_ADDR[0], 'up'],
    [PEER_ADDR[1], 'up'],
  ])
})

t.test('a new subnet: the paths there go down at once, and the peer is met again from its next packet', async (t) => {
  const e = new Engine(base)
  converse(e, 0, 3)
  const fx = e.readdress(300, 1, ip('198.18.6.1'), 24)
  t.same(links(fx), ['1:up->down'], "the peer's path on LAN B is down: its old address is no longer on the LAN")
  t.same(pathsOf(e), [
    [PEER_ADDR[0], 'up'],
    [0, 'down'],
  ])
  const moved: Sender = { from: PEER, addresses: [PEER_ADDR[0]!, ip('198.18.6.2')] }
  converse(e, 400, 3, moved)
  t.same(pathsOf(e), [
    [PEER_ADDR[0], 'up'],
    [ip('198.18.6.2'), 'up'],
  ])
})

t.test('a LAN without an address yet sends nothing, and is taken in when it has one', async (t) => {
  const e = new Engine({ ...base, addresses: [base.addresses[0]!, 0], prefixLens: [24, 32] })
  t.same(
    sends(e.tick(0)).map((s) => s.lan),
    [0],
    'INQs only on LAN A',
  )
  t.same(
    e.carrier(1, 1, false).map((x) => x.kind === 'send' && x.lan),
    [0],
    'a notice only where it has an address',
  )
  const peer = (lan: number) => inqFrom(PEER_SENDER, { lan, seq: 5 })
  t.same(
    e.receive(2, 1, PEER_ADDR[1]!, peer(1)).flatMap((x) => (x.kind === 'drop' ? [x.reason] : [])),
    ['implausible-address'],
    'a packet on it is nobody of ours',
  )
  e.readdress(100, 1, base.addresses[1]!, 24)
  e.carrier(100, 1, true)
  converse(e, 200, 4)
  t.same(pathsOf(e), [
    [PEER_ADDR[0], 'up'],
    [PEER_ADDR[1], 'up'],
  ])
})
