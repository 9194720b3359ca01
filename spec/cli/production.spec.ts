// faild's modules load as production (winston without its colour stack), and the operator's NODE_ENV is what faild's programs see.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import t from 'tap'

const url = (path: string) => new URL(path, import.meta.url).href

/** A fresh copy of lib/cli/production.ts: a module runs once per URL. */
const fresh = async (tag: string): Promise<{ restoreNodeEnv: () => void }> =>
  import(url(`../../lib/cli/production.js?${tag}`))

t.test('unset: production while the modules load, winston without its colour stack, then unset again', async (t) => {
  // In a process of its own: this one may have loaded winston already (the specs share processes).
  const script = `
    delete process.env.NODE_ENV
    const { restoreNodeEnv } = await import(${JSON.stringify(url('../../lib/cli/production.js'))})
    const during = process.env.NODE_ENV
    await import(${JSON.stringify(url('../../lib/host/log.js'))})
    const { createRequire } = await import('node:module')
    const loaded = Object.keys(createRequire(import.meta.url).cache)
    restoreNodeEnv()
    console.log(JSON.stringify({
      during,
      winston: loaded.some((k) => k.includes('/node_modules/winston/')),
      colours: loaded.filter((k) => /\\/node_modules\\/(colorspace|kuler)\\//.test(k)).length,
      after: process.env.NODE_ENV ?? null,
    }))`
  const env = { ...process.env }
  delete env.NODE_ENV
  const run = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env,
    timeout: 30_000,
  })
  t.equal(run.status, 0, run.stderr)
  t.same(JSON.parse(run.stdout.trim().split('\n').at(-1)!), {
    during: 'production',
    winston: true,
    colours: 0,
    after: null,
  })
})

t.test("the operator's NODE_ENV is kept", async (t) => {
  const was = process.env.NODE_ENV
  t.teardown(() => {
    if (was === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = was
  })
  process.env.NODE_ENV = 'staging'
  const { restoreNodeEnv } = await fresh('kept')
  t.equal(process.env.NODE_ENV, 'staging')
  restoreNodeEnv()
  t.equal(process.env.NODE_ENV, 'staging')
})

t.test("bin/faild.ts loads it before faild's modules", async (t) => {
  const bin = readFileSync(new URL('../../bin/faild.ts', import.meta.url), 'utf8')
  const first = bin.indexOf("import '../lib/cli/production.js'")
  t.ok(first > 0 && first < bin.indexOf("from '../lib/cli/faild.js'"))
})
