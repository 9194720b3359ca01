// The options as faild.json, as `faild -n` prints them: read back, the text gives the same options.
import { formatIPv4 } from '../core/util/ipv4.js'
import { formatIPv6 } from '../core/util/ipv6.js'
import { CONFIG_SCHEMA, type ConfigKey } from './schema.js'
import { type AnyGatewayRoute, isRoute6, type Listen, type Options } from './types.js'

type Printed = Exclude<ConfigKey, '$schema'>

const quads = (addresses: readonly number[]): string[] => addresses.map(formatIPv4)
const asIs =
  <K extends keyof Options>(key: K) =>
  (o: Options): Options[K] =>
    o[key]

/** "127.0.0.1:9420", "[::1]:9420". */
export const listenText = (l: Listen): string =>
  l.host.includes(':') ? `[${l.host}]:${l.port}` : `${l.host}:${l.port}`

/** A gateway route of either family as faild.json has it. */
function routeText(r: AnyGatewayRoute): { prefix: string; via: string[]; failback: boolean | undefined } {
  if (isRoute6(r))
    return { prefix: `${formatIPv6(r.prefix)}/${r.len}`, via: r.via.map(formatIPv6), failback: r.failback }
  return { prefix: `${formatIPv4(r.prefix)}/${r.len}`, via: quads(r.via), failback: r.failback }
}

/** Each key of the schema in faild.json's terms; undefined: neither set nor defaulted, so left out. */
const PRINT: { readonly [K in Printed]: (o: Options) => unknown } = {
  requestor: asIs('requestor'),
  interval: asIs('interval'),
  failAfter: asIs('failAfter'),
  upAfter: asIs('upAfter'),
  port: asIs('port'),
  logFile: asIs('logFile'),
  logLevel: asIs('logLevel'),
  logPackets: asIs('logPackets'),
  logFormat: asIs('logFormat'),
  lans: (o) => o.lans.map((l) => ({ interface: l.interface, label: l.label, preference: l.preference, name: l.name })),
  nodeId: (o) => (o.nodeId === undefined ? undefined : formatIPv4(o.nodeId)),
  staticPeers: (o) => quads(o.staticPeers),
  ignorePeers: (o) => quads(o.ignorePeers),
  addresses: (o) =>
    o.addresses.map((a) => ({
      address: `${a.ipv6 ?? formatIPv4(a.address)}/${a.len}`,
      interfaces: a.interfaces,
      watch: quads(a.watch),
      failback: a.failback,
      owned: a.owned,
    })),
  targets: (o) =>
    o.targets.map((x) => ({
      address: x.ipv6 ? formatIPv6(x.ipv6) : formatIPv4(x.address),
      lan: x.lan,
      method: x.method,
    })),
  routes: (o) => o.routes.map(routeText),
  failback: asIs('failback'),
  notify: asIs('notify'),
  notifyTimeout: asIs('notifyTimeout'),
  controlSocket: asIs('controlSocket'),
  metrics: (o) => (o.metrics === undefined ? undefined : listenText(o.metrics)),
  metricsPublic: asIs('metricsPublic'),
  pidFile: asIs('pidFile'),
  stateDir: asIs('stateDir'),
  keyFile: asIs('keyFile'),
  cluster: asIs('cluster'),
  flapDamping: ({ flapDamping: d }) => ({
    flaps: d.flaps,
    halfLife: d.halfLife,
    maxHold: d.maxHold,
    enabled: d.enabled,
  }),
  rateLimit: asIs('rateLimit'),
  wireVersion: asIs('wireVersion'),
  maxPeers: asIs('maxPeers'),
  dynamicInterfaces: asIs('dynamicInterfaces'),
  dryRun: asIs('dryRun'),
  table: asIs('table'),
  rulePriority: asIs('rulePriority'),
}

/** The options as a faild.json object, keys in schema order; undefined members dropped, as JSON does. */
export function printConfig(o: Options): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(CONFIG_SCHEMA.properties)) {
    if (key === '$schema') continue
    const value = PRINT[key as Printed](o)
    if (value !== undefined) out[key] = JSON.parse(JSON.stringify(value))
  }
  return out
}

/** Widest line that keeps an array or object on one line. */
const WIDTH = 100

/** JSON text, one key a line, but an array or object that fits in WIDTH on one line (as people write it). */
function layout(value: unknown, indent: string): string {
  const flat = oneLine(value)
  if (value === null || typeof value !== 'object' || indent.length + flat.length <= WIDTH) return flat
  const inner = `${indent}  `
  const items = Array.isArray(value)
    ? value.map((v) => inner + layout(v, inner))
    : Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${layout(v, inner)}`)
  if (items.length === 0) return flat
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}']
  return `${open}\n${items.join(',\n')}\n${indent}${close}`
}

/** `["a", "b"]`, `{ "k": 1 }`: JSON never holds a raw newline inside a string, so only layout is joined. */
function oneLine(value: unknown): string {
  return JSON.stringify(value, null, 1)
    .replace(/\[\n */g, '[')
    .replace(/\n *\]/g, ']')
    .replace(/\{\n */g, '{ ')
    .replace(/\n *\}/g, ' }')
    .replace(/\n */g, ' ')
}

/** faild.json text of the options, ending in a newline. */
export function configText(o: Options): string {
  return `${layout(printConfig(o), '')}\n`
}
