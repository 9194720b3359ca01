// Reads the --key-file: it must exist and be readable by its owner only.
import { readFileSync, statSync } from 'node:fs'
import type { WireKey } from '../core/wire/codec.js'
import { KeyFileError, parseKeys } from '../core/wire/keys.js'

/** Read and check a key file: it must exist and be readable by its owner only. */
export function readKeyFile(path: string): WireKey[] {
  let mode: number
  try {
    mode = statSync(path).mode
  } catch (err) {
    throw new KeyFileError(`${path}: ${(err as Error).message}`)
  }
  if ((mode & 0o077) !== 0)
    throw new KeyFileError(
      `${path} is readable or writable by group or others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`,
    )
  try {
    return parseKeys(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new KeyFileError(`${path}: ${(err as Error).message}`)
  }
}
