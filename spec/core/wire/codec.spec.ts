// Golden byte vectors both ways and a table of malformed datagrams for lib/wire.ts.
import t from 'tap'
import { clusterTag, decode, encode } from '../../../lib/core/wire/codec.js'
import type { Message, WireKey } from '../../../lib/core/wire/message.js'

const inq: Message = {
  kind: 'inq',
  from: 0xc6120101,
  boot: 0x01020304,
  lan: 0,
  seq: 7,
  intervalMs: 100,
  addresses: [0xc6120101, 0xc6120201],
  down: [],
  outOfService: 0,
  cluster: 0,
}
const ack: Message = {
  kind: 'ack',
  from: 0xc6120102,
  to: 0xc6120101,
  boot: 0xdeadbeef,
  lan: 1,
  seq: 7,
  intervalMs: 0,
  addresses: [0xc6120102, 0xc6120202],
  down: [0xc6120103],
  outOfService: 0,
  cluster: 0,
}

const INQ_HEX =
  'fa1d0101' + 'c6120101' + '01020304' + '00010064' + '00000007' + '00000000' + '02000000' + 'c6120101c6120201'
const ACK_HEX =
  'fa1d0102' +
  'c6120102' +
  'deadbeef' +
  '01000000' +
  '00000007' +
  'c6120101' +
  '02000001' +
  'c6120102c6120202' +
  'c6120103'

const notice: Message = { ...inq, seq: 8, intervalMs: 0, lan: 1, outOfService: 0b01 }
const NOTICE_HEX =
  'fa1d0101' + 'c6120101' + '01020304' + '01000000' + '00000008' + '00000000' + '02010000' + 'c6120101c6120201'

/** Cluster "plant-north": flag bit 1, the tag after the down list. */
const tagged: Message = { ...inq, cluster: 0x10d4522a }
const TAGGED_HEX =
  'fa1d0101' +
  'c6120101' +
  '01020304' +
  '00030064' +
  '00000007' +
  '00000000' +
  '02000000' +
  'c6120101c6120201' +
  '10d4522a'
/** Signed: flag bit 2, key id 0x5a, HMAC-SHA256 of every byte before it (checked with Python's hmac). */
const KEY: WireKey = { id: 0x5a, secret: Buffer.from('correct horse battery staple 2026') }
const OTHER_KEY: WireKey = { id: 0x11, secret: Buffer.from('the next key, rolled in 2027 ....') }
const SIGNED_HEX =
  'fa1d0101' +
  'c6120101' +
  '01020304' +
  '00050064' +
  '00000007' +
  '00000000' +
  '02000000' +
  'c6120101c6120201' +
  '5a' +
  'cd25d2160f4b5bf52c3229ad4133a1cdb9c25d1eab2379d5604950e40160fc0c'

const golden: Array<{ name: string; msg: Message; hex: string; key?: WireKey }> = [
  { name: 'INQ from a requestor on LAN A', msg: inq, hex: INQ_HEX },
  { name: 'ACK from a responder on LAN B with a down list', msg: ack, hex: ACK_HEX },
  { name: 'carrier notice on LAN B: no carrier on LAN A, no answer wanted', msg: notice, hex: NOTICE_HEX },
  { name: 'INQ tagged with a cluster', msg: tagged, hex: TAGGED_HEX },
  { name: 'INQ signed with a key', msg: inq, hex: SIGNED_HEX, key: KEY },
]

for (const { name, msg, hex, key } of golden) {
  t.test(name, async (t) => {
    t.equal(encode(msg, key).toString('hex'), hex)
    t.same(decode(Buffer.from(hex, 'hex'), key ? [OTHER_KEY, key] : []), { ok: true, msg })
  })
}

t.test('cluster tags: from the name, never 0, different names differ', async (t) => {
  t.equal(clusterTag('plant-north'), 0x10d4522a)
  t.not(clusterTag('plant-south'), clusterTag('plant-north'))
})

/** Patch bytes of a valid packet: [offset, byte] pairs. */
function patched(hex: string, ...edits: Array<[number, number]>): Buffer {
  const b = Buffer.from(hex, 'hex')
  for (const [off, v] of edits) b[off] = v
  return b
}

