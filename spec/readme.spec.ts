// The README's project layout is the tree's: every lib/ file, with the sentence it opens with.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { layout, withLayout } from './support/layout.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const README = join(ROOT, 'README.md')

t.test('the layout section of README.md is made from the tree', async (t) => {
  const readme = readFileSync(README, 'utf8')
  const fresh = withLayout(readme, layout(ROOT))
  if (process.env.UPDATE_README === '1') writeFileSync(README, fresh)
  t.equal(readme, fresh, 'up to date (UPDATE_README=1 npx tap spec/readme.spec.ts rewrites it)')
})

t.test('every lib/ folder is described and every file opens with a sentence on its job', async (t) => {
  const folders = readdirSync(join(ROOT, 'lib'))
  const text = layout(ROOT)
  for (const f of folders) t.match(text, `\`lib/${f}/\`: `, `lib/${f}/ is in the layout`)
  t.notMatch(text, /`: (import|export|$)/m, 'no file opens without its sentence')
})
