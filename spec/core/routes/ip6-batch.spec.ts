// The IPv6 iproute2 text of lib/core/routes/ip6-batch.ts: batch lines out (the socket refresh after every change), ip's JSON in.
import t from 'tap'
import type { ChangeSet } from '../../../lib/core/routes/diff.js'
import type { TableLayout } from '../../../lib/core/routes/ip-batch.js'
import {
  parseRoutes6,
  parseRules6,
  refreshLines,
  route6ChangeLines,
  route6Lines,
  rule6AddLines,
} from '../../../lib/core/routes/ip6-batch.js'
import type { Route6 } from '../../../lib/core/routes/route6.js'
import { parseIPv6 } from '../../../lib/core/util/ipv6.js'

const ip = (s: string) => parseIPv6(s)!
const LAYOUT: TableLayout = { table: 4207, proto: 250, rulePriority: 32000, port: 4207 }
/** null: on-link. */
const host = (n: number, via: string | null = `fd00:1:b::${n}`): Route6 => ({
  table: 4207,
  len: 128,
  dst: ip(`fd00:1:a::${n}`),
  ...(via ? { via: ip(via) } : {}),
  dev: 'ethb',
  src: ip('fd00:1:a::1'),
})
const none: ChangeSet<Route6> = { add: [], change: [], remove: [] }
const REFRESH = ['rule add pref 32067 not from all table main protocol 250', 'rule del pref 32067 protocol 250']

const cases: Array<{ name: string; input: ChangeSet<Route6>; expected: string[] }> = [
  { name: 'no change: no line, no refresh', input: none, expected: [] },
  {
    name: "a swap: the peer's LAN A address via its LAN B address, source ours on A, then the refresh",
    input: { ...none, add: [host(2)] },
    expected: [
      'route replace fd00:1:a::2/128 via fd00:1:b::2 dev ethb src fd00:1:a::1 table 4207 proto 250',
      ...REFRESH,
    ],
  },
  {
    name: 'via a link-local next hop',
    input: { ...none, add: [host(2, 'fe80::b2')] },
    expected: ['route replace fd00:1:a::2/128 via fe80::b2 dev ethb src fd00:1:a::1 table 4207 proto 250', ...REFRESH],
  },
  {
    name: 'on-link: no gateway',
    input: { ...none, add: [host(100, null)] },
    expected: ['route replace fd00:1:a::100/128 dev ethb src fd00:1:a::1 table 4207 proto 250', ...REFRESH],
  },
  {
    name: 'withdrawals first, then adds and changes, one refresh for the whole batch',
    input: { add: [host(5)], change: [host(3, 'fd00:1:c::3')], remove: [host(4)] },
    expected: [
      'route del fd00:1:a::4/128 table 4207 proto 250',
      'route replace fd00:1:a::5/128 via fd00:1:b::5 dev ethb src fd00:1:a::1 table 4207 proto 250',
      'route replace fd00:1:a::3/128 via fd00:1:c::3 dev ethb src fd00:1:a::1 table 4207 proto 250',
      ...REFRESH,
    ],
  },
  {
    name: 'a withdrawal alone is refreshed too',
    input: { ...none, remove: [host(2)] },
    expected: ['route del fd00:1:a::2/128 table 4207 proto 250', ...REFRESH],
  },
  {
    name: 'a default route is ::/0',
    input: { ...none, add: [{ ...host(2), dst: ip('::'), len: 0, table: 4208 }] },
    expected: ['route replace ::/0 via fd00:1:b::2 dev ethb src fd00:1:a::1 table 4208 proto 250', ...REFRESH],
  },
]
for (const c of cases) t.test(`route lines: ${c.name}`, async (t) => t.same(route6Lines(c.input, LAYOUT), c.expected))

t.test('route6ChangeLines are the route lines without the refresh', async (t) => {
  t.same(route6ChangeLines({ ...none, add: [host(2)] }, 250), [
    'route replace fd00:1:a::2/128 via fd00:1:b::2 dev ethb src fd00:1:a::1 table 4207 proto 250',
  ])
})

