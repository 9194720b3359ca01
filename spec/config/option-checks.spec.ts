// The rules that hold for the options as faild runs them (lib/config/option-checks.ts), through resolveConfig as at start.
import t from 'tap'
import { optionChecks } from '../../lib/config/option-checks.js'
import { resolveConfig } from '../../lib/config/resolve.js'

const LANS = [{ interface: 'etha' }, { interface: 'ethb' }]

/** The errors of a requestor's file of two LANs with the case's keys; [] if it resolves. */
function errors(over: object): string[] {
  const r = resolveConfig({ requestor: true, lans: LANS, ...over }, {})
  return r.ok ? [] : r.errors
}

t.test('each error names its key and why', async (t) => {
  t.match(errors({ table: 254 }), [/^\/table: 254 is a kernel table/])
  t.match(errors({ table: 0xfffffeff, routes: [{ prefix: '198.18.5.0/24', via: ['198.18.1.9'] }] }), [
    /^\/table: faild uses tables 4294967039 to 4294967040, past the last table 4294967039$/,
  ])
  const lengths = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24'].map((prefix) => ({ prefix, via: ['198.18.1.9'] }))
  t.match(errors({ table: 250, routes: lengths }), [/^\/table: 253 is a kernel table .* faild uses tables 250 to 253$/])
  t.same(errors({ table: 249, routes: lengths }), [], 'tables 249 to 252')
  t.match(errors({ nodeId: '0.0.0.0' }), [/^\/nodeId: 0\.0\.0\.0 is no node id \(peers drop its packets\)/])
  t.match(errors({ requestor: false, routes: [{ prefix: '198.18.5.0/24', via: ['198.18.1.9'] }] }), [
    /^\/routes: gateways that are not targets need requestor: true/,
  ])
})

t.test("the service addresses' tables are checked too: a flush of main would take the host's routes", async (t) => {
  const addresses = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ address: `198.18.1.${i + 100}/24`, interfaces: ['etha', 'etha2'] }))
  t.match(errors({ table: 214, addresses: addresses(1) }), [
    /^\/table: 254 is a kernel table \(default, main, local\); faild uses tables 214 to 214 and, for its 1 service addresses, 254 to 254$/,
  ])
  t.equal(errors({ table: 210, addresses: addresses(6) }).length, 3, 'tables 253, 254 and 255')
  t.same(errors({ table: 216, addresses: addresses(1) }), [], 'its address in table 256')
  t.same(errors({ table: 100, addresses: addresses(6) }), [], 'well clear of them')
})

t.test('a responder may have gateways that are probe targets, of either family', async (t) => {
  const routes = [
    { prefix: '198.18.5.0/24', via: ['198.18.1.9'] },
    { prefix: '::/0', via: ['fd00:1::9'] },
  ]
  const targets = [{ address: '198.18.1.9' }, { address: 'fd00:1:0:0::9' }]
  t.same(errors({ requestor: false, routes, targets }), [])
  const r = resolveConfig({ requestor: false, lans: LANS, routes, targets }, {})
  t.ok(r.ok && optionChecks(r.options).length === 0)
})
