// The address families of faild.json's routes and targets: each IPv6 value parsed in full, a route's gateways of its prefix's family.
//
// The schema only tells the families apart by their shape (schema-blocks.ts ANY_ADDRESS); here
// each IPv6 value goes through core/util/ipv6.ts, the one strict parser the wire uses too, and
// every error names its key as ajv's do.
import { parseIPv4 } from '../core/util/ipv4.js'
import { formatIPv6, type IPv6, isRoutable6, parseIPv6 } from '../core/util/ipv6.js'

/** An IPv6 prefix's text ("2001:db8::/32") as bytes and length; undefined if it is not one. */
export function parsePrefix6(text: string): { prefix: IPv6; len: number } | undefined {
  const [a, l] = text.split('/')
  const prefix = parseIPv6(a ?? '')
  const len = Number(l)
  if (!prefix || !Number.isInteger(len) || len < 0 || len > 128) return undefined
  return { prefix, len }
}

/** `a` with every bit after the first `len` cleared. */
export function masked6(a: IPv6, len: number): IPv6 {
  return a.map((byte, i) => {
    const bits = Math.min(8, Math.max(0, len - 8 * i))
    return byte & ((0xff00 >> bits) & 0xff)
  })
}

/** One text per address whatever its spelling ("2001:DB8:0::1" and "2001:db8::1" alike); the text itself if unparseable. */
export function addressKey(text: string): string {
  const a = parseIPv6(text)
  return a ? formatIPv6(a) : text
}

const isIPv6Text = (text: string): boolean => text.includes(':')

/** An IPv6 host faild can route via or probe: a global or ULA address (a link-local one names no LAN). */
function hostProblem(text: string): string | undefined {
  const a = parseIPv6(text)
  if (!a) return `${text} is not an IPv6 address`
  if (!isRoutable6(a))
    return `${text} is not a global or ULA IPv6 address (give the router's address in the LAN's subnet)`
  return undefined
}

interface RouteText {
  readonly prefix: string
  readonly via: readonly string[]
}

/** The problems of one route: its prefix, and each gateway's family and kind. */
function routeProblems(r: RouteText, i: number): string[] {
  const at = `/routes/${i}`
  const six = isIPv6Text(r.prefix)
  const errors: string[] = []
  if (six) {
    const p = parsePrefix6(r.prefix)
    if (!p) errors.push(`${at}/prefix: ${r.prefix} is not an IPv6 prefix`)
    else if (formatIPv6(masked6(p.prefix, p.len)) !== formatIPv6(p.prefix))
      errors.push(`${at}/prefix: host bits set in ${r.prefix}`)
    else if (p.len === 128) errors.push(`${at}/prefix: a /128 is a host: faild already moves host routes to its peers`)
  }
  r.via.forEach((v, j) => {
    if (isIPv6Text(v) !== six) {
      const family = (x: boolean) => (x ? 'IPv6' : 'IPv4')
      errors.push(`${at}/via/${j}: ${v} is ${family(!six)}, the prefix ${r.prefix} ${family(six)}`)
      return
    }
    const problem = six ? hostProblem(v) : parseIPv4(v) === undefined ? `${v} is not an IPv4 address` : undefined
    if (problem) errors.push(`${at}/via/${j}: ${problem}`)
  })
  return errors
}

/** Every family error of the routes and targets, as "/routes/0/via/1: ..." lines. */
export function familyProblems(c: {
  readonly routes: readonly RouteText[]
  readonly targets: ReadonlyArray<{ readonly address: string }>
}): string[] {
  return [
    ...c.routes.flatMap(routeProblems),
    ...c.targets.flatMap((x, i) => {
      const problem = isIPv6Text(x.address) ? hostProblem(x.address) : undefined
      return problem ? [`/targets/${i}/address: ${problem}`] : []
    }),
  ]
}

/** The distinct prefix lengths of each family's routes: each takes a table and two rules in that family. */
export function gatewayLengthCounts(routes: readonly RouteText[]): { ipv4: number; ipv6: number } {
  const lengths = (six: boolean) =>
    new Set(routes.filter((r) => isIPv6Text(r.prefix) === six).map((r) => r.prefix.split('/')[1])).size
  return { ipv4: lengths(false), ipv6: lengths(true) }
}
