// Finds this host's LANs: reads `ip -json addr show` and applies the configured names, labels and preferences.
import type { LanSpec } from '../config/types.js'
import { InterfaceError, type IpLink, type Lan, type ServiceSet, selectLans } from '../core/lans.js'
import { MAX_LANS } from '../core/wire/constants.js'
import { lanTag } from '../core/wire/lan-tag.js'
import { type IpRunner, ipJson } from './ip-runner.js'

/** `services`: faild's service addresses, never taken for a LAN's own. */
export async function discoverLans(
  ip: IpRunner,
  specs: readonly LanSpec[],
  dynamic = false,
  services?: ServiceSet,
): Promise<Lan[]> {
  if (specs.length > MAX_LANS) throw new InterfaceError(`at most ${MAX_LANS} interfaces`)
  const lans = selectLans(
    await ipJson<IpLink[]>(ip, ['addr', 'show']),
    specs.map((s) => s.interface),
    dynamic,
    services,
  )
  return lans.map((l, i) => ({
    ...l,
    label: specs[i]?.label ?? l.label,
    preference: specs[i]?.preference ?? l.preference,
    nameTag: specs[i]?.name === undefined ? 0 : lanTag(specs[i]!.name!),
  }))
}
