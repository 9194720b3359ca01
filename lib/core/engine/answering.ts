// Which peers an INQ asks to answer: everyone in a small cluster, beyond it only those whose ACK adds something.
//
// Every INQ answered by every host makes a cluster of N requestors send N^2 ACKs per interval.
// Between requestors the ACK carries little: the peer's own INQ arriving here proves its
// direction, and its down list not naming us proves ours. So beyond ANSWER_ALL_PEERS an INQ asks
// only the peers whose ACK is the evidence: responders (they send no INQs), peers not confirmed
// yet, paths in doubt (not up, a miss counted, or the peer says it does not hear us and we do not
// believe it yet), and each peer once in rttEvery() rounds for a round-trip sample: once in
// RTT_EVERY, or in a cluster too large for that about RTT_SAMPLES peers a round, so that what a
// host answers for samples stays the same whatever the cluster's size (at 1000 requestors the
// bench's faild sent 338 packets a second instead of 1,270; a LAN's smoothed RTT still gets about
// RTT_SAMPLES a round). A peer we believe does not hear us is not named: it cannot hear the INQ and owes nothing (probe-round.ts),
// and in a fault that deafened half a large cluster its names would crowd the list into asking
// all. In a small cluster ACKs are cheap and halve the time to find a dead path (two packets owed
// per interval instead of one), so all answer.
import { LinkState } from '../path/link-fsm.js'
import { MAX_PACKET_SIZE } from '../wire/constants.js'
import { believedDeaf } from './peer.js'
import type { PeerTable } from './peer-table.js'

/** Up to this many peers, every INQ asks every receiver to answer (ANSWER-ALL). */
export const ANSWER_ALL_PEERS = 32
/** Each peer is asked at least once in this many rounds even when nothing is in doubt. */
export const RTT_EVERY = 16
/** Past RTT_EVERY x RTT_SAMPLES peers, about this many are asked a round for a sample. */
export const RTT_SAMPLES = 16

/** How many rounds apart a peer is asked for a round-trip sample, among `peers`. */
export const rttEvery = (peers: number): number => Math.max(RTT_EVERY, Math.ceil(peers / RTT_SAMPLES))
/** Beyond this many ids the list would crowd the packet: everyone is asked instead. */
const MAX_ANSWER_IDS = Math.floor(MAX_PACKET_SIZE / 8)

/** The node ids the INQ of round `seq` on `lan` asks to answer; undefined: everyone. */
export function whoAnswers(peers: PeerTable, lan: number, seq: number): number[] | undefined {
  if (peers.size <= ANSWER_ALL_PEERS) return undefined
  const ids: number[] = []
  const every = rttEvery(peers.size)
  for (const p of peers) {
    const pl = p.lans[lan]!
    if (pl.address === 0 || believedDeaf(pl)) continue
    const doubt = pl.link.state !== LinkState.Up || pl.link.missed > 0 || !pl.hearsUs
    const sample = (p.id + seq) % every === 0
    if (p.intervalMs === 0 || !p.confirmed || doubt || sample) ids.push(p.id)
    if (ids.length > MAX_ANSWER_IDS) return undefined
  }
  return ids
}
