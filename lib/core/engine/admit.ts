// Whether a decoded packet is let in: the drop checks of receive(), in order, as a table.
import type { Message } from '../wire/message.js'
import type { EngineConfig } from './config.js'
import type { DropReason } from './effects.js'
import type { Peer } from './peer.js'
import type { PeerTable } from './peer-table.js'
import type { AckVerdict, ProbeRounds } from './probe-round.js'
import { advertisesImplausible, claimsKept, notThePeer, type TrustConfig } from './trust.js'

/** What the checks may ask of the engine; none of them changes anything. */
export interface AdmitContext {
  readonly nodeId: number
  readonly requestor: boolean
  /** 0: none. */
  readonly cluster: number
  readonly authenticated: boolean
  readonly maxPeers: number
  /** Node ids and addresses to drop. */
  readonly ignore: ReadonlySet<number>
  /** This host's addresses and prefix lengths, the thresholds: what the address rules read (trust.ts). */
  readonly trust: TrustConfig
  readonly peerCount: number
  /** Peers a newcomer to a full table may evict. */
  readonly unconfirmed: number
  peer(id: number): Peer | undefined
  holderOf(lan: number, address: number): Peer | undefined
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
    requestor: cfg.requestor,
    cluster: cfg.cluster ?? 0,
    authenticated: cfg.authenticated ?? false,
    maxPeers: cfg.maxPeers ?? Infinity,
    ignore,
    trust: cfg,
    get peerCount() {
      return peers.size
    },
    get unconfirmed() {
      return peers.unconfirmed
    },
    peer: (id) => peers.get(id),
    holderOf: (lan, address) => peers.holderOf(lan, address),
    ackVerdict: (lan, from, seq) => rounds.verdict(lan, from, seq),
  }
}

/** One packet as it arrived: at `now` on LAN `lan` from source address `src`. */
export interface Arrival {
  readonly now: number
  readonly lan: number
  readonly src: number
  readonly msg: Message
}

/** Our own broadcast, looped back: dropped without a count. */
export type Admission = DropReason | 'looped-back'

/**
 * `peer`: the sender's entry, looked up once per packet; `known`: the packet comes from the peer's
 * address there and advertises what the table holds (a known peer's every packet but the rare
 * one): the address rules have nothing to check.
 */
type Check = (a: Arrival, c: AdmitContext, peer: Peer | undefined, known: boolean) => boolean

const isAck = (a: Arrival): boolean => a.msg.kind === 'ack'
/** An INQ that wants an answer (interval 0: a notice). */
const isProbe = (a: Arrival): boolean => a.msg.kind === 'inq' && a.msg.intervalMs > 0
const isInq = (a: Arrival): boolean => a.msg.kind === 'inq'

/** The first row whose check holds drops the packet; the order is part of the protocol. */
export const ADMIT: ReadonlyArray<readonly [Admission, Check]> = [
  ['wrong-cluster', ({ msg }, c) => msg.cluster !== c.cluster],
  ['looped-back', ({ msg, src, lan }, c) => msg.from === c.nodeId && src === c.trust.addresses[lan]],
  ['id-clash', ({ msg }, c) => msg.from === c.nodeId],
  ['ignored', ({ msg, src }, c) => c.ignore.size > 0 && (c.ignore.has(msg.from) || c.ignore.has(src))],
  ['wrong-lan', ({ msg, lan }, c) => msg.lan !== lan || lan >= c.trust.addresses.length],
  ['spoofed-source', ({ msg, src, lan }) => msg.addresses[lan] !== src],
  // Before any route: an address no host on that LAN can have (trust.ts).
  ['implausible-address', (a, c, p, known) => !known && advertisesImplausible(a.msg, p, c.trust)],
  // A known peer id from another address: a forged notice, down list or ACK.
  ['not-the-peer', (a, c, p, known) => !known && notThePeer(p, a.lan, a.src, a.now, c.trust)],
  ['address-claimed', (a, c, p, known) => !known && claimsKept(a.msg, p, a.now, c.trust, c.holderOf)],
  ['not-for-us', (a, c) => a.msg.kind === 'ack' && a.msg.to !== c.nodeId],
  ['unsolicited-ack', (a, c) => isAck(a) && !c.requestor],
  // An ACK counts once, for a round still open: a replayed one is late or a duplicate, key or not.
  ['late-ack', (a, c) => isAck(a) && c.ackVerdict(a.lan, a.msg.from, a.msg.seq) === 'late'],
  ['duplicate-ack', (a, c) => isAck(a) && c.ackVerdict(a.lan, a.msg.from, a.msg.seq) === 'duplicate'],
  // Sent both broadcast and unicast (a static peer): the second copy.
  ['duplicate-inq', (a, _, p) => isProbe(a) && seqOrder(a, p) === 'same'],
  // Only a key makes a sequence number evidence (see seqOrder): then an INQ or notice not newer is a replay.
  ['replayed', (a, c, p) => c.authenticated && isInq(a) && seqOrder(a, p) !== 'new'],
  ['peer-table-full', (_, c, p) => !p && c.peerCount >= c.maxPeers && c.unconfirmed === 0],
  // With a key, an earlier run of a known peer is a replay; without one, a clock set back at reboot.
  ['replayed', ({ msg }, c, p) => c.authenticated && isEarlierRun(msg.boot, p)],
]

/** Why the packet is dropped, or undefined if it is let in. */
export function admit(a: Arrival, c: AdmitContext): Admission | undefined {
  const peer = c.peer(a.msg.from)
  const known = peer !== undefined && peer.lans[a.lan]?.address === a.src && holds(peer, a.msg.addresses)
  for (const [reason, drops] of ADMIT) if (drops(a, c, peer, known)) return reason
  return undefined
}

/**
 * An INQ or notice of the sender's current run against the last one heard on this LAN: the same,
 * an older one, or new. Both come from one counter in the sender. Without a key this orders
 * nothing: anyone can send any number, and one far ahead would shut out every genuine INQ after
 * it, so only an exact repeat is dropped (a static peer's second copy).
 */
export function seqOrder({ msg, lan }: Arrival, peer: Peer | undefined): 'same' | 'older' | 'new' {
  const last = peer?.lans[lan]?.lastSeq
  if (!peer || peer.boot !== msg.boot || last === undefined || last < 0) return 'new'
  return msg.seq === last ? 'same' : newer(msg.seq, last) ? 'new' : 'older'
}

/** The table holds exactly these addresses for the peer, on every LAN of this host. */
export function holds(peer: Peer, addresses: readonly number[]): boolean {
  for (let lan = 0; lan < peer.lans.length; lan++) if (peer.lans[lan]!.address !== (addresses[lan] ?? 0)) return false
  return true
}

function isEarlierRun(boot: number, known: Peer | undefined): boolean {
  return known !== undefined && boot !== known.boot && !newer(boot, known.boot)
}

/** Serial-number order (RFC 1982) on u32: a is after b, within half the space. */
export function newer(a: number, b: number): boolean {
  const d = (a - b) >>> 0
  return d !== 0 && d < 0x80000000
}
