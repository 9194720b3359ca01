// The only reader of config files: read faild.json (if any), put the flags over it, and check it all.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs'
import { resolveConfig } from './resolve.js'
import type { Options } from './types.js'

export type Loaded = { ok: true; options: Options } | { ok: false; errors: string[] }

/** A config is a few kilobytes: a file past this is a mistake, and is refused before it is read. */
export const MAX_CONFIG_BYTES = 1 << 20

/** Read and parse a config file; errors say which file and why. Opened without blocking: a FIFO is refused, not waited on. */
export function readConfigFile(path: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let text: string
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
    try {
      const st = fstatSync(fd)
      if (!st.isFile()) return { ok: false, error: 'not a regular file' }
      if (st.size > MAX_CONFIG_BYTES) return { ok: false, error: `${st.size} bytes, more than ${MAX_CONFIG_BYTES}` }
      text = readFileSync(fd, 'utf8')
    } finally {
      closeSync(fd)
    }
  } catch (err) {
    return { ok: false, error: `cannot read it: ${(err as Error).message}` }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (err) {
    return { ok: false, error: `not valid JSON: ${(err as Error).message}` }
  }
}

/** The file (undefined: none) with the command-line flags over it; every error at once, as lines. */
export function loadOptions(configFile: string | undefined, flags: Readonly<Record<string, unknown>>): Loaded {
  let file: unknown
  if (configFile !== undefined) {
    const r = readConfigFile(configFile)
    if (!r.ok) return { ok: false, errors: [`config ${configFile}: ${r.error}`] }
    file = r.value
  }
  const r = resolveConfig(file, flags, configFile)
  return r.ok ? r : { ok: false, errors: r.errors.map((e) => `config ${configFile ?? '(flags)'}: ${e}`) }
}
