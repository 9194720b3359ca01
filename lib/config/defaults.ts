// Operator defaults and bounds, shared by the flags, the config schema and the daemon.

/** Defaults a cautious operator accepts: detection in ~2.5 s, recovery slower than failure. */
export const DEFAULTS = {
  interval: 1, // -t seconds between INQs
  failAfter: 3, // -f missed packets before a route is invalidated
  upAfter: 5, // -s good packets before it is revalidated
  port: 4207, // -p UDP port
  table: 4207, // routing table that holds faild's routes
  rulePriority: 32000, // just ahead of the main table (32766), behind an operator's own rules
  routeProto: 250, // rtnetlink protocol number that tags faild's routes and rule
} as const

/** Each service address's reply routes live in table `--table` + this + its index (gateway tables follow `--table`). */
export const ADDRESS_TABLE_OFFSET = 40

/** Bounds on operator input; outside them the value is refused at start-up. */
export const LIMITS = {
  minInterval: 0.01,
  maxInterval: 60,
  maxCount: 1000,
} as const

/** Read when present and no -c is given. */
export const DEFAULT_CONFIG_FILE = '/etc/faild.json'
