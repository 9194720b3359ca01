// Key-file secrets: one or two shared secrets that sign every packet, so a cluster can roll keys.
import { createHash } from 'node:crypto'
import type { WireKey } from './message.js'

/** Shorter secrets are refused: HMAC-SHA256 is only as strong as its key. */
export const MIN_SECRET_BYTES = 16

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError'
}

/** The key id on the wire: the first byte of the secret's SHA-256. */
export const keyId = (secret: Buffer): number => createHash('sha256').update(secret).digest()[0]!

/**
 * Parse a key file: one secret per line (blank lines and # comments ignored), at most two. The
 * first signs what this host sends; packets signed with either are accepted. Rolling a key:
 * add the new one second everywhere, then make it first everywhere, then drop the old one.
 */
export function parseKeys(text: string): WireKey[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  if (lines.length === 0) throw new KeyFileError('holds no key')
  if (lines.length > 2)
    throw new KeyFileError(
      `holds ${lines.length} keys; at most 2 (the one to sign with, and the one being rolled in or out)`,
    )
  const keys = lines.map((l, i) => {
    const secret = Buffer.from(l, 'utf8')
    if (secret.length < MIN_SECRET_BYTES)
      throw new KeyFileError(
        `key ${i + 1} is ${secret.length} bytes; at least ${MIN_SECRET_BYTES} (e.g. openssl rand -hex 32)`,
      )
    return { id: keyId(secret), secret }
  })
  if (keys.length === 2 && keys[0]!.id === keys[1]!.id)
    throw new KeyFileError('the two keys share a key id (1 in 256): generate the new one again')
  return keys
}
