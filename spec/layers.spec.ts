// The layer rule of lib/: the folder tells whether a file may do I/O, and no import goes in a circle.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const LIB = resolve(dirname(fileURLToPath(import.meta.url)), '../lib')

/** Every .ts file under lib/, as a path relative to lib/ ("core/wire/codec.ts"). */
function sources(dir = LIB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [relative(LIB, join(dir, e.name))] : [],
  )
}

/** The modules a source imports: "node:fs", "ajv", or a lib/-relative path for its own files. */
export function importsOf(file: string, text: string): string[] {
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)]
  return specs.map((m) => {
    const spec = (m[1] ?? m[2])!
    if (!spec.startsWith('.')) return spec
    return relative(LIB, resolve(LIB, dirname(file), spec)).replace(/\.js$/, '.ts')
  })
}

/** What loading a source loads at once: its imports, without type-only (erased) and dynamic ones. */
export function loadsOf(file: string, text: string): string[] {
  const eager = text
    .split('\n')
    .filter((l) => !/^\s*(?:import|export)\s+type\s/.test(l))
    .join('\n')
    .replace(/import\(\s*'[^']+'\s*\)/g, '')
  return importsOf(file, eager)
}

/** Every module `file` loads at once, itself and lib/'s files on the way included. */
function loadedBy(file: string, loads: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>()
  const visit = (f: string) => {
    if (seen.has(f)) return
    seen.add(f)
    for (const g of loads.get(f) ?? []) visit(g)
  }
  visit(file)
  return seen
}

const layer = (path: string): string => path.split('/')[0]!
const IO_MODULES = [
  'node:fs',
  'node:net',
  'node:dgram',
  'node:child_process',
  'node:os',
  'node:perf_hooks',
  'node:timers',
]

/** Why `file` may not import `target`, or undefined when it may. */
export function violation(file: string, target: string): string | undefined {
  const own = !target.startsWith('node:') && target.includes('.ts')
  const from = layer(file)
  if (own && layer(target) === 'cli' && from !== 'cli') return 'nothing outside cli/ imports cli/'
  if (from === 'core') {
    if (own) return layer(target) === 'core' ? undefined : 'core/ imports only core/'
    if (target === 'node:crypto') return file.startsWith('core/wire/') ? undefined : 'node:crypto only in core/wire/'
    return 'core/ imports no module outside lib/'
  }
  if (from === 'config') {
    if (own) return ['core', 'config'].includes(layer(target)) ? undefined : 'config/ imports core/ and config/ only'
    if (target === 'node:fs') return file === 'config/load.ts' ? undefined : 'only config/load.ts reads files'
    return IO_MODULES.includes(target) ? 'config/ does no I/O' : undefined
  }
  if (from === 'host' && own) {
    return ['core', 'host'].includes(layer(target)) || target === 'config/types.ts'
      ? undefined
      : 'host/ imports core/, host/ and config types'
  }
  if (file === 'control/protocol.ts') return own && layer(target) === 'core' ? undefined : 'the protocol is pure'
  return undefined
}

/** One import cycle among `graph`'s files, as a path, or undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const walk = (f: string, path: string[]): string[] | undefined => {
    if (state.get(f) === 'open') return [...path.slice(path.indexOf(f)), f]
    if (state.get(f) === 'done') return undefined
    state.set(f, 'open')
    for (const g of graph.get(f) ?? []) {
      const c = walk(g, [...path, f])
      if (c) return c
    }
    state.set(f, 'done')
    return undefined
  }
  for (const f of graph.keys()) {
    const c = walk(f, [])
    if (c) return c
  }
  return undefined
}

const files = sources()
const graph = new Map(files.map((f) => [f, importsOf(f, readFileSync(join(LIB, f), 'utf8'))]))

t.test('every import keeps to the layer rule', async (t) => {
  const bad = [...graph].flatMap(([f, targets]) =>
    targets.flatMap((x) => (violation(f, x) ? [`${f} -> ${x}: ${violation(f, x)}`] : [])),
  )
  t.same(bad, [], 'no file imports across its layer')
  t.ok(files.length > 30, `${files.length} files read`)
})

t.test('core/ reads no clock and sets no timer', async (t) => {
  const ambient = /\b(Date\.now|performance\.now|setTimeout|setInterval|setImmediate|process\.)/
  const bad = files.filter((f) => layer(f) === 'core' && ambient.test(readFileSync(join(LIB, f), 'utf8')))
  t.same(bad, [], 'time comes in as an argument')
})

t.test('prom-client is loaded only by a faild that serves /metrics', async (t) => {
  // It is 13 MB of RSS, a fifth of an idle faild's: daemon/service.ts loadMetrics() imports it on demand.
  const loads = new Map(files.map((f) => [f, loadsOf(f, readFileSync(join(LIB, f), 'utf8'))]))
  const started = loadedBy('cli/faild.ts', loads)
  t.ok(started.has('daemon/daemon.ts'), `${started.size} modules loaded by starting faild`)
  t.notOk(started.has('prom-client'), 'not prom-client')
  t.ok(graph.get('daemon/service.ts')?.includes('daemon/metrics.ts'), 'which service.ts loads when asked')
})

t.test('no import cycle in lib/', async (t) => {
  const own = new Map([...graph].map(([f, ts]) => [f, ts.filter((x) => graph.has(x))]))
  t.equal(findCycle(own), undefined)
})

t.test('the checker itself catches what it must', async (t) => {
  t.ok(violation('core/engine/engine.ts', 'host/clock.ts'), 'core importing the shell')
  t.ok(violation('core/engine/engine.ts', 'node:dgram'), 'core importing a socket module')
  t.ok(violation('core/engine/engine.ts', 'node:crypto'), 'crypto outside the codec')
  t.notOk(violation('core/wire/codec.ts', 'node:crypto'))
  t.ok(violation('config/resolve.ts', 'node:fs'), 'a config file reader besides load.ts')
  t.ok(violation('daemon/daemon.ts', 'cli/faild.ts'), 'importing cli/')
  t.notOk(violation('daemon/daemon.ts', 'host/transport.ts'))
  t.same(
    findCycle(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
      ]),
    ),
    ['a', 'b', 'c', 'a'],
  )
  t.same(
    importsOf(
      'core/x.ts',
      "import { a } from './y.js'\nexport type { B } from '../host/z.js'\nawait import('node:fs')",
    ),
    ['core/y.ts', 'host/z.ts', 'node:fs'],
  )
  t.same(
    loadsOf('core/x.ts', "import { a } from './y.js'\nimport type { B } from '../host/z.js'\nawait import('node:fs')"),
    ['core/y.ts'],
    'type-only and dynamic imports load nothing at once',
  )
})
