// The command line: faild's original flags, long forms and operator additions, validated before anything runs.
import { Command, InvalidArgumentError, Option } from 'commander'
import { DEFAULTS, LIMITS } from './constants.js'
import { parseIPv4 } from './ipv4.js'

export interface Options {
  readonly requestor: boolean
  /** Seconds between INQs. */
  readonly interval: number
  readonly failAfter: number
  readonly upAfter: number
  readonly port: number
  readonly logFile: string | undefined
  readonly interfaces: readonly string[]
  /** Undefined: this host's address on LAN A. */
  readonly nodeId: number | undefined
  readonly dryRun: boolean
  readonly verbose: number
  readonly table: number
  readonly rulePriority: number
}

const intIn = (min: number, max: number, what: string) => (v: string) => {
  const n = Number(v)
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${what}: a whole number from ${min} to ${max}`)
  }
  return n
}

function seconds(v: string): number {
  const n = Number(v)
  if (!/^\s*(\d+\.?\d*|\.\d+)\s*$/.test(v) || !(n >= LIMITS.minInterval && n <= LIMITS.maxInterval)) {
    throw new InvalidArgumentError(`seconds between INQs: a number from ${LIMITS.minInterval} to ${LIMITS.maxInterval}, fractions allowed`)
  }
  return n
}

function nodeId(v: string): number {
  const n = parseIPv4(v) ?? (/^\d+$/.test(v) ? Number(v) : NaN)
  if (!(n >= 1 && n <= 0xffffffff)) throw new InvalidArgumentError('a dotted quad or a whole number from 1 to 4294967295')
  return n
}

const collect = (v: string, prev: string[]): string[] => [...prev, v]
const count = (_: string, prev: number) => prev + 1

export function buildCommand(version: string): Command {
  return new Command('faild')
    .description('Keep the hosts of a dual-LAN cluster talking when one LAN path dies: probe every LAN, move host routes to the LAN that works.')
    .version(version, '-V, --version')
    .option('-r, --requestor', 'also run the requestor: broadcast INQs on every LAN each interval', false)
    .addOption(new Option('-t, --interval <secs>', 'seconds between INQs (fractions allowed, e.g. 0.1)').default(DEFAULTS.interval).argParser(seconds))
    .addOption(new Option('-f, --fail-after <n>', 'missed packets before a route is invalidated').default(DEFAULTS.failAfter).argParser(intIn(1, LIMITS.maxCount, 'missed packets')))
    .addOption(new Option('-s, --up-after <n>', 'good packets in a row before it is revalidated').default(DEFAULTS.upAfter).argParser(intIn(1, LIMITS.maxCount, 'good packets')))
    .addOption(new Option('-p, --port <port>', 'UDP port for INQ and ACK').default(DEFAULTS.port).argParser(intIn(1, 65535, 'UDP port')))
    .option('-l, --log-file <file>', 'append log messages to this file (stderr gets them too)')
    .addOption(new Option('-i, --interface <name>', 'a LAN interface, repeatable, in LAN order A, B, C...').argParser(collect).default([], 'every up, non-loopback IPv4 interface with a broadcast address, in name order'))
    .addOption(new Option('--node-id <id>', "this host's id on the wire (default: its address on LAN A)").argParser(nodeId))
    .option('--dry-run', 'log the route changes faild would make, make none', false)
    .option('-v, --verbose', 'log every packet too (debug level)', count, 0)
    .addOption(new Option('--table <id>', "routing table that holds faild's routes").default(DEFAULTS.table).argParser(intIn(1, 0xfffffeff, 'table id')))
    .addOption(new Option('--rule-priority <n>', "priority of faild's ip rule (must be ahead of the main table's 32766)").default(DEFAULTS.rulePriority).argParser(intIn(1, 32765, 'rule priority')))
    .addHelpText('after', '\nSignals: SIGTERM or SIGINT removes every route and rule faild added, then exits 0.')
}

/** Map commander's parsed values onto Options. */
export function toOptions(o: Record<string, unknown>): Options {
  return {
    requestor: o.requestor === true,
    interval: o.interval as number,
    failAfter: o.failAfter as number,
    upAfter: o.upAfter as number,
    port: o.port as number,
    logFile: o.logFile as string | undefined,
    interfaces: o.interface as string[],
    nodeId: o.nodeId as number | undefined,
    dryRun: o.dryRun === true,
    verbose: o.verbose as number,
    table: o.table as number,
    rulePriority: o.rulePriority as number,
  }
}
