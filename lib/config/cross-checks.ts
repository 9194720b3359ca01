// Rules of faild.json the schema cannot say: keys that must agree with each other, and values it only checks by shape.
//
// Each error names its key by its JSON path, as ajv's do (resolve.ts reports them all at once).
import { lanLabel } from '../core/lans.js'
import { MAX_GATEWAY_TABLES } from '../core/routes/ip-batch.js'
import { parseIPv4 } from '../core/util/ipv4.js'
import { isRoutable6, parseIPv6 } from '../core/util/ipv6.js'
import { MAX_LANS } from '../core/wire/constants.js'
import type { ConfigFile } from './config-file.js'
import { familyProblems, gatewayLengthCounts } from './families.js'
import { isLoopback, parseListen, parsePrefix } from './values.js'

/** What the schema's pattern lets through but a service address cannot be: bad IPv6 text, no subnet left around it. */
function serviceAddressProblems(text: string, key: string): string[] {
  const [a, l] = text.split('/') as [string, string]
  const len = Number(l)
  if (parseIPv4(a) !== undefined) return len > 30 ? [`${key}: a /${len} leaves no subnet to announce it on`] : []
  const v6 = parseIPv6(a)
  if (!v6 || !isRoutable6(v6)) return [`${key}: ${a} is not a global or ULA IPv6 address`]
  return len > 126 ? [`${key}: a /${len} leaves no subnet to announce it on`] : []
}

/** Rules the schema cannot say: keys that must agree with each other. */
export function crossChecks(c: ConfigFile): string[] {
  const errors: string[] = []
  const names = c.lans.map((l) => l.interface)
  names.forEach((n, i) => names.indexOf(n) !== i && errors.push(`/lans/${i}/interface: '${n}' is named twice`))
  const labels = c.lans.map((l, i) => l.label ?? lanLabel(i))
  labels.forEach((n, i) => labels.indexOf(n) !== i && errors.push(`/lans/${i}/label: '${n}' is used twice`))
  c.addresses.forEach((a, i) => {
    a.watch?.forEach((w, j) => {
      if (!c.targets.some((x) => x.address === w))
        errors.push(`/addresses/${i}/watch/${j}: ${w} is not a target (add it to targets)`)
    })
    errors.push(...serviceAddressProblems(a.address, `/addresses/${i}/address`))
  })
  errors.push(...familyProblems(c))
  c.routes.forEach((r, i) => {
    if (r.prefix.includes(':')) return // IPv6: familyProblems
    const { prefix, len } = parsePrefix(r.prefix)
    if (parseIPv4(r.prefix.split('/')[0]!) !== prefix) errors.push(`/routes/${i}/prefix: host bits set in ${r.prefix}`)
    if (len === 32) errors.push(`/routes/${i}/prefix: a /32 is a host: faild already moves host routes to its peers`)
  })
  const counts = gatewayLengthCounts(c.routes)
  if (counts.ipv6 > MAX_GATEWAY_TABLES)
    errors.push(`/routes: IPv6 prefixes of at most ${MAX_GATEWAY_TABLES} lengths (each takes a table and two rules)`)
  if (c.logPackets && c.logLevel !== 'debug') {
    errors.push(`/logPackets: needs logLevel "debug" (-v), not "${c.logLevel}"`)
  }
  if (c.lans.length > MAX_LANS) errors.push(`/lans: at most ${MAX_LANS}`)
  const m = c.metrics === undefined ? undefined : parseListen(c.metrics)
  if (m && !c.metricsPublic && !isLoopback(m.host))
    errors.push(
      `/metrics: ${m.host} is not a loopback address; anyone who reaches it sees the cluster's peers and faults: ` +
        'set metricsPublic: true (--metrics-public) to serve them there',
    )
  return errors
}
