// Runs inside a lab namespace for the churn bench: times faild's route table applying N swaps at
// once (a whole LAN failing in a large cluster) and removing them again, through the real `ip`.
//   node churn-worker.js N REPEATS     prints one JSON line

import { parseIPv4 } from '../lib/core/util/ipv4.js'
import { systemIp } from '../lib/host/ip-runner.js'
import { makeLogger } from '../lib/host/log.js'
import { RouteTable } from '../lib/host/route-table.js'
import { simAddress } from './sim-address.js'

const [nS, repeatsS] = process.argv.slice(2)
const n = Number(nS)
const log = makeLogger({ level: 'info', silent: true })
const table = new RouteTable(
  { table: 4207, proto: 250, rulePriority: 32000, port: 4207, dryRun: false },
  { ip: systemIp, log },
)
const src = parseIPv4('198.18.0.1')!
const swaps = Array.from({ length: n }, (_, i) => ({
  table: 4207,
  len: 32,
  dst: parseIPv4(simAddress(0, i))!,
  via: parseIPv4(simAddress(1, i))!,
  dev: 'ethb',
  src,
}))
await table.start()
const apply: number[] = []
const restore: number[] = []
let failed = 0
for (let r = 0; r < Number(repeatsS); r++) {
  let t = performance.now()
  if (!(await table.apply(swaps))) failed++
  apply.push(performance.now() - t)
  const installed = (await table.read()).length
  if (installed !== n) failed++
  t = performance.now()
  if (!(await table.apply([]))) failed++
  restore.push(performance.now() - t)
}
await table.stop()
process.stdout.write(`${JSON.stringify({ n, apply, restore, failed })}\n`)
