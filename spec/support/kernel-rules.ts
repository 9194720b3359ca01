// `ip -json rule show` as the kernel answers with faild's rules installed, among others it must not touch.

/** faild's probe-exempt rule and a gateway rule (protocol 250), and three rules that are not faild's. */
export const KERNEL_RULES = [
  { priority: 0, table: 'local' },
  { priority: 32000, not: null, ipproto: 'udp', sport: 4207, table: '4207', protocol: '250' },
  { priority: 32001, table: 'main', suppress_prefixlen: 0, protocol: '250' },
  { priority: 100, table: '4207', protocol: 'static' },
  { priority: 32500, table: '4207', protocol: '250' },
  { priority: 32766, table: 'main' },
]
