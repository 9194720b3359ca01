// host/pinger.ts: which lines of iputils ping are answers.
import t from 'tap'
import { parsePingLine } from '../../lib/host/pinger.js'

t.test('an echo reply, with or without its time; nothing else', async (t) => {
  t.same(parsePingLine('64 bytes from 198.18.1.254: icmp_seq=3 ttl=64 time=0.052 ms'), {
    from: '198.18.1.254',
    rttMs: 0.052,
  })
  t.same(parsePingLine('64 bytes from 198.18.1.254: icmp_seq=3 ttl=64'), { from: '198.18.1.254', rttMs: undefined })
  for (const line of [
    'PING 198.18.9.254 (198.18.9.254) from 198.18.9.1 eth0: 56(84) bytes of data.',
    'From 198.18.1.1 icmp_seq=4 Destination Host Unreachable',
    '64 bytes from 198.18.1.254: icmp_seq=3 ttl=64 time=0.052 ms (DUP!)',
    '',
  ]) {
    t.equal(parsePingLine(line), undefined, line || '(empty)')
  }
})
