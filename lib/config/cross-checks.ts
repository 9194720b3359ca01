// Rules of faild.json the schema cannot say: keys that must agree with each other, and values it only checks by shape.
//
// Each error names its key by its JSON path, as ajv's do (resolve.ts reports them all at once).
import { lanLabel } from '../core/lans.js'
import { MAX_GATEWAY_TABLES } from '../core/routes/ip-batch.js'
import { parseIPv4 } from '../core/util/ipv4.js'
import { formatIPv6, isRoutable6, parseIPv6 } from '../core/util/ipv6.js'
import { MAX_LANS } from '../core/wire/constants.js'
import type { ConfigFile } from './config-file.js'
import { addressKey, familyProblems, gatewayLengthCounts } from './families.js'
import type { Listen } from './types.js'

/** An IPv4 prefix's text (checked by the schema) as its number, host bits cleared, and length. */
export function parsePrefix(text: string): { prefix: number; len: number } {
  const [a, l] = text.split('/')
  const len = Number(l)
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0
  return { prefix: (parseIPv4(a!)! & mask) >>> 0, len }
}

/** What the schema's pattern lets through but a service address cannot be: bad IPv6 text, no subnet left around it. */
function serviceAddressProblems(text: string, key: string): string[] {
  const [a, l] = text.split('/') as [string, string]
  const len = Number(l)
  if (parseIPv4(a) !== undefined) return len > 30 ? [`${key}: a /${len} leaves no subnet to announce it on`] : []
  const v6 = parseIPv6(a)
  if (!v6 || !isRoutable6(v6)) return [`${key}: ${a} is not a global or ULA IPv6 address`]
  return len > 126 ? [`${key}: a /${len} leaves no subnet to announce it on`] : []
}

/** A service address of the config: IPv4 as a number, IPv6 as RFC 5952 text (address 0). */
export function serviceAddress(text: string): { address: number; ipv6?: string; len: number } {
  const [a, l] = text.split('/') as [string, string]
  const v6 = parseIPv6(a)
  return v6 ? { address: 0, ipv6: formatIPv6(v6), len: Number(l) } : { address: parseIPv4(a)!, len: Number(l) }
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
  const targets = new Set(c.targets.map((x) => addressKey(x.address)))
  if (!c.requestor && c.routes.some((r) => r.via.some((v) => !targets.has(addressKey(v)))))
    errors.push('/routes: gateways that are not targets need requestor: true (-r), to probe them')
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
  // IPv6 tables are apart from IPv4's in the kernel, numbered alike: the family with more lengths uses the most.
  const lengths = Math.max(counts.ipv4, counts.ipv6)
  for (let t = c.table; t <= c.table + lengths; t++) {
    if (t >= 253 && t <= 255)
      errors.push(
        `/table: ${t} is a kernel table (default, main, local); faild uses tables ${c.table} to ${c.table + lengths}`,
      )
  }
  if (c.table + lengths > 0xfffffeff) errors.push(`/table: faild needs tables ${c.table} to ${c.table + lengths}`)
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

/** "198.18.0.1:9420" or "[::1]:9420", as the schema's pattern lets through. */
export function parseListen(text: string): Listen {
  const at = text.lastIndexOf(':')
  return { host: text.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(text.slice(at + 1)) }
}

/** 127.0.0.0/8 or ::1: reachable from this host only. */
export const isLoopback = (host: string): boolean => host === '::1' || host.startsWith('127.')
