// The strict Prometheus text reader of spec/support/prom-text.ts: what it accepts, and each rule it enforces.
import t from 'tap'
import { parsePromText, sampleValue } from './prom-text.js'

const GOOD = [
  '# HELP faild_up Whether it is up.',
  '# TYPE faild_up gauge',
  'faild_up{lan="A",peer="198.18.1.2"} 1',
  'faild_up{lan="B",peer="198.18.1.2"} 0',
  '# HELP x_total A counter.',
  '# TYPE x_total counter',
  'x_total{why="a \\"quoted\\" \\\\ line\\nbreak"} 3 1700000000000',
  '# HELP h_seconds A histogram.',
  '# TYPE h_seconds histogram',
  'h_seconds_bucket{le="0.1"} 1',
  'h_seconds_bucket{le="+Inf"} 2',
  'h_seconds_sum 0.35',
  'h_seconds_count 2',
  'g Nan',
  '',
].join('\n')

t.test('a well-formed exposition: families, labels with escapes, histogram series', async (t) => {
  const f = parsePromText(GOOD.replace('g Nan', '# TYPE g gauge\ng Nan'))
  t.same([...f.keys()], ['faild_up', 'x_total', 'h_seconds', 'g'])
  t.equal(sampleValue(f, 'faild_up', { lan: 'B' }), 0)
  t.equal(f.get('x_total')?.samples[0]?.labels.why, 'a "quoted" \\ line\nbreak')
  t.equal(sampleValue(f, 'h_seconds_bucket', { le: '+Inf' }), 2)
  t.equal(sampleValue(f, 'h_seconds_count'), 2)
  t.ok(Number.isNaN(sampleValue(f, 'g')!))
  t.equal(sampleValue(f, 'nothing'), undefined)
})

const BAD: ReadonlyArray<readonly [string, string, RegExp]> = [
  ['no final newline', '# TYPE a gauge\na 1', /newline/],
  ['a sample before its TYPE', 'a 1\n', /no TYPE/],
  ['bad metric name', '# TYPE 1a gauge\n', /bad metric name/],
  ['unknown type', '# TYPE a gauges\n', /unknown type/],
  ['counter without _total', '# TYPE a counter\na 1\n', /_total/],
  ['negative counter', '# TYPE a_total counter\na_total -1\n', /below 0/],
  ['bad value', '# TYPE a gauge\na one\n', /bad value/],
  ['unquoted label', '# TYPE a gauge\na{l=x} 1\n', /not quoted/],
  ['bad escape', '# TYPE a gauge\na{l="\\t"} 1\n', /bad escape/],
  ['unterminated', '# TYPE a gauge\na{l="x} 1\n', /unterminated|expected/],
  ['reserved label', '# TYPE a gauge\na{__x="1"} 1\n', /bad label name/],
  ['label twice', '# TYPE a gauge\na{l="1",l="2"} 1\n', /twice/],
  ['same series twice', '# TYPE a gauge\na{l="1"} 1\na{l="1"} 2\n', /twice/],
  ['split family', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 2\n', /not next to/],
  ['TYPE after samples', '# TYPE a gauge\na 1\n# HELP a late\n', /after/],
  ['buckets not ending at +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\n', /\+Inf/],
  ['decreasing buckets', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\n', /decrease/],
  ['bad timestamp', '# TYPE a gauge\na 1 x\n', /timestamp/],
  ['no value', '# TYPE a gauge\na\n', /value/],
  ['garbage after labels', '# TYPE a gauge\na{l="1"}x 1\n', /value/],
  ['missing comma', '# TYPE a gauge\na{l="1" m="2"} 1\n', /expected/],
  ['label without =', '# TYPE a gauge\na{l} 1\n', /without =/],
]

for (const [name, text, error] of BAD) {
  t.test(`refused: ${name}`, async (t) => {
    t.throws(() => parsePromText(text), error)
  })
}
