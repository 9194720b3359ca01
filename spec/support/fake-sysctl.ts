// A fake /proc/sys/net/ipv6/conf for specs: a Sysctl (lib/host/ndisc-sysctl.ts) over a record, with the writes made.
import type { Sysctl } from '../../lib/host/ndisc-sysctl.js'

/** A fake /proc/sys: values by "iface/key", and the writes made. */
export function fakeSysctl(values: Record<string, string>): Sysctl & { writes: string[] } {
  const writes: string[] = []
  return {
    writes,
    read: (iface, key) => {
      const v = values[`${iface}/${key}`]
      if (v === undefined) throw new Error(`no ${iface}/${key}`)
      return v
    },
    write: (iface, key, value) => {
      if (!(`${iface}/${key}` in values)) throw new Error(`ENOENT ${iface}`)
      values[`${iface}/${key}`] = value
      writes.push(`${iface}.${key}=${value}`)
    },
  }
}
