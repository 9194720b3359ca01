// faild.json: read it, validate it against the schema with ajv, and merge the command line over it.
//
// Every error names the key by its JSON path and says why; all of them are reported at once, and
// nothing is started while there is one.
import type { ErrorObject } from 'ajv'
import { lanLabel } from '../core/lans.js'
import { MAX_GATEWAY_TABLES } from '../core/routes/ip-batch.js'
import { parseIPv4 } from '../core/util/ipv4.js'
import { formatIPv6, isRoutable6, parseIPv6 } from '../core/util/ipv6.js'
import { MAX_LANS } from '../core/wire/constants.js'
import { addressKey, familyProblems, gatewayLengthCounts, parsePrefix6 } from './families.js'
import { PATTERN_TEXT } from './schema.js'
import type { AnyGatewayRoute, LanSpec, Listen, LogFormat, LogLevel, Options } from './types.js'
import { loadValidator } from './validator.js'

/** The file as the schema describes it, after ajv filled in the defaults. */
interface ConfigFile {
  requestor: boolean
  interval: number
  failAfter: number
  upAfter: number
  port: number
  logFile?: string
  logLevel: LogLevel
  logPackets: boolean
  logFormat: LogFormat
  lans: LanSpec[]
  nodeId?: string | number
  staticPeers: string[]
  ignorePeers: string[]
  targets: Array<{ address: string; lan?: string; method: 'icmp' | 'arp' }>
  addresses: Array<{
    address: string
    interfaces: string[]
    watch?: string[]
    failback?: boolean
    owned: boolean
  }>
  routes: Array<{ prefix: string; via: string[]; failback?: boolean }>
  failback: boolean
  notify?: string
  notifyTimeout: number
  controlSocket: string
  metrics?: string
  metricsPublic: boolean
  pidFile: string
  stateDir: string
  dynamicInterfaces: boolean
  dryRun: boolean
  table: number
  rulePriority: number
  keyFile?: string
  cluster?: string
  flapDamping: { enabled: boolean; flaps: number; halfLife?: number; maxHold: number }
  rateLimit?: number
  maxPeers: number
  wireVersion: number
}

export type ConfigResult = { ok: true; options: Options } | { ok: false; errors: string[] }

const validate = await loadValidator()

