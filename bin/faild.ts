#!/usr/bin/env -S node --single-threaded-gc --v8-pool-size=1
// The faild command: everything lives in lib/cli/faild.ts so specs can drive it.
// The first two imports set the runtime up before any other module loads (see each).
import '../lib/cli/tiering.js'
import '../lib/cli/production.js'
import { main } from '../lib/cli/faild.js'
import { restoreNodeEnv } from '../lib/cli/production.js'

restoreNodeEnv()
process.exitCode = await main(process.argv.slice(2))
