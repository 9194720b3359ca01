// The scheduler's jobs (lib/daemon/jobs.ts): one judgement asks whether faild fell behind at most once.
import t from 'tap'
import type { Engine } from '../../lib/core/engine/engine.js'
import { type JobParts, schedulerJobs } from '../../lib/daemon/jobs.js'
import type { Overload } from '../../lib/daemon/overload.js'
import type { Probes } from '../../lib/daemon/probes.js'
import type { RouteSync } from '../../lib/daemon/route-sync.js'

/** Parts whose peers and targets both ask `blind()` when judged; what happened is noted in `log`. */
function parts(log: string[], engineNext = 300): JobParts {
  let lastBlind = -Infinity
  const engine = {
    get lastBlind() {
      return lastBlind
    },
    foundBlind: (now: number) => {
      log.push(`found blind ${now}`)
      lastBlind = now
    },
    expire: (_now: number, blind: () => boolean) => {
      log.push(`peers blind=${blind()}`)
      return []
    },
    tick: () => [{ kind: 'send' }],
    nextDeadline: () => engineNext,
  } as unknown as Engine
  const probes = {
    expire: (_now: number, blind: () => boolean) => log.push(`targets blind=${blind()}`),
    nextDeadline: () => 200,
  } as unknown as Probes
  const overload = {
    held: (_now: number, why: string) => log.push(`held: ${why}`),
    judged: () => log.push('judged'),
  } as unknown as Overload
  const sync = { retry: () => log.push('retry'), reconcile: () => log.push('reconcile') } as unknown as RouteSync
  return {
    ...{ engine, probes, overload, sync },
    packets: { accepted: 7 } as JobParts['packets'],
    socketDrops: () => 3,
    run: (fx, exact) => log.push(`run ${fx.length} exact=${exact}`),
  }
}

t.test('a judgement asks whether faild fell behind once, and holds judgement once', async (t) => {
  const log: string[] = []
  let asked = 0
  const jobs = schedulerJobs(parts(log))
  jobs.judge(1000, () => {
    asked++
    return 'timers ran 250 ms late'
  })
  t.equal(asked, 1, 'the peers and the targets share one answer')
  t.same(log, [
    'held: timers ran 250 ms late',
    'peers blind=true',
    'run 0 exact=false',
    'targets blind=true',
    'judged',
    'retry',
  ])
})

t.test('the next judgement asks again', async (t) => {
  const log: string[] = []
  const jobs = schedulerJobs(parts(log))
  jobs.judge(1000, () => 'late')
  jobs.judge(1100, () => undefined)
  t.same(
    log.filter((l) => l.startsWith('peers')),
    ['peers blind=true', 'peers blind=false'],
  )
})

t.test('the soonest deadline of peers and targets; ticks and counters pass through', async (t) => {
  const log: string[] = []
  const jobs = schedulerJobs(parts(log))
  t.equal(jobs.nextDeadline(), 200, 'a target sooner than any peer')
  t.equal(schedulerJobs(parts([], 150)).nextDeadline(), 150, 'a peer sooner than any target')
  t.equal(jobs.accepted(), 7)
  t.equal(jobs.socketDrops(), 3)
  jobs.tick(5)
  jobs.reconcile()
  t.same(log, ['run 1 exact=false', 'reconcile'])
})

t.test('faild found blind outside a judgement: said, recorded, and the targets are held at the next', async (t) => {
  const log: string[] = []
  const p = parts(log)
  const jobs = schedulerJobs(p)
  jobs.judge(1000, () => undefined)
  jobs.blind(1050, 'the kernel dropped 2 packets')
  t.same(log.splice(0), [
    'peers blind=false',
    'run 0 exact=false',
    'targets blind=false',
    'judged',
    'retry',
    'held: the kernel dropped 2 packets',
    'found blind 1050',
  ])
  jobs.judge(1100, () => undefined)
  t.same(
    log.filter((l) => l.includes('blind=')),
    ['peers blind=false', 'targets blind=true'],
    'the engine holds the peers by its own record; the targets by it too',
  )
  jobs.judge(1200, () => undefined)
  t.same(
    log.filter((l) => l.startsWith('targets')).slice(-1),
    ['targets blind=false'],
    'found before the last judgement: no longer',
  )
})
