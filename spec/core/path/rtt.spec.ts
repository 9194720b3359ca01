// RTT smoothing and the ACK timeout of lib/rtt.ts.
import t from 'tap'
import { ackTimeoutMs, NO_RTT, rttSample } from '../../../lib/core/path/rtt.js'

t.test('RFC 6298 smoothing', async (t) => {
  const first = rttSample(NO_RTT, 8)
  t.same(first, { srtt: 8, rttvar: 4 })
  t.same(rttSample(first, 16), { srtt: 9, rttvar: 5 })
})

const cases: Array<[string, number | undefined, number, number, number]> = [
  ['no sample yet: half the interval', undefined, 0, 100, 50],
  ['tiny RTT: the floor', 0.2, 0.1, 100, 10],
  ['RTT plus four deviations', 10, 5, 1000, 30],
  ['never past 0.8 of the interval', 60, 10, 100, 80],
]
for (const [name, srtt, rttvar, interval, want] of cases) {
  t.test(name, async (t) => t.equal(ackTimeoutMs({ srtt, rttvar }, interval), want))
}
