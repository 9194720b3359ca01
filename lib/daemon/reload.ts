// A reloaded config: prepared in full before anything changes (what applies now, what waits for a restart), then applied.
import { placeGateways, placeGateways6, rateLimit, tunables } from '../config/derive.js'
import { optionChecks } from '../config/option-checks.js'
import { keepRestartKeys, pendingRestart } from '../config/restart.js'
import type { Options } from '../config/types.js'
import type { Tunables } from '../core/engine/engine.js'
import type { Lan } from '../core/lans.js'
import type { Gateway, Gateway6 } from '../core/routes/gateway.js'
import { RateLimiter } from '../core/util/rate-limit.js'
import type { WireKey } from '../core/wire/message.js'
import { readKeyFile } from '../host/key-file.js'
import { type Parts, targetConfig } from './parts.js'

export interface Prepared {
  /** The new options, with the restart-only keys kept as they run. */
  readonly options: Options
  readonly tunables: Tunables
  readonly gateways: Gateway[]
  readonly gateways6: Gateway6[]
  readonly keys: WireKey[]
  readonly limiter: RateLimiter
  /** Keys that changed but apply only at the next start. */
  readonly pending: string[]
}

/** Everything a reload needs, or an Error naming what cannot be applied; changes nothing. */
export function prepareReload(running: Options, next: Options, lans: readonly Lan[], signing: boolean): Prepared {
  const pending = pendingRestart(running, next)
  const options = keepRestartKeys(running, next)
  const broken = optionChecks(options)
  if (broken.length > 0) {
    const which = pending.length === 1 ? 'which changes' : 'which change'
    const kept = pending.length > 0 ? ` (checked with the running ${pending.join(', ')}, ${which} only at restart)` : ''
    throw new Error(`${broken.join('; ')}${kept}`)
  }
  const keys = options.keyFile ? readKeyFile(options.keyFile) : []
  if (keys.length > 0 !== signing) throw new Error('the key file holds no key any more: restart faild to run unsigned')
  return {
    options,
    tunables: tunables(options, lans),
    gateways: placeGateways(options, lans),
    gateways6: placeGateways6(options, lans),
    keys,
    limiter: new RateLimiter(rateLimit(options)),
    pending: [...pending, ...addressFailback(running, next)],
  }
}

/**
 * The global failback applies at once to gateway routes, but the service addresses (placed at
 * start, their list a restart key) took it then: said as waiting for a restart where one of them
 * follows it.
 */
function addressFailback(running: Options, next: Options): string[] {
  const follows = running.addresses.some((a) => a.failback === undefined)
  return follows && running.failback !== next.failback ? ['failback (for the service addresses without their own)'] : []
}

/** Hand a prepared reload to the running parts: thresholds, interval, keys, rate limit, probe targets, gateway routes. */
export async function applyReload(p: Parts, r: Prepared): Promise<void> {
  p.engine.configure(r.tunables)
  p.packets.configure(r.limiter, r.keys, r.options.logPackets)
  p.drops.verbose = r.options.logPackets
  p.effects.key = r.keys[0]
  p.scheduler.intervalMs = r.options.interval * 1000
  p.probes.configure(targetConfig(r.options))
  await p.sync.regroupGateways(
    r.gateways.map((g) => g.len),
    r.options.table,
  )
  const lengths6 = r.gateways6.map((g) => g.len)
  if (p.routes6.running) await p.sync.regroupGateways6(() => p.routes6.setGatewayLengths(lengths6), r.options.table)
}
