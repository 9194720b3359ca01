// IP address text to wire bytes and back, for wire format 2: strict parsing, RFC 5952 text out.
//
// Pure, so core/ may use it (the layer rule keeps node:net out of core/); spec/core/wire/address.spec.ts
// checks it against node:net's isIPv4/isIPv6. No zone ids ("%eth0"): an address on the wire has none.

export type Family = 4 | 6

/** An address as it travels: its family and its 4 or 16 bytes, network order. */
export interface AddressBytes {
  readonly family: Family
  readonly bytes: Uint8Array
}

export const addressSize = (family: Family): number => (family === 4 ? 4 : 16)
export const maxPrefix = (family: Family): number => (family === 4 ? 32 : 128)

/** A decimal octet as node:net's isIPv4 takes it: 0-255, no leading zeros. */
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)'
const QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`)
const GROUP = /^[0-9a-fA-F]{1,4}$/

function parseQuad(text: string): number[] | undefined {
  const m = QUAD.exec(text)
  return m ? m.slice(1).map(Number) : undefined
}

/** The 16-bit groups of one side of "::", the last of them possibly a dotted quad (two groups). */
function parseGroups(text: string, mayEndInQuad: boolean): number[] | undefined {
  if (text === '') return []
  const parts = text.split(':')
  const out: number[] = []
  for (const [i, part] of parts.entries()) {
    const quad = mayEndInQuad && i === parts.length - 1 ? parseQuad(part) : undefined
    if (quad) out.push((quad[0]! << 8) | quad[1]!, (quad[2]! << 8) | quad[3]!)
    else if (GROUP.test(part)) out.push(Number.parseInt(part, 16))
    else return undefined
  }
  return out
}

function parseIPv6(text: string): number[] | undefined {
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  if (halves.length === 1) {
    const groups = parseGroups(text, true)
    return groups?.length === 8 ? groups : undefined
  }
  const head = parseGroups(halves[0]!, false)
  const tail = parseGroups(halves[1]!, true)
  if (!head || !tail || head.length + tail.length > 7) return undefined
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
}

/** Parse IPv4 (dotted quad) or IPv6 text; undefined for anything else. */
export function parseAddress(text: string): AddressBytes | undefined {
  const quad = parseQuad(text)
  if (quad) return { family: 4, bytes: Uint8Array.from(quad) }
  const groups = text.includes(':') ? parseIPv6(text) : undefined
  if (!groups) return undefined
  return { family: 6, bytes: Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff])) }
}

/** Canonical text: a dotted quad, or RFC 5952 IPv6 (lowercase, no leading zeros, the longest zero run as "::"). */
export function formatAddress(family: Family, bytes: Uint8Array): string {
  if (family === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!)
  // RFC 5952 section 5: an IPv4-mapped address keeps its dotted quad (::ffff:198.18.0.1).
  if (groups[5] === 0xffff && groups[0]! + groups[1]! + groups[2]! + groups[3]! + groups[4]! === 0)
    return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`
  const [at, len] = longestZeroRun(groups)
  // Section 4.2.2: "::" never stands for a single zero group. Written by hand: a packet's hot path.
  let text = ''
  for (let i = 0; i < 8; i++) {
    if (len >= 2 && i === at) {
      text += '::'
      i += len - 1
    } else text += (text === '' || text.endsWith(':') ? '' : ':') + groups[i]!.toString(16)
  }
  return text
}

/** Where the longest run of zero groups starts and how long it is; the first of equal runs (section 4.2.3). */
function longestZeroRun(groups: readonly number[]): [number, number] {
  let best: [number, number] = [0, 0]
  let start = -1
  for (let i = 0; i <= groups.length; i++) {
    if (i < groups.length && groups[i] === 0) {
      if (start < 0) start = i
    } else if (start >= 0) {
      if (i - start > best[1]) best = [start, i - start]
      start = -1
    }
  }
  return best
}
