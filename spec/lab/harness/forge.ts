// Forged and replayed packets for the lab: INQs claiming to be a peer, sent from its address.
//   node forge.js SRC DST PORT COUNT MODE KEYFILE FROM ADDR...   prints one JSON line
// replay: signed with the cluster's real key but from an earlier run (an older boot id), as a
// captured packet replayed later would be; forge: signed with a key the cluster does not have;
// plain: unsigned (KEYFILE is '-'), as anyone on a LAN without a key can send.
// FORGE_LAN (default 0) is the LAN index the packets claim, FORGE_SEQ (default 1) the first
// sequence number, FORGE_BOOT (default 1: long ago) the boot id.
import dgram from 'node:dgram'
import { readFileSync } from 'node:fs'
import { parseIPv4 } from '../../../lib/core/util/ipv4.js'
import { encode } from '../../../lib/core/wire/codec.js'
import { keyId, parseKeys } from '../../../lib/core/wire/keys.js'
import type { WireKey } from '../../../lib/core/wire/message.js'

const [src, dst, portS, countS, mode, keyFile, from, ...addrs] = process.argv.slice(2)
const fake = Buffer.from('not the cluster key, but long enough')
const key: WireKey | undefined =
  mode === 'plain'
    ? undefined
    : mode === 'replay'
      ? parseKeys(readFileSync(keyFile!, 'utf8'))[0]!
      : { id: keyId(fake), secret: fake }
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const sock = dgram.createSocket('udp4')
sock.on('error', () => {})
await new Promise<void>((resolve) => sock.bind(0, src, () => resolve()))
let sent = 0
for (let i = 0; i < Number(countS); i++) {
  const msg = {
    kind: 'inq' as const,
    from: parseIPv4(from!)!,
    boot: env('FORGE_BOOT', 1),
    lan: env('FORGE_LAN', 0),
    seq: (env('FORGE_SEQ', 1) + i) >>> 0,
    intervalMs: 100,
    addresses: addrs.map((a) => parseIPv4(a) ?? 0),
    down: [],
    outOfService: 0,
    cluster: 0,
  }
  sock.send(encode(msg, key), Number(portS), dst)
  sent++
  await new Promise((r) => setTimeout(r, 10))
}
sock.close()
process.stdout.write(`${JSON.stringify({ sent })}\n`)
