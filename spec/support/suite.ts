// Runs many specs in one process: tap's start-up (~2 s) is most of what a small spec costs, so the
// unit specs share two processes (npm run test:unit); each spec still runs on its own with npx tap.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import t from 'tap'

/** The *.spec.ts files under `dir`, in path order. */
export function specsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) =>
      e.isDirectory() ? specsUnder(join(dir, e.name)) : e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
    )
}

const SPEC = fileURLToPath(new URL('..', import.meta.url))

/**
 * Import, in order, every spec under the given folders of spec/ (and `files` there). The imports
 * happen inside a test, so the root test stays open while later specs load and queue theirs.
 */
export function runSpecs(folders: readonly string[], files: readonly string[] = []): void {
  const specs = [...folders.flatMap((d) => specsUnder(join(SPEC, d))), ...files.map((f) => join(SPEC, f))]
  t.test(`load ${specs.length} specs from spec/${folders.join(', spec/')}`, async (t) => {
    for (const f of specs) await import(pathToFileURL(f).href)
    t.pass('loaded')
  })
}
