// Whether a decoded packet is let in: the drop checks of receive(), in order, as a table.
import type { Message } from '../wire/codec.js'
import type { EngineConfig } from './config.js'
import type { DropReason } from './effects.js'
import type { Peer, PeerTable } from './peer-table.js'
import type { AckVerdict, ProbeRounds } from './probe-round.js'

/** What the checks may ask of the engine; none of them changes anything. */
export interface AdmitContext {
  readonly nodeId: number
  readonly addresses: readonly number[]
  readonly requestor: boolean
  /** 0: none. */
  readonly cluster: number
  readonly strictBoot: boolean
  readonly maxPeers: number
  /** Node ids and addresses to drop. */
  readonly ignore: ReadonlySet<number>
  readonly peerCount: number
  peer(id: number): Peer | undefined
  ackVerdict(lan: number, from: number, seq: number): AckVerdict
}

/** What the checks read of the engine's parts: built once per configuration, live through getters. */
export function admitContext(
  cfg: EngineConfig,
  ignore: ReadonlySet<number>,
  peers: PeerTable,
  rounds: ProbeRounds,
): AdmitContext {
  return {
    nodeId: cfg.nodeId,
    addresses: cfg.addresses,
    requestor: cfg.requestor,
    cluster: cfg.cluster ?? 0,
    strictBoot: cfg.strictBoot ?? false,
    maxPeers: cfg.maxPeers ?? Infinity,
    ignore,
    get peerCount() {
      return peers.size
    },
    peer: (id) => peers.get(id),
    ackVerdict: (lan, from, seq) => rounds.verdict(lan, from, seq),
  }
}

/** One packet as it arrived: on LAN `lan` from source address `src`. */
export interface Arrival {
  readonly lan: number
  readonly src: number
  readonly msg: Message
}

/** Our own broadcast, looped back: dropped without a count. */
export type Admission = DropReason | 'looped-back'

type Check = (a: Arrival, c: AdmitContext) => boolean

const isAck = (a: Arrival): boolean => a.msg.kind === 'ack'
/** An INQ that wants an answer (a notice, interval 0, carries no sequence worth ordering). */
const isProbe = (a: Arrival): boolean => a.msg.kind === 'inq' && a.msg.intervalMs > 0

/** The first row whose check holds drops the packet; the order is part of the protocol. */
export const ADMIT: ReadonlyArray<readonly [Admission, Check]> = [
  ['wrong-cluster', ({ msg }, c) => msg.cluster !== c.cluster],
  ['looped-back', ({ msg, src, lan }, c) => msg.from === c.nodeId && src === c.addresses[lan]],
  ['id-clash', ({ msg }, c) => msg.from === c.nodeId],
  ['ignored', ({ msg, src }, c) => c.ignore.size > 0 && (c.ignore.has(msg.from) || c.ignore.has(src))],
  ['wrong-lan', ({ msg, lan }, c) => msg.lan !== lan || lan >= c.addresses.length],
  ['spoofed-source', ({ msg, src, lan }) => msg.addresses[lan] !== src],
  ['not-for-us', (a, c) => a.msg.kind === 'ack' && a.msg.to !== c.nodeId],
  ['unsolicited-ack', (a, c) => isAck(a) && !c.requestor],
  ['late-ack', (a, c) => isAck(a) && c.ackVerdict(a.lan, a.msg.from, a.msg.seq) === 'late'],
  ['duplicate-ack', (a, c) => isAck(a) && c.ackVerdict(a.lan, a.msg.from, a.msg.seq) === 'duplicate'],
  // Sent both broadcast and unicast (a static peer): the second copy.
  ['duplicate-inq', (a, c) => isProbe(a) && inqOrder(a, c.peer(a.msg.from)) === 'same'],
  ['replayed', (a, c) => isProbe(a) && inqOrder(a, c.peer(a.msg.from)) === 'older'],
  ['peer-table-full', ({ msg }, c) => !c.peer(msg.from) && c.peerCount >= c.maxPeers],
  // With a key, an earlier run of a known peer is a replay; without one, a clock set back at reboot.
  ['replayed', ({ msg }, c) => c.strictBoot && isEarlierRun(msg.boot, c.peer(msg.from))],
]

/** Why the packet is dropped, or undefined if it is let in. */
export function admit(a: Arrival, c: AdmitContext): Admission | undefined {
  for (const [reason, drops] of ADMIT) if (drops(a, c)) return reason
  return undefined
}

/** An INQ of the sender's current run: the one last heard on this LAN, an older one, or new. */
export function inqOrder({ msg, lan }: Arrival, peer: Peer | undefined): 'same' | 'older' | 'new' {
  const last = peer?.lans[lan]?.inqSeq
  if (!peer || peer.boot !== msg.boot || last === undefined || last < 0) return 'new'
  return msg.seq === last ? 'same' : newer(msg.seq, last) ? 'new' : 'older'
}

function isEarlierRun(boot: number, known: Peer | undefined): boolean {
  return known !== undefined && boot !== known.boot && !newer(boot, known.boot)
}

/** Serial-number order (RFC 1982) on u32: a is after b, within half the space. */
export function newer(a: number, b: number): boolean {
  const d = (a - b) >>> 0
  return d !== 0 && d < 0x80000000
}
