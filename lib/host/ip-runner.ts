// Runs iproute2's `ip` without a shell: argv in, exit code and output back.
import { spawn } from 'node:child_process'

export interface IpResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface IpRunner {
  /** Run `ip ...args`, feeding `input` on stdin (for -batch -). Never rejects for a failing command. */
  run(args: readonly string[], input?: string): Promise<IpResult>
  /**
   * The argv that runs this `ip` (["ip"], or ["ip", "netns", "exec", "x", "ip"]): set, route
   * changes go through one long-lived `ip -batch -` started with it; unset (a fake), through run().
   */
  readonly command?: readonly string[]
}

export const IP_TIMEOUT_MS = 5000

/** The `ip` found on PATH, or `ip` run through a prefix such as `ip netns exec NAME`. */
export function ipRunner(command: readonly string[] = ['ip']): IpRunner {
  const [cmd, ...pre] = command
  if (!cmd) throw new RangeError('ipRunner: empty command')
  return { command, run: (args, input) => runProcess(cmd, [...pre, ...args], input, IP_TIMEOUT_MS) }
}

export const systemIp: IpRunner = ipRunner()

/** Run a program without a shell, feeding `input` on stdin; never rejects, ends it after `timeoutMs`. */
export function runProcess(
  cmd: string,
  args: readonly string[],
  input?: string,
  timeoutMs = IP_TIMEOUT_MS,
): Promise<IpResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', (err) => resolve({ code: 127, stdout, stderr: stderr + err.message }))
    child.on('close', (code) => resolve({ code: code ?? 128, stdout, stderr }))
    child.stdin.on('error', () => {}) // it exited before reading: reported by 'close'
    child.stdin.end(input ?? '')
  })
}

/** Run and parse `ip -json ...`; throws with ip's own message when it fails. */
export async function ipJson<T>(runner: IpRunner, args: readonly string[]): Promise<T> {
  const r = await runner.run(['-json', ...args])
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`)
  return JSON.parse(r.stdout || '[]') as T
}
