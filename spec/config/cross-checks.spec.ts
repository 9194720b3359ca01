// The rules of faild.json that the schema cannot say (lib/config/cross-checks.ts), on files the schema let through.
import t from 'tap'
import type { ConfigFile } from '../../lib/config/config-file.js'
import { crossChecks } from '../../lib/config/cross-checks.js'
import { loadValidator } from '../../lib/config/validator.js'
import { isLoopback, parseListen, parsePrefix, serviceAddress } from '../../lib/config/values.js'

const validate = await loadValidator()

/** A requestor's file of two LANs as ajv leaves it (the schema's defaults filled in), with the case's keys. */
function file(over: Partial<ConfigFile> = {}): ConfigFile {
  const f = { requestor: true, lans: [{ interface: 'etha' }, { interface: 'ethb' }], ...over }
  if (!validate(f)) throw new Error(`the case is not a valid file: ${JSON.stringify(validate.errors)}`)
  return f as unknown as ConfigFile
}

t.test('a plain file passes', async (t) => {
  t.same(crossChecks(file()), [])
})

t.test('each error names its key and why', async (t) => {
  const cases: Array<[string, Partial<ConfigFile>, RegExp]> = [
    [
      'an interface named twice',
      { lans: [{ interface: 'a' }, { interface: 'a' }] as ConfigFile['lans'] },
      /^\/lans\/1\/interface: 'a' is named twice$/,
    ],
    [
      'a route with host bits',
      { routes: [{ prefix: '198.18.5.1/24', via: ['198.18.1.9'] }] },
      /^\/routes\/0\/prefix: host bits set/,
    ],
    [
      'a /32 route',
      { routes: [{ prefix: '198.18.5.1/32', via: ['198.18.1.9'] }] },
      /^\/routes\/0\/prefix: a \/32 is a host/,
    ],
    [
      'a label used twice',
      {
        lans: [
          { interface: 'a', label: 'X' },
          { interface: 'b', label: 'X' },
        ] as ConfigFile['lans'],
      },
      /^\/lans\/1\/label: 'X' is used twice$/,
    ],
    ['packet logs without debug', { logPackets: true }, /^\/logPackets: needs logLevel "debug"/],
    ['metrics off loopback', { metrics: '198.18.1.1:9420' }, /^\/metrics: 198\.18\.1\.1 is not a loopback address/],
    [
      'a watched address that is no target',
      {
        addresses: [{ address: '198.18.9.1/24', interfaces: ['etha', 'ethb'], watch: ['198.18.1.254'], owned: false }],
      },
      /^\/addresses\/0\/watch\/0: 198\.18\.1\.254 is not a target/,
    ],
    [
      'a service address with no subnet around it',
      { addresses: [{ address: '198.18.9.1/31', interfaces: ['etha', 'ethb'], owned: false }] },
      /^\/addresses\/0\/address: a \/31 leaves no subnet/,
    ],
  ]
  for (const [what, over, error] of cases)
    t.test(what, async (t) => {
      const errors = crossChecks(file(over))
      t.equal(errors.length, 1, 'one error')
      t.match(errors[0], error)
    })
})

t.test('metrics on a public address pass once asked for', async (t) => {
  t.same(crossChecks(file({ metrics: '198.18.1.1:9420', metricsPublic: true })), [])
})

t.test('the values the checks read', async (t) => {
  t.same(parsePrefix('198.18.5.0/24'), { prefix: 0xc6120500, len: 24 })
  t.same(parsePrefix('0.0.0.0/0'), { prefix: 0, len: 0 })
  t.same(parseListen('[::1]:9420'), { host: '::1', port: 9420 })
  t.same(parseListen('127.0.0.1:9420'), { host: '127.0.0.1', port: 9420 })
  t.ok(isLoopback('127.0.0.2'))
  t.notOk(isLoopback('198.18.1.1'))
  t.same(serviceAddress('198.18.9.1/24'), { address: 0xc6120901, len: 24 })
  t.same(serviceAddress('2001:db8:0::1/64'), { address: 0, ipv6: '2001:db8::1', len: 64 })
})
