// faild -n's read-only checks of this host: what would refuse the start once the config is valid.
import { placeGateways, tunables, unplaced } from '../config/derive.js'
import type { Options } from '../config/types.js'
import { InterfaceError, type Lan } from '../core/lans.js'
import { KeyFileError } from '../core/wire/keys.js'
import { type IpRunner, systemIp } from '../host/ip-runner.js'
import { readKeyFile } from '../host/key-file.js'
import { discoverLans } from '../host/lan-discovery.js'
import { unwritable } from '../host/log-file.js'

/** What this host has against valid options, as lines naming the key (and flag); none: faild would start. */
export type HostChecks = (o: Options) => Promise<string[]>

/** The checks of faild's start, read-only: `ip -json addr show` and the key file; `ip` injectable for specs. */
export function hostChecks(ip: IpRunner = systemIp): HostChecks {
  return async (o) => [...keyFileProblems(o), ...logFileProblems(o), ...(await lanProblems(ip, o))]
}

/** The start refuses a log file it cannot append to: so does -n (faild.8: what passes -n starts). */
function logFileProblems(o: Options): string[] {
  const bad = o.logFile === undefined ? undefined : unwritable(o.logFile)
  return bad ? [`/logFile (-l, --log-file): ${o.logFile} cannot be opened for appending: ${bad}`] : []
}

function keyFileProblems(o: Options): string[] {
  if (o.keyFile === undefined) return []
  try {
    readKeyFile(o.keyFile)
    return []
  } catch (err) {
    if (err instanceof KeyFileError) return [`/keyFile (--key-file): ${err.message}`]
    throw err
  }
}

async function lanProblems(ip: IpRunner, o: Options): Promise<string[]> {
  let lans: Lan[]
  try {
    lans = await discoverLans(ip, o.lans, o.dynamicInterfaces)
  } catch (err) {
    if (err instanceof InterfaceError) return [`/lans (-i, --interface): ${err.message}`]
    return [`cannot list this host's interfaces: ${(err as Error).message}`]
  }
  const problems = unplaced(o, lans)
  if (problems.length > 0) return problems
  try {
    // What the start does with them: anything unplaced() missed would still be caught here.
    placeGateways(o, lans)
    tunables(o, lans)
  } catch (err) {
    if (err instanceof InterfaceError) return [err.message]
    throw err
  }
  return []
}
