// faildctl: the operator's view of a running faild, and its LAN drain switch, over the control socket.
import { Command, CommanderError } from 'commander'
import { CONFIG_SCHEMA } from '../config/schema.js'
import { RELOAD_TIMEOUT_MS, request, type Subscription, subscribe } from '../control/client.js'
import type { Reply, Request } from '../control/protocol.js'
import { formatEvent } from '../core/report/event-format.js'
import { formatMatrix } from '../core/report/matrix-format.js'
import { formatStatus } from '../core/report/status-format.js'
import type { Io } from './io.js'
import { version } from './version.js'

export function buildCtl(): Command {
  const program = new Command('faildctl')
    .description('Show what faild is doing, drain a LAN for maintenance, reload its config.')
    .version(version(), '-V, --version')
    .option('-S, --socket <path>', "faild's control socket", CONFIG_SCHEMA.properties.controlSocket.default)
  program
    .command('status')
    .description('LANs, peers and their paths, the routes faild installed and why, counters')
    .option('--json', 'the same as JSON')
  program
    .command('matrix')
    .description("who hears whom on each LAN, from this host's view and what its peers say")
    .option('--json', 'the same as JSON')
  program
    .command('offline')
    .argument('<lan>', 'label (A, B...) or interface')
    .description('move all traffic off a LAN now, and keep it off until online')
  program
    .command('online')
    .argument('<lan>', 'label (A, B...) or interface')
    .description('bring a LAN taken offline back')
  program.command('reload').description('re-read the config file and reopen the log (like SIGHUP)')
  program
    .command('what-if')
    .argument('<action>', 'offline')
    .argument('<lan>', 'label (A, B...) or interface')
    .description('the route changes taking a LAN offline would make here now, made nowhere')
  program
    .command('events')
    .description('one line per change (paths, routes, peers, targets) as it happens, until interrupted')
    .option('--json', 'one JSON object per line')
  program.command('watch').description('the status, redrawn on every change, until interrupted')
  return program
}

/** Run faildctl; resolves to the exit code: 0 done, 1 faild refused, 2 usage or cannot reach faild. */
export async function ctl(argv: readonly string[], io: Io): Promise<number> {
  const program = buildCtl()
  let req: Request | undefined
  let json = false
  let stream: 'events' | 'watch' | undefined
  let usage: string | undefined
  for (const sub of program.commands) {
    sub.action((...args: unknown[]) => {
      const name = sub.name()
      if (name === 'status' || name === 'matrix') {
        req = { command: name }
        json = (args[0] as { json?: boolean }).json === true
      } else if (name === 'offline' || name === 'online') req = { command: name, lan: args[0] as string }
      else if (name === 'what-if') {
        if (args[0] !== 'offline') usage = `what-if: the only action is offline, not '${String(args[0])}'`
        req = { command: 'what-if', lan: args[1] as string }
      } else if (name === 'events' || name === 'watch') {
        stream = name
        json = (args[0] as { json?: boolean }).json === true
      } else req = { command: 'reload' }
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
  if (usage) {
    io.err(`faildctl: ${usage}\n`)
    return 2
  }
  const socket = program.opts().socket as string
  if (stream === 'events') return events(socket, json, io)
  if (stream === 'watch') return watch(socket, io)
  if (!req) {
    io.err(program.helpInformation())
    return 2
  }
  let reply: Reply
  try {
    reply = await request(socket, req, req.command === 'reload' ? RELOAD_TIMEOUT_MS : undefined)
  } catch (err) {
    io.err(`faildctl: ${(err as Error).message}\n`)
    return 2
  }
  if (!reply.ok) {
    io.err(`faildctl: ${reply.error}\n`)
    return 1
  }
  if (reply.status) io.out(json ? `${JSON.stringify(reply.status, null, 2)}\n` : formatStatus(reply.status))
  else if (reply.matrix) io.out(json ? `${JSON.stringify(reply.matrix, null, 2)}\n` : formatMatrix(reply.matrix))
  else if (reply.message) io.out(`${reply.message}\n`)
  return 0
}

/** Resolves at SIGINT or SIGTERM (the operator is done watching). */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
}

/** faildctl events: a line per change until interrupted (0) or faild ends the stream (1, why said). */
async function events(socket: string, json: boolean, io: Io): Promise<number> {
  let sub: Subscription
  try {
    sub = await subscribe(socket, (e) => io.out(json ? `${JSON.stringify(e)}\n` : `${formatEvent(e)}\n`))
  } catch (err) {
    io.err(`faildctl: ${(err as Error).message}\n`)
    return 2
  }
  const why = await Promise.race([sub.ended, interrupted().then(() => 'interrupted')])
  sub.close()
  if (why === 'interrupted' || why === undefined) return 0
  io.err(`faildctl: ${why}\n`)
  return 1
}

/** Redraw at most this often: a burst of changes is one redraw. */
const REDRAW_MS = 100
const CLEAR = '\x1b[H\x1b[2J'

/** faildctl watch: the status, redrawn on every change (at most every REDRAW_MS), until interrupted. */
async function watch(socket: string, io: Io): Promise<number> {
  let last = 'none yet'
  let timer: NodeJS.Timeout | undefined
  const draw = async () => {
    timer = undefined
    try {
      const r = await request(socket, { command: 'status' })
      if (r.ok && r.status)
        io.out(`${CLEAR}faildctl watch: last change ${last} (Ctrl-C ends)\n\n${formatStatus(r.status)}`)
    } catch (err) {
      io.err(`faildctl: ${(err as Error).message}\n`)
    }
  }
  let sub: Subscription
  try {
    sub = await subscribe(socket, (e) => {
      last = formatEvent(e)
      timer ??= setTimeout(draw, REDRAW_MS)
    })
  } catch (err) {
    io.err(`faildctl: ${(err as Error).message}\n`)
    return 2
  }
  await draw()
  const why = await Promise.race([sub.ended, interrupted().then(() => 'interrupted')])
  sub.close()
  if (timer) clearTimeout(timer)
  if (why === 'interrupted' || why === undefined) return 0
  io.err(`faildctl: ${why}\n`)
  return 1
}
