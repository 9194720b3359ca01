// The iproute2 text of lib/core/routes/ip-batch.ts: batch lines out, ip's JSON and errors in.
import t from 'tap'
import type { ChangeSet } from '../../../lib/core/routes/diff.js'
import {
  parseBatchErrors,
  parseRoutes,
  parseRules,
  routeLines,
  ruleAddLines,
  ruleDelLine,
  showRoutesLine,
  type TableLayout,
} from '../../../lib/core/routes/ip-batch.js'
import type { Route } from '../../../lib/core/routes/route.js'
import { parseIPv4 } from '../../../lib/core/util/ipv4.js'
import { KERNEL_RULES } from '../../support/kernel-rules.js'

const ip = (s: string): number => parseIPv4(s)!
const LAYOUT: TableLayout = { table: 4207, proto: 250, rulePriority: 32000, port: 4207 }
const host = (n: number, via = `198.18.2.${n}`): Route => ({
  table: 4207,
  len: 32,
  dst: ip(`198.18.1.${n}`),
  via: ip(via),
  dev: 'ethb',
  src: ip('198.18.1.1'),
})
const gw: Route = { table: 4209, dst: 0, len: 0, via: ip('198.18.2.254'), dev: 'ethb', src: ip('198.18.2.1') }
const none: ChangeSet = { add: [], change: [], remove: [] }

const routeCases: Array<{ name: string; input: ChangeSet; expected: string[] }> = [
  { name: 'no change, no line', input: none, expected: [] },
  {
    name: 'an added host route is replaced in, tagged with the table and protocol',
    input: { ...none, add: [host(2)] },
    expected: ['route replace 198.18.1.2/32 via 198.18.2.2 dev ethb src 198.18.1.1 table 4207 proto 250'],
  },
  {
    name: 'withdrawals first, then adds, then changes',
    input: { add: [host(5)], change: [host(3, '198.18.2.33')], remove: [host(4)] },
    expected: [
      'route del 198.18.1.4/32 table 4207 proto 250',
      'route replace 198.18.1.5/32 via 198.18.2.5 dev ethb src 198.18.1.1 table 4207 proto 250',
      'route replace 198.18.1.3/32 via 198.18.2.33 dev ethb src 198.18.1.1 table 4207 proto 250',
    ],
  },
  {
    name: 'a default gateway route is 0.0.0.0/0 in its gateway table',
    input: { ...none, add: [gw] },
    expected: ['route replace 0.0.0.0/0 via 198.18.2.254 dev ethb src 198.18.2.1 table 4209 proto 250'],
  },
  {
    name: "an on-link route (a peer's service address moved to LAN B) has no gateway",
    input: { ...none, add: [{ ...host(100), via: 0 }] },
    expected: ['route replace 198.18.1.100/32 dev ethb src 198.18.1.1 table 4207 proto 250'],
  },
]
for (const c of routeCases) t.test(`route lines: ${c.name}`, async (t) => t.same(routeLines(c.input, 250), c.expected))

const ruleCases: Array<{ name: string; input: number[]; expected: string[] }> = [
  {
    name: 'host routes only: one rule, probes exempt',
    input: [],
    expected: ['rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250'],
  },
  {
    name: 'per gateway prefix length, longest first: main with shorter routes suppressed, then its table',
    input: [16, 0],
    expected: [
      'rule add pref 32000 not ipproto udp sport 4207 table 4207 protocol 250',
      'rule add pref 32001 table main suppress_prefixlength 16 protocol 250',
      'rule add pref 32002 not ipproto udp sport 4207 table 4208 protocol 250',
      'rule add pref 32003 table main suppress_prefixlength 0 protocol 250',
      'rule add pref 32004 not ipproto udp sport 4207 table 4209 protocol 250',
    ],
  },
]
for (const c of ruleCases)
  t.test(`rule lines: ${c.name}`, async (t) => t.same(ruleAddLines(LAYOUT, c.input), c.expected))

