#!/usr/bin/env -S node --single-threaded-gc
// The faild command: everything lives in lib/cli/faild.ts so specs can drive it.
import '../lib/cli/tiering.js'
import { main } from '../lib/cli/faild.js'

process.exitCode = await main(process.argv.slice(2))
