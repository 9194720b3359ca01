// The JSON Schema of faild.json: one description and default per key, the same bounds as the flags.
//
// It is built from DEFAULTS and LIMITS so the file, the flags and the help text cannot disagree;
// `faild --print-schema` prints it and the build publishes it as dist/faild.schema.json.
import { DEFAULTS, LIMITS } from './defaults.js'
import { address, CLUSTER, int, LISTEN, PATH, restart } from './schema-blocks.js'
import { ADDRESSES, LANS, ROUTES, TARGETS } from './schema-lists.js'

export { PATTERN_TEXT } from './schema-blocks.js'

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'faild configuration (faild.json)',
  description: 'Every key is optional; command-line flags override the file. Unknown keys are errors.',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'Where editors find this schema; ignored by faild.' },
    requestor: restart({
      type: 'boolean',
      default: false,
      description: '-r: also broadcast INQs on every LAN each interval.',
    }),
    interval: {
      type: 'number',
      minimum: LIMITS.minInterval,
      maximum: LIMITS.maxInterval,
      default: DEFAULTS.interval,
      description: '-t: seconds between INQs, fractions allowed.',
    },
    failAfter: int(1, LIMITS.maxCount, '-f: missed packets in a row before a path is down.', DEFAULTS.failAfter),
    upAfter: int(1, LIMITS.maxCount, '-s: good packets in a row before a down path is up again.', DEFAULTS.upAfter),
    port: restart(int(1, 65535, '-p: UDP port for INQ and ACK, the same on every host.', DEFAULTS.port)),
    logFile: {
      type: 'string',
      pattern: PATH,
      description: '-l: append log lines to this file (stderr gets them too). Reopened on SIGHUP.',
    },
    logLevel: {
      enum: ['error', 'warn', 'info', 'debug'],
      default: 'info',
      description: '-v is "debug": more detail, but no line per packet (see logPackets).',
    },
    logPackets: {
      type: 'boolean',
      default: false,
      description:
        '-vv: also log a line for every packet, received or dropped (needs logLevel "debug"; -vv sets both).',
    },
    logFormat: {
      enum: ['text', 'json'],
      default: 'text',
      description: '--log-format: text lines, or one JSON object per line.',
    },
    lans: LANS,
    nodeId: restart({
      description:
        "--node-id: this host's id on the wire, a dotted quad or a whole number (default: its address on LAN A).",
      oneOf: [address('A dotted quad.'), int(1, 0xffffffff, 'A whole number.')],
    }),
    staticPeers: {
      type: 'array',
      default: [],
      uniqueItems: true,
      items: address("A peer's address on one of this host's LANs."),
      description: 'Peers sent unicast INQs as well, for LANs where broadcast is filtered.',
    },
    ignorePeers: {
      type: 'array',
      default: [],
      uniqueItems: true,
      items: address("A peer's node id or one of its addresses."),
      description: 'Packets from these peers are dropped (counted as "ignored").',
    },
    targets: TARGETS,
    addresses: ADDRESSES,
    routes: ROUTES,
    failback: {
      type: 'boolean',
      default: true,
      description:
        'Gateway routes go back to their preferred gateway when it is up again; false: they stay where they moved while that gateway works (IPMP FAILBACK=no).',
    },
    notify: {
      type: 'string',
      pattern: PATH,
      description:
        '--notify: a program run on every route and path change, with the facts in FAILD_* environment variables.',
    },
    notifyTimeout: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 300,
      default: 10,
      description: 'Seconds before a notify program is killed.',
    },
    controlSocket: restart({
      type: 'string',
      pattern: PATH,
      default: '/run/faild/faild.sock',
      description: '--control-socket: the Unix socket faildctl talks to (mode 0600).',
    }),
    metrics: restart({
      type: 'string',
      pattern: LISTEN,
      examples: ['127.0.0.1:9420'],
      description:
        '--metrics: serve Prometheus metrics at http://address:port/metrics (off when absent). ' +
        'A non-loopback address also needs metricsPublic.',
    }),
    metricsPublic: restart({
      type: 'boolean',
      default: false,
      description:
        '--metrics-public: let metrics listen on an address other hosts reach (they show peers, routes and faults, without authentication).',
    }),
    pidFile: restart({
      type: 'string',
      pattern: PATH,
      default: '/run/faild/faild.pid',
      description: '--pid-file: holds the pid; also the lock that keeps one faild per host.',
    }),
    stateDir: restart({
      type: 'string',
      pattern: PATH,
      default: '/var/lib/faild',
      description:
        '--state-dir: keeps the boot counter, so that keyed peers never take a later run for a replay ' +
        '(even when the clock went back across a reboot).',
    }),
    keyFile: restart(
      {
        type: 'string',
        pattern: PATH,
        description:
          '--key-file: one or two secrets (one per line, mode 0600); every packet is signed with the first, ' +
          'and accepted signed with either.',
      },
      'Its keys are re-read on SIGHUP (to roll a key); setting, removing or moving the file needs a restart.',
    ),
    cluster: restart({
      type: 'string',
      pattern: CLUSTER,
      description: '--cluster: a name; faild ignores packets of other clusters on the same LANs.',
    }),
    flapDamping: {
      type: 'object',
      additionalProperties: false,
      description: 'A path that goes down again and again is held down, for longer each time it flaps while held.',
      default: {},
      properties: {
        flaps: int(
          1,
          100,
          'Penalty at which a path is held down: each down adds 1, halving every half-life (about this many downs within one half-life).',
          3,
        ),
        halfLife: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 3600,
          description: 'Seconds for the flap count to halve (default: 30 intervals).',
        },
        maxHold: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 86400,
          default: 300,
          description: 'Seconds a path is held down at most.',
        },
        enabled: { type: 'boolean', default: true, description: 'false: no damping.' },
      },
    },
    rateLimit: {
      type: 'number',
      minimum: 1,
      maximum: 1_000_000,
      description:
        'Packets per second one source address may send before the rest are dropped (default: 4 per interval, at least 200).',
    },
    wireVersion: restart(
      int(
        1,
        2,
        'Wire format: 2 (reads both; sends v1 copies too on LANs where a v1 host is heard), or 1 (reads and sends only v1, as faild 0.1).',
        2,
      ),
    ),
    maxPeers: int(
      1,
      100_000,
      'Peers faild tracks at most; packets from further new peers are dropped (counted as peer-table-full).',
      4096,
    ),
    dynamicInterfaces: restart({
      type: 'boolean',
      default: false,
      description:
        '--dynamic-interfaces: start without a named LAN interface that does not exist yet or has no IPv4 address, ' +
        'and take it in when it appears (else such a name is refused at start, as a typo would be).',
    }),
    dryRun: restart({ type: 'boolean', default: false, description: '--dry-run: log the route changes, make none.' }),
    table: restart(int(1, 0xfffffeff, "--table: the routing table that holds faild's host routes.", DEFAULTS.table)),
    rulePriority: restart(
      int(
        1,
        32765 - 2 * 33,
        "--rule-priority: priority of faild's ip rules (ahead of main's 32766; gateway routes use the next ones).",
        DEFAULTS.rulePriority,
      ),
    ),
  },
} as const

export type ConfigKey = keyof typeof CONFIG_SCHEMA.properties
