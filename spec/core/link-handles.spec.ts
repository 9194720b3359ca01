// Handles for hosts on IPv6-only LANs: stable per (LAN, link-local), bounded, never an IPv4 address, and a forged source is refused.
import t from 'tap'
import {
  HANDLE_PREFIX_LEN,
  isHandle,
  LinkHandles,
  MAX_HANDLES,
  ownHandle,
  withHandles,
} from '../../lib/core/link-handles.js'
import { parseIPv4, sameSubnet } from '../../lib/core/util/ipv4.js'
import { parseIPv6 } from '../../lib/core/util/ipv6.js'
import type { Message } from '../../lib/core/wire/message.js'

const ll = (n: number) => parseIPv6(`fe80::${n.toString(16)}`)!

t.test('a handle is stable per LAN and link-local address, in the LAN /16 of 0.0.0.0/8', async (t) => {
  const h = new LinkHandles(() => false)
  const a = h.handle(1, ll(7))!
  t.equal(h.handle(1, parseIPv6('fe80:0::7')!), a, 'the same address, however written, keeps its handle')
  t.not(h.handle(2, ll(7)), a, 'the same address on another LAN is another host')
  t.ok(isHandle(a) && sameSubnet(a, ownHandle(1), HANDLE_PREFIX_LEN), 'in LAN 1 /16')
  t.not(a, ownHandle(1), "never this host's own")
  t.same(h.address(a), ll(7), 'and back')
  t.notOk(isHandle(parseIPv4('198.18.1.1')!), 'an IPv4 address is no handle')
  t.notOk(isHandle(0), 'nor is 0 (no address)')
})

t.test('a full LAN frees the handles no peer holds, and refuses when every one is held', async (t) => {
  const held = new Set<number>()
  const h = new LinkHandles((_, x) => held.has(x))
  const first = h.handle(0, ll(1))!
  held.add(first)
  for (let i = 2; i <= MAX_HANDLES; i++) h.handle(0, ll(i))
  const next = h.handle(0, ll(MAX_HANDLES + 1))
  t.ok(next !== undefined, 'a newcomer gets a handle: the unheld ones were freed')
  t.equal(h.handle(0, ll(1)), first, 'the held one kept its handle')
  t.same(h.address(h.handle(0, ll(2))!), ll(2), 'a freed address gets a handle again when heard again')
  const all = new LinkHandles(() => true)
  for (let i = 1; i <= MAX_HANDLES; i++) all.handle(0, ll(i))
  t.equal(all.handle(0, ll(MAX_HANDLES + 1)), undefined, 'every handle held: refused')
})

const msg = (linkLocals: Array<Uint8Array | undefined>, addresses: number[]): Message =>
  ({
    kind: 'inq',
    from: 7,
    boot: 1,
    seq: 1,
    lan: 1,
    intervalMs: 100,
    addresses,
    outOfService: 0,
    down: [],
    cluster: 0,
    linkLocals,
  }) as unknown as Message

t.test('withHandles: the sender is its link-local address on the LAN it came from, given as a handle', async (t) => {
  const h = new LinkHandles(() => false)
  const v4 = parseIPv4('198.18.1.7')!
  const r = withHandles(msg([undefined, ll(7)], [v4, 0]), 1, ll(7), h)
  if (typeof r === 'string') return t.fail(r)
  t.equal(r.src, h.handle(1, ll(7)), 'the source is the handle of the link-local source')
  t.same(r.msg.addresses, [v4, r.src], 'the IPv4 LAN keeps its address, the IPv6-only LAN gets the handle')
  t.equal(
    withHandles(msg([undefined, ll(7)], [v4, 0]), 1, ll(8), h),
    'spoofed-source',
    'from another link-local: refused',
  )
  t.equal(withHandles(msg([undefined, undefined], [v4, 0]), 1, ll(7), h), 'spoofed-source', 'saying none: refused')
  const full = new LinkHandles(() => true)
  for (let i = 100; i < 100 + MAX_HANDLES; i++) full.handle(1, ll(i))
  t.equal(withHandles(msg([undefined, ll(7)], [v4, 0]), 1, ll(7), full), 'link-handles-full')
})