/** "/lans/0/iface: unknown key" style lines, one per ajv error, most useful first. */
function describe(errors: readonly ErrorObject[]): string[] {
  const lines = errors
    // oneOf's summary error repeats what its branches said.
    .filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if')
    .map((e) => {
      const at = e.instancePath || '/'
      if (e.keyword === 'additionalProperties')
        return `${at === '/' ? '' : at}/${String(e.params.additionalProperty)}: unknown key`
      if (e.keyword === 'enum')
        return `${at}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
      if (e.keyword === 'pattern') {
        const pattern = String(e.params.pattern)
        return `${at}: ${PATTERN_TEXT[pattern] ?? `must match ${pattern}`}`
      }
      return `${at}: ${e.message ?? e.keyword}`
    })
  return [...new Set(lines)]
}

const toNumber = (v: string | number): number => (typeof v === 'number' ? v : parseIPv4(v)!)

function parsePrefix(text: string): { prefix: number; len: number } {
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
function serviceAddress(text: string): { address: number; ipv6?: string; len: number } {
  const [a, l] = text.split('/') as [string, string]
  const v6 = parseIPv6(a)
  return v6 ? { address: 0, ipv6: formatIPv6(v6), len: Number(l) } : { address: parseIPv4(a)!, len: Number(l) }
}

/** Rules the schema cannot say: keys that must agree with each other. */
function crossChecks(c: ConfigFile): string[] {
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

function toOptions(c: ConfigFile, configFile: string | undefined): Options {
  return {
    configFile,
    requestor: c.requestor,
    interval: c.interval,
    failAfter: c.failAfter,
    upAfter: c.upAfter,
    port: c.port,
    logFile: c.logFile,
    logLevel: c.logLevel,
    logPackets: c.logPackets,
    logFormat: c.logFormat,
    lans: c.lans,
    nodeId: c.nodeId === undefined ? undefined : toNumber(c.nodeId),
    staticPeers: c.staticPeers.map(toNumber),
    ignorePeers: c.ignorePeers.map(toNumber),
    targets: c.targets.map((x) => {
      const ipv6 = parseIPv6(x.address)
      return { address: ipv6 ? 0 : toNumber(x.address), ...(ipv6 ? { ipv6 } : {}), lan: x.lan, method: x.method }
    }),
    addresses: c.addresses.map((a) => ({
      ...serviceAddress(a.address),
      interfaces: a.interfaces,
      watch: (a.watch ?? []).map(toNumber),
      failback: a.failback,
      owned: a.owned,
    })),
    routes: c.routes.map((r): AnyGatewayRoute => {
      const six = parsePrefix6(r.prefix) // checked: familyProblems
      if (six) return { ...six, via: r.via.map((v) => parseIPv6(v)!), failback: r.failback }
      return { ...parsePrefix(r.prefix), via: r.via.map(toNumber), failback: r.failback }
    }),
    failback: c.failback,
    notify: c.notify,
    notifyTimeout: c.notifyTimeout,
    controlSocket: c.controlSocket,
    metrics: c.metrics === undefined ? undefined : parseListen(c.metrics),
    metricsPublic: c.metricsPublic,
    pidFile: c.pidFile,
    stateDir: c.stateDir,
    dynamicInterfaces: c.dynamicInterfaces,
    dryRun: c.dryRun,
    table: c.table,
    rulePriority: c.rulePriority,
    keyFile: c.keyFile,
    cluster: c.cluster,
    flapDamping: { ...c.flapDamping, halfLife: c.flapDamping.halfLife },
    rateLimit: c.rateLimit,
    maxPeers: c.maxPeers,
    wireVersion: c.wireVersion === 1 ? 1 : 2,
  }
}

/**
 * Validate the file's contents, then the command-line values over them. `file` is the parsed
 * JSON (undefined: no file); `flags` holds only the keys given on the command line.
 */
/** faild.json's deepest key is 3 levels down (/routes/0/via/0): a file far deeper is no config, and copying or validating it would overflow the stack. */
export const MAX_DEPTH = 16

/** The path of the first value nested deeper than `max`, found without recursion; undefined if none. */
export function deeperThan(value: unknown, max: number): string | undefined {
  const stack: Array<[unknown, string, number]> = [[value, '', 0]]
  while (stack.length > 0) {
    const [v, at, depth] = stack.pop()!
    if (typeof v !== 'object' || v === null) continue
    if (depth >= max) return at || '/'
    for (const [k, child] of Object.entries(v)) stack.push([child, `${at}/${k}`, depth + 1])
  }
  return undefined
}

export function resolveConfig(
  file: unknown,
  flags: Readonly<Record<string, unknown>>,
  configFile?: string,
): ConfigResult {
  if (file !== undefined && (typeof file !== 'object' || file === null || Array.isArray(file))) {
    return { ok: false, errors: ['/: must be a JSON object'] }
  }
  const deep = deeperThan(file, MAX_DEPTH)
  if (deep !== undefined) return { ok: false, errors: [`${deep}: nested deeper than ${MAX_DEPTH} levels`] }
  // The file on its own first: a bad key is an error even where a flag overrides it.
  if (file !== undefined && !validate(structuredClone(file)))
    return { ok: false, errors: describe(validate.errors ?? []) }
  const merged = structuredClone({ ...(file as object | undefined), ...flags }) as Record<string, unknown>
  if (!validate(merged)) return { ok: false, errors: describe(validate.errors ?? []) }
  const config = merged as unknown as ConfigFile // the schema holds, defaults filled in
  const errors = crossChecks(config)
  return errors.length ? { ok: false, errors } : { ok: true, options: toOptions(config, configFile) }
}
