// faild's version, read from the package.json this code ships in.
import { readFileSync } from 'node:fs'

export function version(): string {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'faild' && pkg.version) return pkg.version
    } catch {
      // not here: look one level up
    }
  }
  return 'unknown'
}
