// tap's coverage map: a spec covers only the code it is named for, so no spec "covers" code it
// merely runs (the daemon's specs do not cover the engine; lab and e2e specs cover nothing).
//   spec/X/Y.spec.ts -> lib/X/Y.ts   spec/support/Y.spec.ts -> spec/support/Y.ts
//   spec/<suite>.suite.ts -> the lib/ folders whose specs it runs (SUITES)
// Plain JavaScript: tap's runner loads it without a TypeScript loader.
import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** What each suite of npm run test:unit covers: the folders it runs the specs of (keep in step with the suite files). */
const SUITES = {
  'spec/core.suite.ts': ['core'],
  'spec/shell.suite.ts': ['config', 'cli', 'host', 'control', 'daemon', 'spec/support'],
}

/** The .ts files under `dir` (relative to the root), as root-relative paths. */
function sources(dir) {
  const abs = join(ROOT, dir)
  if (!existsSync(abs)) return []
  return readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.(spec|suite)\.ts$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath ?? e.path, e.name)))
}

/**
 * @param {string} spec a test file, relative to the project root
 * @returns {string[] | null} the files it covers; null: none
 */
export default function coverageMap(spec) {
  const path = spec.replaceAll('\\', '/')
  const suite = SUITES[path]
  if (suite) return suite.flatMap((d) => sources(d.startsWith('spec/') ? d : `lib/${d}`))
  const m = /^spec\/(.+)\.spec\.[cm]?ts$/.exec(path)
  if (!m || /^(lab|e2e)\//.test(m[1])) return null
  const module = m[1].startsWith('support/') ? `spec/${m[1]}.ts` : `lib/${m[1]}.ts`
  return existsSync(ROOT + module) ? [module] : null
}
