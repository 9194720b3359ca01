// faild.json as the schema describes it, after ajv filled in the defaults: what resolve.ts turns into Options.
import type { LanSpec, LogFormat, LogLevel } from './types.js'

export interface ConfigFile {
  requestor: boolean
  interval: number
  failAfter: number
  upAfter: number
  port: number
  logFile?: string
  logLevel: LogLevel
  logPackets: boolean
  logFormat: LogFormat
  lans: LanSpec[]
  nodeId?: string | number
  staticPeers: string[]
  ignorePeers: string[]
  targets: Array<{ address: string; lan?: string; method: 'icmp' | 'arp' }>
  addresses: Array<{
    address: string
    interfaces: string[]
    watch?: string[]
    failback?: boolean
    owned: boolean
  }>
  routes: Array<{ prefix: string; via: string[]; failback?: boolean }>
  failback: boolean
  notify?: string
  notifyTimeout: number
  controlSocket: string
  metrics?: string
  metricsPublic: boolean
  pidFile: string
  stateDir: string
  dynamicInterfaces: boolean
  dryRun: boolean
  table: number
  rulePriority: number
  keyFile?: string
  cluster?: string
  flapDamping: { enabled: boolean; flaps: number; halfLife?: number; maxHold: number }
  rateLimit?: number
  maxPeers: number
  wireVersion: number
}
