// host/pinger.ts: which lines of iputils ping are answers.
import type { ChildProcessByStdio } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { PassThrough, type Readable } from 'node:stream'
import t from 'tap'
import { Pinger, parsePingLine, sameAddressText } from '../../lib/host/pinger.js'
import { capturingLogger } from '../support/capturing-logger.js'
import { FakeClock } from '../support/fake-clock.js'

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

t.test('an IPv6 echo reply; its sender compared with the target whatever the spelling', async (t) => {
  t.same(parsePingLine('64 bytes from fd00:1:a::fe: icmp_seq=1 ttl=64 time=0.069 ms'), {
    from: 'fd00:1:a::fe',
    rttMs: 0.069,
  })
  t.equal(parsePingLine('PING fd00:1:a::fe(fd00:1:a::fe) from fd00:1:a::1 etha: 56 data bytes'), undefined)
  t.ok(sameAddressText('fd00:1:a::fe', 'FD00:1:A:0::FE'))
  t.notOk(sameAddressText('fd00:1:a::fe', 'fd00:1:a::ff'))
  t.ok(sameAddressText('198.18.1.254', '198.18.1.254'))
  t.notOk(sameAddressText('198.18.1.254', 'garbage'))
})

/** A ping that runs until killed or ended by the spec. */
class FakePing extends EventEmitter {
  readonly stdout = new PassThrough()
  readonly stderr = new PassThrough()
  killed = false
  kill(): boolean {
    this.killed = true
    this.emit('close', null)
    return true
  }
}

t.test('a ping that died is started again once, even when a reload restarted it in the meantime', async (t) => {
  const started: FakePing[] = []
  const log = capturingLogger().log
  const spawnPing = () => {
    const p = new FakePing()
    started.push(p)
    return p as unknown as ChildProcessByStdio<null, Readable, Readable>
  }
  const clock = new FakeClock()
  const pinger = new Pinger([{ address: '198.18.1.254', iface: () => 'eth0' }], log, spawnPing, clock)
  pinger.start(1000, () => {})
  started[0]!.emit('close', 2) // ping exits: started again a second later
  pinger.restart(500) // a reload within that second starts one now
  clock.advance(1100)
  t.equal(started.length, 2, 'the one the reload started, and no other')
  t.notOk(started[1]!.killed)
  pinger.stop()
  t.ok(started[1]!.killed, 'the stop ends it')
})
