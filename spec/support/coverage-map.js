// tap's coverage map: a spec covers only the module it is named for, so no spec "covers" code it
// merely runs (the daemon spec does not cover the engine; lab and e2e specs cover nothing).
//   spec/X/Y.spec.ts -> lib/X/Y.ts     spec/support/Y.spec.ts -> spec/support/Y.ts
// Plain JavaScript: tap's runner loads it without a TypeScript loader.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * @param {string} spec a test file, relative to the project root
 * @returns {string[] | null} the files it covers; null: none
 */
export default function coverageMap(spec) {
  const m = /^spec\/(.+)\.spec\.[cm]?ts$/.exec(spec.replaceAll('\\', '/'))
  if (!m || /^(lab|e2e)\//.test(m[1])) return null
  const module = m[1].startsWith('support/') ? `spec/${m[1]}.ts` : `lib/${m[1]}.ts`
  return existsSync(ROOT + module) ? [module] : null
}
