// Which keys a reload cannot change: those the schema marks "x-restart", bound when faild starts.
import { isDeepStrictEqual } from 'node:util'
import { CONFIG_SCHEMA } from './schema.js'
import type { Options } from './types.js'

/** An option, named as its faild.json key (configFile is no key; $schema is no option). */
export type OptionKey = Exclude<keyof Options, 'configFile'>
type SchemaKey = Exclude<keyof typeof CONFIG_SCHEMA.properties, '$schema'>

/** Compile-time: the options and the schema name the same keys, so every key is one or the other. */
export const SAME_KEYS: [OptionKey, SchemaKey] extends [SchemaKey, OptionKey] ? true : never = true

/** The keys bound at start, in schema order: a reload keeps their running values. */
export const RESTART_KEYS: readonly OptionKey[] = Object.entries(CONFIG_SCHEMA.properties)
  .filter(([, p]) => 'x-restart' in p && p['x-restart'] === true)
  .map(([key]) => key as OptionKey)

/** JSON's view of a value: key order and undefined members do not count. */
const plain = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)))

/** The restart-only keys whose value differs between the running options and reloaded ones. */
export function pendingRestart(before: Options, after: Options): OptionKey[] {
  return RESTART_KEYS.filter((k) => !isDeepStrictEqual(plain(before[k]), plain(after[k])))
}

/** What a reload applies: the reloaded options, but the running value of every restart-only key. */
export function keepRestartKeys(before: Options, after: Options): Options {
  return { ...after, ...Object.fromEntries(RESTART_KEYS.map((k) => [k, before[k]])) }
}
