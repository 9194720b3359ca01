// The kernel's count of datagrams dropped at faild's UDP sockets (receive buffer full), from /proc/net/udp.
//
// Node's dgram hides SO_RXQ_OVFL, but the kernel keeps a drop counter per socket and shows it
// in the last column of /proc/net/udp (of this network namespace). Only faild binds its port, so
// the sum over the sockets on that port is what faild lost without reading it.
import { readFileSync } from 'node:fs'

const TABLES = ['/proc/net/udp', '/proc/net/udp6']

/** The drops of every socket bound to `port` in one /proc/net/udp table's text. */
export function dropsOnPort(table: string, port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0')
  let sum = 0
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/)
    // "sl local_address rem_address st ... drops": local_address is ADDR:PORT in hex.
    if (f.length < 13 || f[1]?.split(':')[1] !== hex) continue
    const drops = Number(f[f.length - 1])
    if (Number.isFinite(drops)) sum += drops
  }
  return sum
}

/** Datagrams the kernel dropped at the sockets on `port` so far; 0 where /proc cannot tell. */
export function socketDrops(port: number, read: (path: string) => string = readText): number {
  let sum = 0
  for (const path of TABLES) sum += dropsOnPort(read(path), port)
  return sum
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}
