// Golden byte vectors both ways and a table of malformed datagrams for lib/wire.ts.
import t from 'tap'
import { decode, encode, type Message } from '../lib/wire.js'

const inq: Message = {
  kind: 'inq',
  from: 0xc6120101,
  boot: 0x01020304,
  lan: 0,
  seq: 7,
  intervalMs: 100,
  addresses: [0xc6120101, 0xc6120201],
  down: [],
  noCarrier: 0,
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
  noCarrier: 0,
}

const INQ_HEX = 'fa1d0101' + 'c6120101' + '01020304' + '00010064' + '00000007' + '00000000' + '02000000' + 'c6120101c6120201'
const ACK_HEX =
  'fa1d0102' + 'c6120102' + 'deadbeef' + '01000000' + '00000007' + 'c6120101' + '02000001' + 'c6120102c6120202' + 'c6120103'

const notice: Message = { ...inq, seq: 8, intervalMs: 0, lan: 1, noCarrier: 0b01 }
const NOTICE_HEX = 'fa1d0101' + 'c6120101' + '01020304' + '01000000' + '00000008' + '00000000' + '02010000' + 'c6120101c6120201'

const golden = [
  { name: 'INQ from a requestor on LAN A', msg: inq, hex: INQ_HEX },
  { name: 'ACK from a responder on LAN B with a down list', msg: ack, hex: ACK_HEX },
  { name: 'carrier notice on LAN B: no carrier on LAN A, no answer wanted', msg: notice, hex: NOTICE_HEX },
]

for (const { name, msg, hex } of golden) {
  t.test(name, async (t) => {
    t.equal(encode(msg).toString('hex'), hex)
    t.same(decode(Buffer.from(hex, 'hex')), { ok: true, msg })
  })
}

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
  { name: 'trailing garbage', bytes: Buffer.concat([Buffer.from(INQ_HEX, 'hex'), Buffer.from([0])]), code: 'ERR_BAD_LENGTH' },
  { name: 'LAN index beyond address list', bytes: patched(INQ_HEX, [12, 2]), code: 'ERR_BAD_LAN' },
  { name: 'no address on the sending LAN', bytes: patched(INQ_HEX, [28, 0], [29, 0], [30, 0], [31, 0]), code: 'ERR_BAD_LAN' },
] as const

for (const { name, bytes, code } of malformed) {
  t.test(`rejects ${name}`, async (t) => {
    t.same(decode(bytes), { ok: false, code })
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
  t.throws(() => encode({ ...inq, noCarrier: 0b100 }), RangeError)
})

t.test('decode never throws on random or mutated input', async (t) => {
  let seed = 12345
  const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32
  const base = Buffer.from(ACK_HEX, 'hex')
  let accepted = 0
  let mismatched = 0
  for (let i = 0; i < 20000; i++) {
    const b = i % 2 ? Buffer.from(base) : Buffer.alloc(Math.floor(rand() * 64))
    for (let k = 0; k < 3; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256)
    const r = decode(b)
    if (r.ok) {
      accepted++
      if (!encode(r.msg).equals(b)) mismatched++
    }
  }
  t.equal(mismatched, 0, 'whatever decodes re-encodes to the same bytes')
  t.ok(accepted > 0, 'some mutations are still valid packets')
})
