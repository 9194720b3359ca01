// The TLV reader and the byte writer of wire format 2 (lib/core/wire/tlv.ts).
import t from 'tap'
import { ByteWriter, readTlvs } from '../../../lib/core/wire/tlv.js'

const reads: Array<[string, string, unknown]> = [
  ['nothing', '', []],
  ['one TLV', '0200 0004 c6120103', [{ type: 2, critical: false, at: 4, length: 4 }]],
  [
    'an empty critical one, then another',
    '0780 0000 0500 0002 0002',
    [
      { type: 7, critical: true, at: 4, length: 0 },
      { type: 5, critical: false, at: 8, length: 2 },
    ],
  ],
  ['a header cut short', '0200 00', 'ERR_BAD_LENGTH'],
  ['a value cut short', '0200 0004 c61201', 'ERR_BAD_LENGTH'],
  ['a reserved flag bit', '0201 0000', 'ERR_BAD_FLAGS'],
  ['type 0', '0000 0000', 'ERR_BAD_TLV'],
]

for (const [name, hex, want] of reads) {
  t.test(`reads ${name}`, async (t) => {
    const b = Buffer.from(hex.replace(/ /g, ''), 'hex')
    t.same(readTlvs(b, 0, b.length), want)
  })
}

t.test('reads only between start and end', async (t) => {
  const b = Buffer.from('ffff0500000200020000', 'hex')
  t.same(readTlvs(b, 2, 8), [{ type: 5, critical: false, at: 6, length: 2 }])
})

t.test('writes big-endian fields and TLV headers', async (t) => {
  const w = new ByteWriter(13)
    .tlv(3, 4, true)
    .u32(0xc6120102)
    .u8(1)
    .u16(0x0203)
    .bytes(Buffer.from([4, 5]))
  t.equal(w.buf.toString('hex'), '03800004c6120102010203' + '0405')
  t.equal(w.offset, 13)
})

t.test('the writer throws RangeError on a value out of range or past the end', async (t) => {
  t.throws(() => new ByteWriter(1).u8(256), RangeError)
  t.throws(() => new ByteWriter(4).u32(-1), RangeError)
  t.throws(() => new ByteWriter(1).u16(1), RangeError)
  t.throws(() => new ByteWriter(1).bytes(Buffer.alloc(2)), RangeError)
})
