// Reads the --key-file: a regular file, owned by root or by faild's own user, readable by its owner only.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs'
import { KeyFileError, parseKeys } from '../core/wire/keys.js'
import type { WireKey } from '../core/wire/message.js'

/** Keys are a line or two: anything longer is not a key file. */
const MAX_BYTES = 64 * 1024

/**
 * Read and check a key file. It is opened without blocking and checked on the open descriptor
 * (no race between the check and the read): a FIFO would hang the start, a device or a directory
 * is no key file, and a key others could have written is no secret.
 */
export function readKeyFile(path: string, euid = process.geteuid?.() ?? 0): WireKey[] {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (err) {
    throw new KeyFileError(`${path}: ${(err as Error).message}`)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new KeyFileError(`${path} is not a regular file`)
    if (st.uid !== 0 && st.uid !== euid)
      throw new KeyFileError(`${path} is owned by uid ${st.uid}, not root or faild's user (uid ${euid}): chown it`)
    if ((st.mode & 0o077) !== 0)
      throw new KeyFileError(
        `${path} is readable or writable by group or others (mode ${(st.mode & 0o777).toString(8)}): chmod 600 it`,
      )
    if (st.size > MAX_BYTES) throw new KeyFileError(`${path} is ${st.size} bytes: a key file holds a key or two`)
    const text = readFileSync(fd, 'utf8')
    try {
      return parseKeys(text)
    } catch (err) {
      throw new KeyFileError(`${path}: ${(err as Error).message}`)
    }
  } catch (err) {
    if (err instanceof KeyFileError) throw err
    throw new KeyFileError(`${path}: ${(err as Error).message}`)
  } finally {
    closeSync(fd)
  }
}
