// The list keys of faild.json's schema: its LANs, probe targets, service addresses and gateway routes, each item's properties described.
import { IFNAME } from '../core/lans.js'
import { MAX_LANS, MAX_SERVICES } from '../core/wire/constants.js'
import { ANY_PREFIX, address, anyAddress, int, LABEL, restart, SERVICE_PREFIX } from './schema-blocks.js'

export const LANS = restart({
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
        description: "Interface name, e.g. eth0 (not one holding '#', a quote or white space: ip -batch reads them).",
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
})

export const TARGETS = restart({
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
      address: anyAddress(
        "The target's address on one of this host's LANs: IPv4, or a global or ULA IPv6 address in a LAN's IPv6 subnet.",
      ),
      lan: {
        type: 'string',
        pattern: IFNAME,
        description: 'The LAN (label or interface) to probe it on; default: every LAN whose subnet holds it.',
      },
      method: {
        enum: ['icmp', 'arp'],
        default: 'arp',
        description:
          'How it is probed: ARP, or for an IPv6 target neighbour solicitation (the kernel probes the neighbour: every box answers it, firewalls too), or ICMP echo (iputils ping; for a target with a static neighbour entry here).',
      },
    },
  },
})

export const ADDRESSES = restart({
  type: 'array',
  default: [],
  maxItems: MAX_SERVICES,
  description:
    'Service addresses faild keeps on a working interface: on the first of `interfaces` whose LAN works, moved to the next (announced with gratuitous ARP, or for IPv6 an unsolicited neighbour advertisement) when it fails.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['address', 'interfaces'],
    properties: {
      address: {
        type: 'string',
        pattern: SERVICE_PREFIX,
        description:
          'The address with its prefix length, e.g. "198.18.1.100/24", or IPv6 on a LAN\'s IPv6 subnet, e.g. "2001:db8:1::100/64".',
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
})

export const ROUTES = {
  type: 'array',
  default: [],
  description:
    'Prefixes faild moves as a whole (the default route included): via the first gateway that is up. Gateways that are not targets need requestor: true.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['prefix', 'via'],
    properties: {
      prefix: {
        type: 'string',
        pattern: ANY_PREFIX,
        description: 'e.g. "0.0.0.0/0", "10.20.0.0/16", "::/0" or "2001:db8::/32".',
      },
      via: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_LANS,
        uniqueItems: true,
        items: anyAddress(
          "A gateway running faild, or a target, on one of this host's LANs: of the prefix's family; an IPv6 one by its global or ULA address in the LAN's IPv6 subnet.",
        ),
        description: "Gateways in order of preference; each must be on a LAN of this host, of the prefix's family.",
      },
      failback: {
        type: 'boolean',
        description:
          'false: after a move, stay on the gateway taken while it is up, even when a preferred one is back (default: the global failback).',
      },
    },
  },
}
