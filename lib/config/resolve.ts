// faild.json: read it, validate it against the schema with ajv, and merge the command line over it.
//
// Every error names the key by its JSON path and says why; all of them are reported at once, and
// nothing is started while there is one.
import type { ErrorObject } from 'ajv'
import { parseIPv4 } from '../core/util/ipv4.js'
import { parseIPv6 } from '../core/util/ipv6.js'
import type { ConfigFile } from './config-file.js'
import { crossChecks } from './cross-checks.js'
import { parsePrefix6 } from './families.js'
import { optionChecks } from './option-checks.js'
import { PATTERN_TEXT } from './schema.js'
import type { AnyGatewayRoute, Options } from './types.js'
import { loadValidator } from './validator.js'
import { parseListen, parsePrefix, serviceAddress } from './values.js'

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

/**
 * Validate the file's contents, then the command-line values over them. `file` is the parsed
 * JSON (undefined: no file); `flags` holds only the keys given on the command line.
 */
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
  if (errors.length) return { ok: false, errors }
  const options = toOptions(config, configFile)
  const broken = optionChecks(options)
  return broken.length ? { ok: false, errors: broken } : { ok: true, options }
}
