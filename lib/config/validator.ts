// The ajv validator of faild.json: compiled once at build time into dist/lib/config/validate.cjs
// (compiling at start-up costs ~80 ms, a third of the time to the first INQ), or at run time
// where that file is absent (specs running the TypeScript sources).
import { createRequire } from 'node:module'
import type { Ajv, Options as AjvOptions, ErrorObject } from 'ajv'
import { CONFIG_SCHEMA } from './schema.js'

export interface Validator {
  (data: unknown): boolean
  errors?: ErrorObject[] | null
}

const OPTIONS = { allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true } as const
// CommonJS: ajv's standalone ESM output still require()s its runtime helpers.
const PRECOMPILED = './validate.cjs'

/** faild's own schema keywords: annotations that validate nothing (strict mode refuses unknown ones). */
export const OWN_KEYWORDS = ['x-restart'] as const

/** An ajv with faild's options and keywords: the one every compile of CONFIG_SCHEMA must use. */
export async function makeAjv(extra: AjvOptions = {}): Promise<Ajv> {
  const { Ajv } = await import('ajv')
  const ajv = new Ajv({ ...OPTIONS, ...extra })
  for (const keyword of OWN_KEYWORDS) ajv.addKeyword({ keyword, schemaType: 'boolean' })
  return ajv
}

async function compile(): Promise<Validator> {
  return (await makeAjv()).compile(CONFIG_SCHEMA) as Validator
}

/** The validator, precompiled when the build made one. */
export async function loadValidator(): Promise<Validator> {
  try {
    // require(), not import(): through Node's ESM loader the same 68 KB of CommonJS cost 7 MB of
    // RSS instead of 1 (alone), and faild's import with the validator loaded 59-61.5 MB instead of
    // 58-58.3, kept for as long as faild runs.
    return createRequire(import.meta.url)(PRECOMPILED) as Validator
  } catch {
    return compile() // not built: the TypeScript sources under a spec
  }
}

/** The standalone CommonJS source of the validator, for the build (npm run build writes it). */
export async function standaloneSource(): Promise<string> {
  const standalone = (await import('ajv/dist/standalone/index.js')).default as unknown as { default?: unknown }
  const gen = (typeof standalone === 'function' ? standalone : standalone.default) as (
    ajv: unknown,
    v: unknown,
  ) => string
  const ajv = await makeAjv({ code: { source: true } })
  return gen(ajv, ajv.compile(CONFIG_SCHEMA))
}
