// faildctl: the operator's view of a running faild, and its LAN drain switch, over the control socket.
import { connect } from 'node:net'
import { Command, CommanderError } from 'commander'
import { CONFIG_SCHEMA } from '../config/schema.js'
import type { Reply, Request } from '../control/server.js'
import type { Io } from './faild.js'
import { version } from './faild.js'
import { formatStatus } from '../core/report/status-format.js'

/** A daemon that does not answer within this is reported, not waited for. */
const REPLY_TIMEOUT_MS = 5000

/** Send one request, read one reply. Rejects with a message an operator can act on. */
export function request(socket: string, req: Request, timeoutMs = REPLY_TIMEOUT_MS): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = connect(socket)
    let buf = ''
    const timer = setTimeout(() => {
      sock.destroy()
      reject(new Error(`faild at ${socket} did not answer within ${timeoutMs / 1000}s`))
    }, timeoutMs)
    sock.setEncoding('utf8')
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'))
    sock.on('data', (d: string) => (buf += d))
    sock.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      const hint = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? ' (is faild running? see --socket)' : err.code === 'EACCES' ? ' (faildctl needs root)' : ''
      reject(new Error(`cannot talk to faild at ${socket}: ${err.message}${hint}`))
    })
    sock.on('end', () => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(buf) as Reply)
      } catch {
        reject(new Error(`faild at ${socket} sent a reply that is not JSON`))
      }
    })
  })
}

export function buildCtl(): Command {
  const program = new Command('faildctl')
    .description('Show what faild is doing, drain a LAN for maintenance, reload its config.')
    .version(version(), '-V, --version')
    .option('-S, --socket <path>', "faild's control socket", CONFIG_SCHEMA.properties.controlSocket.default)
  program.command('status').description('LANs, peers and their paths, the routes faild installed and why, counters').option('--json', 'the same as JSON')
  program.command('offline').argument('<lan>', 'label (A, B...) or interface').description('move all traffic off a LAN now, and keep it off until online')
  program.command('online').argument('<lan>', 'label (A, B...) or interface').description('bring a LAN taken offline back')
  program.command('reload').description('re-read the config file and reopen the log (like SIGHUP)')
  return program
}

/** Run faildctl; resolves to the exit code: 0 done, 1 faild refused, 2 usage or cannot reach faild. */
export async function ctl(argv: readonly string[], io: Io): Promise<number> {
  const program = buildCtl()
  let req: Request | undefined
  let json = false
  for (const sub of program.commands) {
    sub.action((...args: unknown[]) => {
      const name = sub.name()
      if (name === 'status') {
        req = { command: 'status' }
        json = (args[0] as { json?: boolean }).json === true
      } else if (name === 'offline' || name === 'online') req = { command: name, lan: args[0] as string }
      else req = { command: 'reload' }
    })
  }
  program.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err })
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err })
  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2
    throw err
  }
  if (!req) {
    io.err(program.helpInformation())
    return 2
  }
  let reply: Reply
  try {
    reply = await request(program.opts().socket as string, req)
  } catch (err) {
    io.err(`faildctl: ${(err as Error).message}\n`)
    return 2
  }
  if (!reply.ok) {
    io.err(`faildctl: ${reply.error}\n`)
    return 1
  }
  if (reply.status) io.out(json ? JSON.stringify(reply.status, null, 2) + '\n' : formatStatus(reply.status))
  else if (reply.message) io.out(reply.message + '\n')
  return 0
}
