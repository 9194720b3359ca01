// The one-ip-per-batch runner of lib/host/ip-batch.ts, the way of fakes, against a scripted IpRunner.
import t from 'tap'
import { type BatchResult, batchErrorText, SpawnBatch } from '../../lib/host/ip-batch.js'
import type { IpResult, IpRunner } from '../../lib/host/ip-runner.js'

/** Records each call as "args <<input"; answers by the first words of the command. */
function fakeIp(answers: Record<string, Partial<IpResult>>): IpRunner & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    async run(args, input) {
      const cmd = args.join(' ')
      calls.push(input ? `${cmd} <<${input.trim().split('\n').join('; ')}` : cmd)
      const key = Object.keys(answers).find((k) => cmd.startsWith(k))
      return { code: 0, stdout: '', stderr: '', ...(key ? answers[key] : {}) }
    },
  }
}

const cases: Array<{
  name: string
  input: { lines: string[]; answers: Record<string, Partial<IpResult>> }
  expected: { calls: string[]; result: BatchResult }
}> = [
  {
    name: 'writes go in one ip -force -batch',
    input: { lines: ['route del 198.18.1.4/32', 'route replace 198.18.1.2/32'], answers: {} },
    expected: {
      calls: ['-force -batch - <<route del 198.18.1.4/32; route replace 198.18.1.2/32'],
      result: { ok: true, errors: [], output: [] },
    },
  },
  {
    name: 'each read on its own with -json, in order between the writes',
    input: {
      lines: ['route show table all', 'rule add pref 1', 'rule show'],
      answers: { '-json route': { stdout: '[{"dst":"x"}]\n' } },
    },
    expected: {
      calls: ['-json route show table all', '-force -batch - <<rule add pref 1', '-json rule show'],
      result: { ok: true, errors: [], output: ['[{"dst":"x"}]', '[]'] },
    },
  },
  {
    name: "a failed write is mapped back to its line by ip's count",
    input: {
      lines: ['rule show', 'route del a', 'route del b'],
      answers: { '-force': { code: 1, stderr: 'RTNETLINK answers: No such process\nCommand failed -:2\n' } },
    },
    expected: {
      calls: ['-json rule show', '-force -batch - <<route del a; route del b'],
      result: { ok: false, errors: [{ line: 2, message: 'RTNETLINK answers: No such process' }], output: ['[]'] },
    },
  },
  {
    name: 'ip refused as a whole, and a failed read',
    input: {
      lines: ['rule add pref 1', 'route show'],
      answers: {
        '-force': { code: 2, stderr: 'RTNETLINK answers: Operation not permitted\n' },
        '-json': { code: 1, stderr: 'Error: no table\n' },
      },
    },
    expected: {
      calls: ['-force -batch - <<rule add pref 1', '-json route show'],
      result: {
        ok: false,
        errors: [
          { line: -1, message: 'RTNETLINK answers: Operation not permitted' },
          { line: 1, message: 'Error: no table' },
        ],
        output: [],
      },
    },
  },
]

for (const c of cases) {
  t.test(c.name, async (t) => {
    const ip = fakeIp(c.input.answers)
    const b = new SpawnBatch(ip)
    await b.start()
    t.same(await b.run(c.input.lines), c.expected.result)
    t.same(ip.calls, c.expected.calls)
    await b.stop()
  })
}

t.test('error text names the failed line', async (t) => {
  const r: BatchResult = {
    ok: false,
    errors: [
      { line: 1, message: 'Error: x' },
      { line: -1, message: 'ip died' },
      { line: 0, message: '' },
    ],
    output: [],
  }
  t.equal(batchErrorText(r, ['a', 'b']), 'Error: x (b); ip died; failed (a)')
})
