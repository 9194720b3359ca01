// A fake `ip` for specs: an IpRunner (lib/host/ip-runner.ts) that records every call and answers
// from a script (exit 0 and no output for anything not scripted).
import type { IpResult, IpRunner } from '../../lib/host/ip-runner.js'

export interface IpCall {
  readonly args: readonly string[]
  /** What was fed on stdin (`ip -batch -`), if anything. */
  readonly input: string | undefined
}

type Answer = Partial<IpResult> | ((call: IpCall) => Partial<IpResult>)

interface Rule {
  readonly prefix: string
  readonly answer: Answer
  /** Calls it still answers. */
  left: number
}

export class FakeIp implements IpRunner {
  /** Every call, in order. BOUNDED: the calls one spec makes. */
  readonly calls: IpCall[] = []
  /** Scripted answers, newest first. BOUNDED: the answers one spec scripts. */
  #rules: Rule[] = []

  /**
   * Answer calls whose arguments, joined by spaces, start with `prefix` (e.g. '-json route show',
   * '-batch -'): with `answer` (missing fields: exit 0, no output), or what it returns for the call;
   * every time, or only the next `times` calls. A later answer for the same calls wins.
   */
  answer(prefix: string, answer: Answer, times = Infinity): this {
    this.#rules.unshift({ prefix, answer, left: times })
    return this
  }

  async run(args: readonly string[], input?: string): Promise<IpResult> {
    const call: IpCall = { args: [...args], input }
    this.calls.push(call)
    const cmd = args.join(' ')
    const rule = this.#rules.find((r) => r.left > 0 && (cmd === r.prefix || cmd.startsWith(`${r.prefix} `)))
    if (!rule) return { code: 0, stdout: '', stderr: '' }
    rule.left--
    const got = typeof rule.answer === 'function' ? rule.answer(call) : rule.answer
    return { code: 0, stdout: '', stderr: '', ...got }
  }

  /** The calls as command lines, a batch's lines after `<<` joined by '; ' (as route-table.spec prints them). */
  commands(): string[] {
    return this.calls.map((c) => {
      const cmd = c.args.join(' ')
      return c.input ? `${cmd} <<${c.input.trim().split('\n').join('; ')}` : cmd
    })
  }

  /** Every line fed to `ip -batch -`, in order. */
  batchLines(): string[] {
    return this.calls.flatMap((c) => (c.input ? c.input.trim().split('\n') : []))
  }

  /** Forget the calls so far (the script stays). */
  clear(): void {
    this.calls.length = 0
  }
}