const malformed = [
  { name: 'empty', bytes: Buffer.alloc(0), code: 'ERR_TOO_SHORT' },
  { name: 'truncated header', bytes: Buffer.from(INQ_HEX, 'hex').subarray(0, 27), code: 'ERR_TOO_SHORT' },
  { name: 'bad magic', bytes: patched(INQ_HEX, [0, 0xfb]), code: 'ERR_BAD_MAGIC' },
  { name: 'unknown version', bytes: patched(INQ_HEX, [2, 2]), code: 'ERR_BAD_VERSION' },
  { name: 'version zero', bytes: patched(INQ_HEX, [2, 0]), code: 'ERR_BAD_VERSION' },
  { name: 'unknown type', bytes: patched(INQ_HEX, [3, 3]), code: 'ERR_BAD_TYPE' },
  { name: 'type zero', bytes: patched(INQ_HEX, [3, 0]), code: 'ERR_BAD_TYPE' },
  { name: 'unknown flag bit', bytes: patched(INQ_HEX, [13, 0x81]), code: 'ERR_BAD_FLAGS' },
  { name: 'requestor flag without interval', bytes: patched(INQ_HEX, [15, 0]), code: 'ERR_BAD_FLAGS' },
  { name: 'interval without requestor flag', bytes: patched(INQ_HEX, [13, 0]), code: 'ERR_BAD_FLAGS' },
  { name: 'sender id zero', bytes: patched(INQ_HEX, [4, 0], [5, 0], [6, 0], [7, 0]), code: 'ERR_BAD_NODE' },
  { name: 'INQ with a target', bytes: patched(INQ_HEX, [23, 1]), code: 'ERR_BAD_NODE' },
  { name: 'ACK without a target', bytes: patched(ACK_HEX, [20, 0], [21, 0], [22, 0], [23, 0]), code: 'ERR_BAD_NODE' },
  { name: 'zero LANs', bytes: patched(INQ_HEX, [24, 0]), code: 'ERR_BAD_COUNT' },
  { name: 'seventeen LANs', bytes: patched(INQ_HEX, [24, 17]), code: 'ERR_BAD_COUNT' },
  { name: 'no-carrier bit beyond the LAN count', bytes: patched(INQ_HEX, [25, 0b100]), code: 'ERR_BAD_COUNT' },
  { name: 'down count too large', bytes: patched(INQ_HEX, [26, 0xff]), code: 'ERR_BAD_COUNT' },
  { name: 'address list truncated', bytes: Buffer.from(INQ_HEX, 'hex').subarray(0, 32), code: 'ERR_BAD_LENGTH' },
  { name: 'down list truncated', bytes: Buffer.from(ACK_HEX, 'hex').subarray(0, 38), code: 'ERR_BAD_LENGTH' },
  {
    name: 'trailing garbage',
    bytes: Buffer.concat([Buffer.from(INQ_HEX, 'hex'), Buffer.from([0])]),
    code: 'ERR_BAD_LENGTH',
  },
  { name: 'LAN index beyond address list', bytes: patched(INQ_HEX, [12, 2]), code: 'ERR_BAD_LAN' },
  {
    name: 'no address on the sending LAN',
    bytes: patched(INQ_HEX, [28, 0], [29, 0], [30, 0], [31, 0]),
    code: 'ERR_BAD_LAN',
  },
  {
    name: 'cluster flag with a zero tag',
    bytes: patched(TAGGED_HEX, [36, 0], [37, 0], [38, 0], [39, 0]),
    code: 'ERR_BAD_FLAGS',
  },
  { name: 'cluster flag without the tag', bytes: patched(INQ_HEX, [13, 0x03]), code: 'ERR_BAD_LENGTH' },
  { name: 'signed, but faild has no key', bytes: Buffer.from(SIGNED_HEX, 'hex'), code: 'ERR_UNEXPECTED_AUTH' },
  { name: 'unsigned, but faild has a key', bytes: Buffer.from(INQ_HEX, 'hex'), code: 'ERR_NO_AUTH', keys: [KEY] },
  {
    name: 'signed with a key faild does not have',
    bytes: Buffer.from(SIGNED_HEX, 'hex'),
    code: 'ERR_UNKNOWN_KEY',
    keys: [OTHER_KEY],
  },
  { name: 'signed, a field changed (forged)', bytes: patched(SIGNED_HEX, [19, 8]), code: 'ERR_BAD_AUTH', keys: [KEY] },
  { name: 'signed, the tag changed', bytes: patched(SIGNED_HEX, [40, 0]), code: 'ERR_BAD_AUTH', keys: [KEY] },
  {
    name: 'signed, with the key id of another key',
    bytes: patched(SIGNED_HEX, [36, 0x11]),
    code: 'ERR_BAD_AUTH',
    keys: [KEY, OTHER_KEY],
  },
  {
    name: 'signed, the tag truncated',
    bytes: Buffer.from(SIGNED_HEX, 'hex').subarray(0, 60),
    code: 'ERR_BAD_LENGTH',
    keys: [KEY],
  },
] as ReadonlyArray<{ name: string; bytes: Buffer; code: string; keys?: WireKey[] }>

