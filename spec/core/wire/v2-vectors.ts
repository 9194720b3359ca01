// Wire format 2's golden vectors, written field by field, shared by the v2 specs (the MAC and tags checked with Python's hmac).
import type { WireKey } from '../../../lib/core/wire/message.js'
import type { Packet, PacketLan } from '../../../lib/core/wire/packet.js'

/** Hex with spaces and bars for reading: the bytes without them. */
export const hex = (s: string): string => s.replace(/[\s|]/g, '')
export const bytes = (s: string): Buffer => Buffer.from(hex(s), 'hex')

/** The signing key of v1's vectors, and another one the decoder may also hold. */
export const KEY: WireKey = { id: 0x5a, secret: Buffer.from('correct horse battery staple 2026') }
export const OTHER_KEY: WireKey = { id: 0x11, secret: Buffer.from('the next key, rolled in 2027 ....') }
/** lanTag('lan-a'), lanTag('lan-b'), clusterTag('plant-north'). */
export const TAG_A = 0x168fe2cc
export const TAG_B = 0x184ff753
export const CLUSTER = 0x10d4522a

const v4 = (address: string, prefix = 24) => ({ family: 4 as const, prefix, address })
const lan = (slot: number, over: Partial<PacketLan> = {}): PacketLan => ({
  slot,
  outOfService: false,
  preferred: false,
  nameTag: 0,
  addresses: [v4(`198.18.${slot + 1}.1`)],
  ...over,
})

/** The smallest INQ: one LAN, one address, every receiver answers. */
export const minInq: Packet = {
  version: 2,
  kind: 'inq',
  from: 0xc6120101,
  boot: 0x01020304,
  seq: 7,
  to: 0,
  intervalMs: 100,
  slot: 0,
  answerAll: true,
  answer: [],
  lans: [lan(0)],
  down: [],
  cluster: 0,
}
export const MIN_INQ = hex(`
  fa1d 02 01 | c6120101 | 01020304 | 00000007 | 00000000 | 0064 | 00 | 01
  01 00 000e | 00 00 01 00 | 00000000 | 04 18 c6120101`)

/** A responder's ACK on its slot 1, with a down list and how many peers it hears. */
export const ack: Packet = {
  ...minInq,
  kind: 'ack',
  from: 0xc6120102,
  boot: 0xdeadbeef,
  to: 0xc6120101,
  intervalMs: 0,
  slot: 1,
  answerAll: false,
  lans: [lan(0, { addresses: [v4('198.18.1.2')] }), lan(1, { addresses: [v4('198.18.2.2')] })],
  down: [0xc6120103],
  heard: 2,
}
export const ACK = hex(`
  fa1d 02 02 | c6120102 | deadbeef | 00000007 | c6120101 | 0000 | 01 | 00
  01 00 000e | 00 00 01 00 | 00000000 | 04 18 c6120102
  01 00 000e | 01 00 01 00 | 00000000 | 04 18 c6120202
  02 00 0004 | c6120103
  05 00 0002 | 0002`)

/** A notice on slot 1: slot 0 is out of service, slot 1 the preferred detour; tagged with a cluster. */
export const notice: Packet = {
  ...minInq,
  kind: 'notice',
  seq: 8,
  slot: 1,
  answerAll: false,
  lans: [lan(0, { outOfService: true }), lan(1, { preferred: true })],
  cluster: CLUSTER,
}
export const NOTICE = hex(`
  fa1d 02 03 | c6120101 | 01020304 | 00000008 | 00000000 | 0064 | 01 | 00
  01 00 000e | 00 01 01 00 | 00000000 | 04 18 c6120101
  01 00 000e | 01 02 01 00 | 00000000 | 04 18 c6120201
  04 00 0004 | 10d4522a`)

/** Two named LANs, the first dual-stack; only two nodes are asked to answer; the sender is 250 ms behind. */
export const dualStack: Packet = {
  ...minInq,
  seq: 9,
  answerAll: false,
  answer: [0xc6120102, 0xc6120103],
  lans: [
    lan(0, { nameTag: TAG_A, addresses: [v4('198.18.1.1'), { family: 6, prefix: 64, address: '2001:db8:1::1' }] }),
    lan(1, { nameTag: TAG_B }),
  ],
  overloadMs: 250,
}
export const DUAL_STACK = hex(`
  fa1d 02 01 | c6120101 | 01020304 | 00000009 | 00000000 | 0064 | 00 | 00
  01 00 0020 | 00 00 02 00 | 168fe2cc | 04 18 c6120101 | 06 40 20010db8000100000000000000000001
  01 00 000e | 01 00 01 00 | 184ff753 | 04 18 c6120201
  03 00 0008 | c6120102 c6120103
  06 00 0002 | 00fa`)

/** The smallest INQ whose down list is a window of 300 peers not heard (DOWN-TOTAL). */
export const windowInq: Packet = { ...minInq, down: [0xc6120102], downTotal: 300 }
export const WINDOW_INQ = hex(`
  fa1d 02 01 | c6120101 | 01020304 | 00000007 | 00000000 | 0064 | 00 | 01
  01 00 000e | 00 00 01 00 | 00000000 | 04 18 c6120101
  02 00 0004 | c6120102
  09 00 0002 | 012c`)

/** The smallest INQ signed with KEY: flag SIGNED, key id 0x5a, HMAC-SHA256 of every byte before it. */
export const SIGNED = hex(`
  fa1d 02 01 | c6120101 | 01020304 | 00000007 | 00000000 | 0064 | 00 | 03
  01 00 000e | 00 00 01 00 | 00000000 | 04 18 c6120101
  5a | 0a62c975f3c0f1cf9203acc178ffa8ec5998e0022c62ad9fcb99577dca7f9420`)

/** A notice on two LANs: its sender holds service address 198.18.1.100/24 on slot 1 (NetMon's moved address). */
export const serviceNotice: Packet = {
  ...minInq,
  kind: 'notice',
  intervalMs: 100,
  answerAll: false,
  lans: [lan(0), lan(1)],
  services: [{ slot: 1, address: v4('198.18.1.100') }],
}
export const SERVICE_NOTICE = hex(`
  fa1d 02 03 | c6120101 | 01020304 | 00000007 | 00000000 | 0064 | 00 | 00
  01 00 000e | 00 00 01 00 | 00000000 | 04 18 c6120101
  01 00 000e | 01 00 01 00 | 00000000 | 04 18 c6120201
  08 00 0008 | 01 00 | 04 18 c6120164`)
