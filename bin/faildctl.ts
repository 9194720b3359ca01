#!/usr/bin/env node
// The faildctl command: everything lives in lib/cli/faildctl.ts so specs can drive it.
import { ctl } from '../lib/cli/faildctl.js'
import { stdio } from '../lib/cli/io.js'

process.exitCode = await ctl(process.argv.slice(2), stdio)
