#!/usr/bin/env node
// The faildctl command: everything lives in lib/faildctl.ts so specs can drive it.
import { ctl } from '../lib/cli/faildctl.js'

process.exitCode = await ctl(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) })
