// The scale bench's evidence rule (bench/loadgen.ts, bench/scale.ts): a row whose generator fell behind is not a figure.
import t from 'tap'
import { invalidWhy, type LoadStats } from '../../bench/loadgen.js'
import { parseRows } from '../../bench/scale.js'

/** 10 s of 1000 requestor hosts at -t 0.1 that kept up. */
const kept: LoadStats = {
  t: 10,
  inqIntended: 200_000,
  inqSent: 200_000,
  inqRx: 200,
  ackAsked: 20_000,
  ackSent: 20_000,
  ackRx: 12_500,
  otherRx: 0,
  overflow: 0,
  sendErrors: 0,
  lateMaxMs: 3,
  lateP99Ms: 1,
}

t.test('a generator that kept up is evidence; each way of falling behind is named', async (t) => {
  t.equal(invalidWhy(kept, 200_000, 100), undefined)
  const cases: Array<[Partial<LoadStats>, RegExp]> = [
    [{ inqRx: 0 }, /heard no INQ/],
    [{ inqSent: 195_000 }, /sent 195000 INQs of 200000 intended \(97\.5%\)/],
    [{ ackSent: 19_000 }, /answered 19000 of 20000/],
    [{ overflow: 1 }, /dropped 1 datagrams/],
    [{ sendErrors: 3 }, /3 sends failed/],
    [{ lateP99Ms: 26 }, /26 ms late/],
  ]
  for (const [change, why] of cases) t.match(invalidWhy({ ...kept, ...change }, 200_000, 100), why)
  t.equal(invalidWhy({ ...kept, inqSent: 196_500 }, 200_000, 100), undefined, 'within 2%')
})

t.test('--rows: N and a kind letter', async (t) => {
  t.same(parseRows('1000r, 500q,2000b,1000h,1000n'), [
    { peers: 1000, kind: 'responders' },
    { peers: 500, kind: 'requestors' },
    { peers: 2000, kind: 'burst' },
    { peers: 1000, kind: 'hog' },
    { peers: 1000, kind: 'floor' },
  ])
  t.throws(() => parseRows('1000x'), /"1000x" is not N followed by r, q, b, h or n/)
  t.same(
    parseRows('1000q:300'),
    [{ peers: 1000, kind: 'requestors', windowS: 300 }],
    'a row may be watched for its own seconds',
  )
  t.throws(() => parseRows('1000q:0'), /"1000q:0"/)
  t.throws(() => parseRows('1000q:'), /"1000q:"/)
})
