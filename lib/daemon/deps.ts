// What the daemon is given from outside: the clock, the log, `ip`, and the edges a spec replaces with fakes.
import type { CarrierWatch } from '../host/carrier-watch.js'
import type { Clock } from '../host/clock.js'
import type { IpRunner } from '../host/ip-runner.js'
import type { Logger } from '../host/log.js'
import type { NotifyEvent } from '../host/notify.js'
import type { OfflineStore } from '../host/offline-file.js'
import type { SocketFactory } from '../host/udp-socket.js'
import type { DaemonObserver } from './observer.js'
import type { Defer } from './scheduler.js'

export interface DaemonDeps {
  readonly clock: Clock
  readonly log: Logger
  readonly ip: IpRunner
  readonly socketFactory?: SocketFactory
  /** For the IPv6 sockets of IPv6-only LANs; default: udp6. */
  readonly socketFactory6?: SocketFactory
  /** Default: a CarrierMonitor on `ip -o monitor link`. */
  readonly carrierWatch?: (ifaces: readonly string[]) => CarrierWatch
  /** Told of every path, route and peer change (the --notify hook); must return at once. */
  readonly notify?: (e: NotifyEvent) => void
  /** For the status report. */
  readonly version?: string
  /** Runs a callback after the next poll for I/O; default setImmediate. */
  readonly defer?: Defer
  /** The boot id of each start (host/boot-counter.ts); default: the wall clock's. */
  readonly boot?: () => number
  /** Datagrams the kernel dropped at the sockets on a port; default: from /proc/net/udp. */
  readonly socketDrops?: (port: number) => number
  /** Told of plans, route batches and flap holds (metrics, systemd status); never per packet. */
  readonly observer?: DaemonObserver
  /** Where the LANs taken offline are kept across a restart (host/offline-file.ts); none: in memory. */
  readonly offline?: OfflineStore
}
