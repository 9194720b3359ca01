// The building blocks of faild.json's schema: the patterns (with the words an error uses for each) and the makers of its properties.
import { IFNAME } from '../core/lans.js'

export const QUAD =
  '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$'
export const PREFIX = `${QUAD.slice(0, -1)}/([0-9]|[12][0-9]|3[0-2])$`
/**
 * The shape of IPv6 text (hex digits, colons, a trailing dotted quad): the schema only sorts the
 * families apart, and cross-checks.ts (with families.ts) parses every IPv6 value with
 * core/util/ipv6.ts, the one strict parser the wire uses too (ajv-formats would be a second
 * opinion, and a dependency, for the same).
 */
const IPV6_SHAPE = '[0-9A-Fa-f.]{0,39}:[0-9A-Fa-f.:]{1,45}'
/** An IPv4 address, or IPv6 text (checked in full by cross-checks.ts). */
export const ANY_ADDRESS = `^(${QUAD.slice(1, -1)}|${IPV6_SHAPE})$`
/** An IPv4 prefix, or IPv6 text with a length of 0 to 128. */
export const ANY_PREFIX = `^(${PREFIX.slice(1, -1)}|${IPV6_SHAPE}/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))$`

/** A service address: an IPv4 prefix as above, or IPv6 text and a length (core/wire/address.ts checks the text). */
export const SERVICE_PREFIX = `^(?:${PREFIX.slice(1, -1)}|[0-9A-Fa-f:.]{2,45}/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))$`

/**
 * A file or program path: it reaches open(2), spawn(2) and log lines, so no control character
 * (a NUL would stop faild at the first open, a newline would forge a log line).
 */
export const PATH = '^[^\\u0000-\\u001f\\u007f]{1,4096}$'

export const PORT = '([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])'
/** address:port to listen on: an IPv4 address, or IPv6 loopback as [::1]. */
export const LISTEN = `^(${QUAD.slice(1, -1)}|\\[::1\\]):${PORT}$`

export const LABEL = '^[A-Za-z0-9_-]{1,16}$'
export const CLUSTER = '^[A-Za-z0-9._-]{1,64}$'

/** What a value that fails each pattern must be, for the error that names the key. */
export const PATTERN_TEXT: Readonly<Record<string, string>> = {
  [QUAD]: 'must be a dotted-quad IPv4 address',
  [PREFIX]: 'must be an IPv4 prefix like 10.0.0.0/16',
  [SERVICE_PREFIX]: 'must be an address with its prefix length, like 198.18.1.100/24 or 2001:db8:1::100/64',
  [ANY_ADDRESS]: 'must be an IPv4 address (dotted quad) or an IPv6 address',
  [ANY_PREFIX]: 'must be a prefix like 10.0.0.0/16 or 2001:db8::/32',
  [PATH]: 'must be a path of 1 to 4096 characters, none of them a control character (NUL, newline...)',
  [IFNAME]: 'must be an interface name of 1 to 15 characters, without / : # quotes or white space, not . or ..',
  [LISTEN]: 'must be address:port, like 127.0.0.1:9420 (an IPv4 address, or [::1]; port 1 to 65535)',
  [LABEL]: 'must be 1 to 16 letters, digits, _ or -',
  [CLUSTER]: 'must be 1 to 64 letters, digits, ., _ or -',
}

export const address = (description: string) => ({ type: 'string', pattern: QUAD, description })
/** An address of either family (an IPv6 one parsed in full by cross-checks.ts). */
export const anyAddress = (description: string) => ({ type: 'string', pattern: ANY_ADDRESS, description })
export const int = (minimum: number, maximum: number, description: string, def?: number) => ({
  type: 'integer',
  minimum,
  maximum,
  description,
  ...(def === undefined ? {} : { default: def }),
})

/**
 * Marks a key bound at start: a reload (SIGHUP, faildctl reload) leaves it as it was and reports it
 * as waiting for a restart. `"x-restart"` is a keyword of faild's own; validator.ts registers it.
 */
export const restart = <T extends { description: string }>(p: T, note = 'Changes only at restart.') => ({
  ...p,
  description: `${p.description} ${note}`,
  'x-restart': true as const,
})
