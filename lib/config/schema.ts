// The JSON Schema of faild.json: one description and default per key, the same bounds as the flags.
//
// It is built from DEFAULTS and LIMITS so the file, the flags and the help text cannot disagree;
// `faild --print-schema` prints it and the build publishes it as dist/faild.schema.json.
import { IFNAME } from '../core/lans.js'
import { MAX_LANS } from '../core/wire/constants.js'
import { DEFAULTS, LIMITS } from './defaults.js'

const QUAD = '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$'
const PREFIX = `${QUAD.slice(0, -1)}/([0-9]|[12][0-9]|3[0-2])$`

/**
 * A file or program path: it reaches open(2), spawn(2) and log lines, so no control character
 * (a NUL would stop faild at the first open, a newline would forge a log line).
 */
const PATH = '^[^\\u0000-\\u001f\\u007f]{1,4096}$'

const PORT = '([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])'
/** address:port to listen on: an IPv4 address, or IPv6 loopback as [::1]. */
const LISTEN = `^(${QUAD.slice(1, -1)}|\\[::1\\]):${PORT}$`

const LABEL = '^[A-Za-z0-9_-]{1,16}$'
const CLUSTER = '^[A-Za-z0-9._-]{1,64}$'

/** What a value that fails each pattern must be, for the error that names the key. */
export const PATTERN_TEXT: Readonly<Record<string, string>> = {
  [QUAD]: 'must be a dotted-quad IPv4 address',
  [PREFIX]: 'must be an IPv4 prefix like 10.0.0.0/16',
  [PATH]: 'must be a path of 1 to 4096 characters, none of them a control character (NUL, newline...)',
  [IFNAME]: 'must be an interface name of 1 to 15 characters, without / : # quotes or white space, not . or ..',
  [LISTEN]: 'must be address:port, like 127.0.0.1:9420 (an IPv4 address, or [::1]; port 1 to 65535)',
  [LABEL]: 'must be 1 to 16 letters, digits, _ or -',
  [CLUSTER]: 'must be 1 to 64 letters, digits, ., _ or -',
}

const address = (description: string) => ({ type: 'string', pattern: QUAD, description })
const int = (minimum: number, maximum: number, description: string, def?: number) => ({
  type: 'integer',
  minimum,
  maximum,
  description,
  ...(def === undefined ? {} : { default: def }),
})

/**
 * Marks a key bound at start: a reload (SIGHUP, faildctl reload) leaves it as it was and reports it
 * as waiting for a restart. `"x-restart"` is a keyword of faild's own; validator.ts registers it.
 */
const restart = <T extends { description: string }>(p: T, note = 'Changes only at restart.') => ({
  ...p,
  description: `${p.description} ${note}`,
  'x-restart': true as const,
})

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
    lans: restart({
      type: 'array',
      maxItems: MAX_LANS,
      default: [],
      description:
        '-i: the LAN interfaces in LAN order (A, B, ...), the same order on every host. ' +
        'Default: every up interface, not loopback nor point-to-point, on an IPv4 subnet (not a /32), in name order.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['interface'],
        properties: {
          interface: {
            type: 'string',
            pattern: IFNAME,
            description:
              "Interface name, e.g. eth0 (not one holding '#', a quote or white space: ip -batch reads them).",
          },
          label: {
            type: 'string',
            pattern: LABEL,
            description: 'Name in logs and faildctl (default A, B, C...).',
          },
          preference: int(
            0,
            1000,
            'Lower is preferred when choosing the LAN that carries traffic of a dead path (default: LAN order).',
          ),
          name: {
            type: 'string',
            pattern: LABEL,
            description:
              'What the LAN is, carried on the wire (e.g. storage): hosts pair LANs by it where both name them, else by subnet.',
          },
        },
      },
    }),
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
    targets: restart({
      type: 'array',
      default: [],
      maxItems: 64,
      description:
        'Boxes that run no faild (a router, an array), probed every interval on their LAN and judged with -f/-s like a peer; gateway routes may go via them.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['address'],
        properties: {
          address: address("The target's IPv4 address, on one of this host's LANs."),
          lan: {
            type: 'string',
            pattern: IFNAME,
            description: 'The LAN (label or interface) to probe it on; default: every LAN whose subnet holds it.',
          },
          method: {
            enum: ['icmp', 'arp'],
            default: 'arp',
            description:
              'How it is probed: ARP (the kernel probes the neighbour: every IPv4 box answers it, firewalls too), or ICMP echo (iputils ping; for a target with a static ARP entry here).',
          },
        },
      },
    }),
    addresses: restart({
      type: 'array',
      default: [],
      maxItems: 16,
      description:
        'Service addresses faild keeps on a working interface: on the first of `interfaces` whose LAN works, moved to the next (announced with gratuitous ARP) when it fails.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['address', 'interfaces'],
        properties: {
          address: {
            type: 'string',
            pattern: PREFIX,
            description: 'The address with its prefix length, e.g. "198.18.1.100/24".',
          },
          interfaces: {
            type: 'array',
            minItems: 2,
            maxItems: MAX_LANS,
            uniqueItems: true,
            items: { type: 'string', pattern: IFNAME, description: "One of faild's LAN interfaces." },
            description: 'Where the address may live, in order of preference.',
          },
          watch: {
            type: 'array',
            uniqueItems: true,
            items: address('A target (see targets) whose answers say the interface works.'),
            description:
              'An interface works while one of these targets answers on its LAN (default: while any target or faild peer answers there, or, with none, while it has carrier).',
          },
          failback: {
            type: 'boolean',
            description: 'false: stay on the interface taken while it works (default: the global failback).',
          },
          owned: {
            type: 'boolean',
            default: false,
            description: "true: faild removes the address when it stops (default: it is the host's, and stays).",
          },
        },
      },
    }),
    routes: {
      type: 'array',
      default: [],
      description:
        'Prefixes faild moves as a whole (the default route included): via the first gateway that is up. Gateways that are not targets need requestor: true.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['prefix', 'via'],
        properties: {
          prefix: { type: 'string', pattern: PREFIX, description: 'e.g. "0.0.0.0/0" or "10.20.0.0/16".' },
          via: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_LANS,
            uniqueItems: true,
            items: address("A gateway running faild, or a target, on one of this host's LANs."),
            description: 'Gateways in order of preference; each must be on a LAN of this host.',
          },
          failback: {
            type: 'boolean',
            description:
              'false: after a move, stay on the gateway taken while it is up, even when a preferred one is back (default: the global failback).',
          },
        },
      },
    },
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