for (const { name, bytes, code, keys } of malformed) {
  t.test(`rejects ${name}`, async (t) => {
    t.same(decode(bytes, keys), { ok: false, code })
  })
}

t.test('decodes from a view into a larger buffer', async (t) => {
  const big = Buffer.concat([Buffer.from('xx'), Buffer.from(INQ_HEX, 'hex')])
  t.same(decode(big.subarray(2)), { ok: true, msg: inq })
})

t.test('encode refuses a message this program built wrong', async (t) => {
  t.throws(() => encode({ ...inq, lan: 2 }), RangeError)
  t.throws(() => encode({ ...inq, addresses: [] }), RangeError)
  t.throws(() => encode({ ...inq, down: new Array(400).fill(1) }), RangeError)
  t.throws(() => encode({ ...inq, outOfService: 0b100 }), RangeError)
})

t.test(
  'fuzz: 100,000 random and mutated datagrams; decode never throws, what it accepts re-encodes to the same bytes',
  async (t) => {
    let seed = 12345
    const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32
    const bases = [ACK_HEX, INQ_HEX, NOTICE_HEX, TAGGED_HEX, SIGNED_HEX].map((h) => Buffer.from(h, 'hex'))
    const counts = new Map<string, number>()
    let accepted = 0
    let mismatched = 0
    for (let i = 0; i < 100_000; i++) {
      const base = bases[i % bases.length]!
      const keys = i % bases.length === 4 ? [KEY] : []
      let b: Buffer
      switch (i % 4) {
        case 0: // random bytes, random length
          b = Buffer.alloc(Math.floor(rand() * 96))
          for (let k = 0; k < b.length; k++) b[k] = Math.floor(rand() * 256)
          break
        case 1: // a valid packet with a few bytes changed
          b = Buffer.from(base)
          for (let k = 0; k < 1 + Math.floor(rand() * 3); k++)
            b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256)
          break
        case 2: // truncated or extended
          b =
            rand() < 0.5
              ? base.subarray(0, Math.floor(rand() * base.length))
              : Buffer.concat([base, Buffer.alloc(1 + Math.floor(rand() * 8))])
          break
        default: // a valid header with random counts and flags
          b = Buffer.from(base)
          b[13] = Math.floor(rand() * 8)
          b[24] = Math.floor(rand() * 20)
          b[27] = Math.floor(rand() * 4)
      }
      const r = decode(b, keys)
      counts.set(r.ok ? 'ok' : r.code, (counts.get(r.ok ? 'ok' : r.code) ?? 0) + 1)
      if (r.ok) {
        accepted++
        if (!encode(r.msg, keys[0]).equals(b)) mismatched++
      }
    }
    t.equal(mismatched, 0, 'whatever decodes re-encodes to the same bytes')
    t.ok(accepted > 0, `some mutations are still valid packets (${accepted})`)
    t.ok((counts.get('ERR_BAD_AUTH') ?? 0) > 1000, 'changed signed packets are caught by the tag')
    t.comment([...counts].map(([k, v]) => `${k} ${v}`).join(', '))
  },
)
