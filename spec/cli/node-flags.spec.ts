// faild runs with the node flags lib/cli/node-flags.ts names: bin/faild.ts's first line says them, so an installed faild has them too.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { NODE_FLAGS } from '../../lib/cli/node-flags.js'

t.test("bin/faild.ts's first line starts node with NODE_FLAGS", async (t) => {
  const first = readFileSync(new URL('../../bin/faild.ts', import.meta.url), 'utf8').split('\n')[0]
  t.equal(first, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`)
})
