// The README's "Project layout" text, made from the tree: each lib/ folder, then each file with the
// one sentence it opens with, so the map cannot drift from the code.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/** What each folder of lib/ may do (the rule spec/layers.spec.ts enforces). */
const FOLDERS: Readonly<Record<string, string>> = {
  core: 'pure: no I/O, no clock, no timers; time comes in as an argument',
  config: 'the options: types, defaults, schema, validation; only load.ts reads files',
  host: 'the edges of the operating system, one kind of I/O per file',
  control: 'the control socket: the protocol shared by both ends, server, client',
  daemon: 'wiring and timers: the composition root and the components it starts',
  cli: 'the commands faild and faildctl',
}

/** The sentence a source file opens with: its first comment, up to the first full stop. */
function firstLine(path: string): string {
  const lines = readFileSync(path, 'utf8').split('\n')
  const end = lines.findIndex((l) => !/^\/\/ ?\S/.test(l))
  const text = lines
    .slice(0, end < 0 ? lines.length : end)
    .map((l) => l.replace(/^\/\/\s*/, ''))
    .join(' ')
  return /^.*?\.(?=\s|$)/.exec(text)?.[0] ?? text
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
}

/** The Markdown list of lib/, one line per folder and per file. */
export function layout(root: string): string {
  const lib = join(root, 'lib')
  const out: string[] = []
  for (const [folder, what] of Object.entries(FOLDERS)) {
    out.push(`- \`lib/${folder}/\`: ${what}`)
    for (const f of files(join(lib, folder))) out.push(`  - \`${relative(lib, f)}\`: ${firstLine(f)}`)
  }
  return `${out.join('\n')}\n`
}

export const START = '<!-- layout: made by spec/support/layout.ts; UPDATE_README=1 npx tap spec/readme.spec.ts -->'
export const END = '<!-- layout end -->'

/** The README with its layout section replaced by `text`. */
export function withLayout(readme: string, text: string): string {
  const a = readme.indexOf(START)
  const b = readme.indexOf(END)
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} section`)
  return `${readme.slice(0, a + START.length)}\n${text}${readme.slice(b)}`
}