t.test(
  "the rules are IPv4's, exempting faild's UDP port; the refresh adds a rule that matches nothing, after it",
  async (t) => {
    t.same(rule6AddLines(LAYOUT), ['rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250'])
    t.same(
      rule6AddLines(LAYOUT, [48, 0]),
      [
        'rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250',
        'rule add pref 32001 table main suppress_prefixlength 48 protocol 250',
        'rule add pref 32002 not ipproto udp sport 4207 table 4208 protocol 250',
        'rule add pref 32003 table main suppress_prefixlength 0 protocol 250',
        'rule add pref 32004 not ipproto udp sport 4207 table 4209 protocol 250',
      ],
      "with IPv6 gateway routes: IPv4's rules, per IPv6 prefix length (longest first), before the refresh rule",
    )
    t.same(refreshLines({ rulePriority: 100, proto: 7 }), [
      'rule add pref 167 not from all table main protocol 7',
      'rule del pref 167 protocol 7',
    ])
  },
)

t.test(
  'parseRoutes6: faild tables only, unicast only, /128 when ip prints no length, one whose source the kernel cleared',
  async (t) => {
    // As `ip -6 -json route show table all proto 250` printed it in the lab (iproute2 6.1).
    const json = JSON.stringify([
      {
        dst: 'fd00:1:a::2',
        gateway: 'fd00:1:b::2',
        dev: 'ethb',
        table: '4207',
        prefsrc: 'fd00:1:a::1',
        metric: 1024,
        flags: [],
        pref: 'medium',
      },
      { dst: 'fd00:1:a::100', dev: 'ethb', table: '4207', prefsrc: 'fd00:1:a::1', metric: 1024 },
      { dst: 'default', gateway: 'fe80::fe', dev: 'ethb', table: '4208', prefsrc: 'fd00:1:b::1' },
      { dst: 'fd00:1:a::9', gateway: 'fd00:1:b::9', dev: 'ethb', table: '99', prefsrc: 'fd00:1:a::1' },
      { type: 'unreachable', dst: 'fd00:1:a::8', dev: 'lo', table: '4207' },
      { dst: 'fd00:1:a::7', gateway: 'not-an-address', dev: 'ethb', table: '4207', prefsrc: 'fd00:1:a::1' },
      { dst: 'fd00:1:a::6', dev: 'ethb', table: '4207' },
    ])
    t.same(parseRoutes6(json, LAYOUT), [
      host(2),
      host(100, null),
      { table: 4208, dst: ip('::'), len: 0, via: ip('fe80::fe'), dev: 'ethb', src: ip('fd00:1:b::1') },
      { table: 4207, dst: ip('fd00:1:a::6'), len: 128, dev: 'ethb', src: ip('::') },
    ])
    t.same(parseRoutes6('', LAYOUT), [], 'no output: no routes')
    t.equal(parseRoutes6('{"not":"a list"}', LAYOUT), undefined)
    t.equal(parseRoutes6('garbage', LAYOUT), undefined)
  },
)

t.test("parseRules6: our protocol, from faild's priority to the refresh rule's (one left by a crash)", async (t) => {
  const json = JSON.stringify([
    { priority: 0, src: 'all', table: 'local' },
    { priority: 32000, not: null, src: 'all', ipproto: 'udp', sport: 4207, table: '4207', protocol: '250' },
    { priority: 32067, not: null, src: 'all', table: 'main', protocol: '250' },
    { priority: 32068, table: 'main', protocol: '250' },
    { priority: 32010, table: '4207', protocol: 'static' },
    { priority: 32766, src: 'all', table: 'main' },
  ])
  t.same(parseRules6(json, LAYOUT), [
    { priority: 32000, table: '4207' },
    { priority: 32067, table: 'main' },
  ])
  t.equal(parseRules6('nope', LAYOUT), undefined)
})
