// Conversions between dotted-quad IPv4 text and the uint32 form used on the wire and in the core.

const QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

/** Parse a dotted quad; undefined for anything else (no shorthand forms, no leading junk). */
export function parseIPv4(text: string): number | undefined {
  const m = QUAD.exec(text)
  if (!m) return undefined
  let n = 0
  for (const part of m.slice(1)) {
    const octet = Number(part)
    if (octet > 255) return undefined
    n = n * 256 + octet
  }
  return n
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

/** True when both addresses fall in the same /prefixLen network. */
export function sameSubnet(a: number, b: number, prefixLen: number): boolean {
  if (prefixLen === 0) return true
  const shift = 32 - prefixLen
  return a >>> shift === b >>> shift
}