t.test('the reads and a rule removal', async (t) => {
  t.equal(showRoutesLine(250), 'route show table all proto 250')
  t.equal(ruleDelLine(32001, 250), 'rule del pref 32001 protocol 250')
})

const ROUTES = [
  { dst: '198.18.1.2', gateway: '198.18.2.2', dev: 'ethb', prefsrc: '198.18.1.1', table: '4207' },
  { dst: 'default', gateway: '198.18.2.254', dev: 'ethb', prefsrc: '198.18.2.1', table: '4209' },
]
const parseRouteCases: Array<{ name: string; input: string; expected: Route[] | undefined }> = [
  { name: 'empty output: no routes', input: '', expected: [] },
  { name: 'an empty list', input: '[]\n', expected: [] },
  { name: 'a host route and a default route', input: JSON.stringify(ROUTES), expected: [host(2), gw] },
  {
    name: "another table's route is not ours",
    input: JSON.stringify([
      { ...ROUTES[0], table: '99' },
      { ...ROUTES[0], table: `${4207 + 34}` },
    ]),
    expected: [],
  },
  {
    name: 'a throw route is not ours',
    input: JSON.stringify([{ type: 'throw', dst: '10.0.0.0/8', table: '4207' }]),
    expected: [],
  },
  {
    name: 'a route without a source address is not one faild made',
    input: JSON.stringify([{ ...ROUTES[0], prefsrc: undefined }]),
    expected: [],
  },
  {
    name: 'a prefix keeps its length',
    input: JSON.stringify([{ ...ROUTES[1], dst: '10.0.0.0/8' }]),
    expected: [{ ...gw, dst: ip('10.0.0.0'), len: 8 }],
  },
  {
    name: 'a route without a gateway is on-link (via 0)',
    input: JSON.stringify([{ ...ROUTES[0], gateway: undefined }]),
    expected: [{ ...host(2), via: 0 }],
  },
  { name: 'not JSON', input: 'Error: ipv4: FIB table does not exist.', expected: undefined },
  { name: 'JSON but not a list', input: '{"dst":"x"}', expected: undefined },
]
for (const c of parseRouteCases)
  t.test(`parse routes: ${c.name}`, async (t) => t.same(parseRoutes(c.input, LAYOUT), c.expected))

const RULES = KERNEL_RULES
const parseRuleCases: Array<{
  name: string
  input: string
  expected: Array<{ priority: number; table: string }> | undefined
}> = [
  { name: 'empty', input: '[]', expected: [] },
  {
    name: 'only ours: our protocol, in our priority range',
    input: JSON.stringify(RULES),
    expected: [
      { priority: 32000, table: '4207' },
      { priority: 32001, table: 'main' },
    ],
  },
  { name: 'not JSON', input: 'garbage', expected: undefined },
]
for (const c of parseRuleCases)
  t.test(`parse rules: ${c.name}`, async (t) => t.same(parseRules(c.input, LAYOUT), c.expected))

const errorCases: Array<{ name: string; input: string; expected: ReturnType<typeof parseBatchErrors> }> = [
  { name: 'no error', input: '', expected: { failures: [], rest: '' } },
  {
    name: "each failure with ip's message before it",
    input:
      'Error: Nexthop has invalid gateway.\nCommand failed -:2\nRTNETLINK answers: No such process\nCommand failed -:5\n',
    expected: {
      failures: [
        { lineNo: 2, message: 'Error: Nexthop has invalid gateway.' },
        { lineNo: 5, message: 'RTNETLINK answers: No such process' },
      ],
      rest: '',
    },
  },
  {
    name: 'a message with no failure line (ip could not start)',
    input: 'RTNETLINK answers: Operation not permitted\n',
    expected: { failures: [], rest: 'RTNETLINK answers: Operation not permitted' },
  },
]
for (const c of errorCases)
  t.test(`batch errors: ${c.name}`, async (t) => t.same(parseBatchErrors(c.input), c.expected))
