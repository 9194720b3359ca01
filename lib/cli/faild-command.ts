// The command line: faild's original flags, long forms and operator additions, each one a key of faild.json.
import { Command, InvalidArgumentError, Option } from 'commander'
import { DEFAULT_CONFIG_FILE, DEFAULTS, LIMITS } from '../config/defaults.js'
import { CONFIG_SCHEMA } from '../config/schema.js'
import { parseIPv4 } from '../core/util/ipv4.js'

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
    throw new InvalidArgumentError(
      `seconds between INQs: a number from ${LIMITS.minInterval} to ${LIMITS.maxInterval}, fractions allowed`,
    )
  }
  return n
}

function nodeId(v: string): number {
  const n = parseIPv4(v) ?? (/^\d+$/.test(v) ? Number(v) : NaN)
  if (!(n >= 1 && n <= 0xffffffff))
    throw new InvalidArgumentError('a dotted quad or a whole number from 1 to 4294967295')
  return n
}

const collect = (v: string, prev: string[]): string[] => [...prev, v]
const count = (_: string, prev: number) => prev + 1
const schema = CONFIG_SCHEMA.properties

export function buildCommand(version: string): Command {
  const cmd = new Command('faild')
    .description(
      'Keep the hosts of a dual-LAN cluster talking when one LAN path dies: probe every LAN, move host routes to the LAN that works.',
    )
    .version(version, '-V, --version')
    .option(
      '-c, --config <file>',
      `read settings from this JSON file (default: ${DEFAULT_CONFIG_FILE} when present); flags override it`,
    )
    .option('-n, --check', 'check the config, flags and host (read-only), print the effective config, exit', false)
    .option('-r, --requestor', 'also run the requestor: broadcast INQs on every LAN each interval', false)
    .addOption(
      new Option('-t, --interval <secs>', 'seconds between INQs (fractions allowed, e.g. 0.1)')
        .default(DEFAULTS.interval)
        .argParser(seconds),
    )
    .addOption(
      new Option('-f, --fail-after <n>', 'missed packets before a route is invalidated')
        .default(DEFAULTS.failAfter)
        .argParser(intIn(1, LIMITS.maxCount, 'missed packets')),
    )
    .addOption(
      new Option('-s, --up-after <n>', 'good packets in a row before it is revalidated')
        .default(DEFAULTS.upAfter)
        .argParser(intIn(1, LIMITS.maxCount, 'good packets')),
    )
    .addOption(
      new Option('-p, --port <port>', 'UDP port for INQ and ACK')
        .default(DEFAULTS.port)
        .argParser(intIn(1, 65535, 'UDP port')),
    )
  return operatorOptions(cmd)
}

/** The flags beyond the original faild's: logs, interfaces, identity, hook, socket, keys, tables. */
function operatorOptions(cmd: Command): Command {
  return cmd
    .option('-l, --log-file <file>', 'append log messages to this file (stderr gets them too); reopened on SIGHUP')
    .addOption(
      new Option('--log-format <format>', 'text lines, or JSON lines').choices(['text', 'json']).default('text'),
    )
    .addOption(
      new Option('-i, --interface <name>', 'a LAN interface, repeatable, in LAN order A, B, C...')
        .argParser(collect)
        .default([], 'every up interface, not loopback nor point-to-point, on an IPv4 subnet, in name order'),
    )
    .addOption(
      new Option('--node-id <id>', "this host's id on the wire (default: its address on LAN A)").argParser(nodeId),
    )
    .option(
      '--notify <program>',
      'run this program on every route and path change (facts in FAILD_* environment variables)',
    )
    .addOption(new Option('--control-socket <path>', 'Unix socket for faildctl').default(schema.controlSocket.default))
    .option('--metrics <address:port>', 'serve Prometheus metrics at http://address:port/metrics, e.g. 127.0.0.1:9420')
    .option('--metrics-public', '--metrics may listen on an address other hosts reach (not only loopback)')
    .addOption(
      new Option('--pid-file <path>', 'pid file, also the lock that keeps one faild per host').default(
        schema.pidFile.default,
      ),
    )
    .addOption(
      new Option('--state-dir <dir>', "keeps the boot counter that orders this host's runs").default(
        schema.stateDir.default,
      ),
    )
    .option('--key-file <file>', 'sign every packet with the first key in this file (mode 0600), accept either of two')
    .option('--cluster <name>', 'ignore packets of other clusters on the same LANs')
    .option(
      '--dynamic-interfaces',
      'start without a named interface (-i) that is absent or has no IPv4 address yet; take it in when it appears',
      false,
    )
    .option('--dry-run', 'log the route changes faild would make, make none', false)
    .option('-v, --verbose', 'log at level debug; twice (-vv): a line for every packet too', count, 0)
    .addOption(
      new Option('--table <id>', "routing table that holds faild's routes")
        .default(DEFAULTS.table)
        .argParser(intIn(1, schema.table.maximum, 'table id')),
    )
    .addOption(
      new Option('--rule-priority <n>', "priority of faild's ip rule (must be ahead of the main table's 32766)")
        .default(DEFAULTS.rulePriority)
        .argParser(intIn(1, schema.rulePriority.maximum, 'rule priority')),
    )
    .option('--print-schema', 'print the JSON Schema of the config file and exit')
    .addHelpText(
      'after',
      '\nSignals: SIGTERM or SIGINT removes every route and rule faild added, then exits 0. SIGHUP re-reads the\n' +
        'config and reopens the log file. SIGUSR1 logs the status. See faild(8) and faildctl(8).',
    )
}

/** Command-line flag (commander attribute name) -> faild.json key; -v, -vv and -i are converted below. */
const FLAG_KEYS: Readonly<Record<string, string>> = {
  requestor: 'requestor',
  interval: 'interval',
  failAfter: 'failAfter',
  upAfter: 'upAfter',
  port: 'port',
  logFile: 'logFile',
  logFormat: 'logFormat',
  nodeId: 'nodeId',
  notify: 'notify',
  controlSocket: 'controlSocket',
  metrics: 'metrics',
  metricsPublic: 'metricsPublic',
  pidFile: 'pidFile',
  stateDir: 'stateDir',
  dynamicInterfaces: 'dynamicInterfaces',
  dryRun: 'dryRun',
  keyFile: 'keyFile',
  cluster: 'cluster',
  table: 'table',
  rulePriority: 'rulePriority',
}

/** The faild.json keys the operator gave on the command line (defaults left out, so the file can set them). */
export function givenFlags(cmd: Command): Record<string, unknown> {
  const o = cmd.opts()
  const cli = (name: string) => cmd.getOptionValueSource(name) === 'cli'
  const out: Record<string, unknown> = {}
  for (const [flag, key] of Object.entries(FLAG_KEYS)) if (cli(flag)) out[key] = o[flag]
  if (cli('interface')) out.lans = (o.interface as string[]).map((name) => ({ interface: name }))
  if (cli('verbose')) out.logLevel = 'debug'
  if (cli('verbose') && (o.verbose as number) >= 2) out.logPackets = true
  return out
}
