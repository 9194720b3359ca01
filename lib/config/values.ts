// Text of faild.json, as the schema lets it through, turned into the values faild runs with.
import { parseIPv4 } from '../core/util/ipv4.js'
import { formatIPv6, parseIPv6 } from '../core/util/ipv6.js'
import type { Listen } from './types.js'

/** An IPv4 prefix's text (checked by the schema) as its number, host bits cleared, and length. */
export function parsePrefix(text: string): { prefix: number; len: number } {
  const [a, l] = text.split('/')
  const len = Number(l)
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0
  return { prefix: (parseIPv4(a!)! & mask) >>> 0, len }
}

/** A service address of the config: IPv4 as a number, IPv6 as RFC 5952 text (address 0). */
export function serviceAddress(text: string): { address: number; ipv6?: string; len: number } {
  const [a, l] = text.split('/') as [string, string]
  const v6 = parseIPv6(a)
  return v6 ? { address: 0, ipv6: formatIPv6(v6), len: Number(l) } : { address: parseIPv4(a)!, len: Number(l) }
}

/** "198.18.0.1:9420" or "[::1]:9420", as the schema's pattern lets through. */
export function parseListen(text: string): Listen {
  const at = text.lastIndexOf(':')
  return { host: text.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(text.slice(at + 1)) }
}

/** 127.0.0.0/8 or ::1: reachable from this host only. */
export const isLoopback = (host: string): boolean => host === '::1' || host.startsWith('127.')
