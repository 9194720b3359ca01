// Tells systemd how faild is (READY=1, STATUS=, WATCHDOG=1) by running systemd-notify.
//
// Node cannot send to a Unix datagram socket itself, and systemd-notify is on every systemd host
// (no native module to build, as sd-notify and unix-dgram need). It waits until systemd has read the message (its barrier), so a message from a
// process that is not the main one is still counted for the unit; hence NotifyAccess=all.
import { spawn } from 'node:child_process'
import type { Logger } from './log.js'

/** What systemd's service manager put in the environment for this process. */
export interface SystemdEnv {
  /** The socket systemd-notify writes to ($NOTIFY_SOCKET). */
  readonly socket: string
  /** $WATCHDOG_USEC, when the watchdog is on for this process; undefined: no pings. */
  readonly watchdogUsec: number | undefined
}

/**
 * Read systemd's variables and take them out of the environment, as sd_notify(3)'s
 * unset_environment does: a --notify program must not inherit the right to speak for faild.
 * undefined when faild was not started by systemd as Type=notify.
 */
export function takeSystemdEnv(env: NodeJS.ProcessEnv, pid: number): SystemdEnv | undefined {
  const socket = env.NOTIFY_SOCKET
  const usec = Number(env.WATCHDOG_USEC)
  // WATCHDOG_PID names the process the watchdog is for: another's (a wrapper's) is not ours to ping.
  const ours = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === pid
  for (const k of ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID']) delete env[k]
  if (!socket) return undefined
  return { socket, watchdogUsec: ours && Number.isSafeInteger(usec) && usec > 0 ? usec : undefined }
}

/** A systemd-notify that has not returned after this long is killed (its barrier waits for systemd). */
const RUN_TIMEOUT_MS = 5000

/** Sends one notification: NAME=value lines; resolves once it is delivered (false: it was not). */
export type SendNotify = (lines: readonly string[]) => Promise<boolean>

export interface SystemdNotifyOptions {
  readonly socket: string
  /** Sent as MAINPID, so systemd knows which process the unit's main one is. */
  readonly pid: number
  readonly log: Logger
  /** Default systemd-notify (from PATH). */
  readonly command?: string
}

/** A SendNotify that runs `systemd-notify --pid=PID LINE...` with $NOTIFY_SOCKET set, without a shell. */
export function systemdNotify(o: SystemdNotifyOptions): SendNotify {
  const command = o.command ?? 'systemd-notify'
  let warned = false
  return (lines) =>
    new Promise<boolean>((resolve) => {
      const child = spawn(command, [`--pid=${o.pid}`, ...lines], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NOTIFY_SOCKET: o.socket },
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let stderr = ''
      child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-300)))
      const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
      const done = (failure: string | undefined) => {
        clearTimeout(timer)
        // Once: a watchdog that cannot ping would otherwise say so every few seconds.
        if (failure && !warned) {
          warned = true
          o.log.warn(`systemd notify (${lines.join(' ')}): ${failure}${stderr.trim() ? `: ${stderr.trim()}` : ''}`)
        }
        resolve(failure === undefined)
      }
      child.once('error', (err) => done(`cannot run ${command}: ${err.message}`))
      child.once('exit', (code, signal) =>
        done(code === 0 ? undefined : signal ? `killed by ${signal}` : `${command} exited ${code}`),
      )
    })
}
