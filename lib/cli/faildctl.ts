// faildctl: the operator's view of a running faild, and its LAN drain switch, over the control socket.
import { Command, CommanderError } from 'commander'
import { CONFIG_SCHEMA } from '../config/schema.js'
import { request } from '../control/client.js'
import type { Reply, Request } from '../control/protocol.js'
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
    .command('offline')
    .argument('<lan>', 'label (A, B...) or interface')
    .description('move all traffic off a LAN now, and keep it off until online')
  program
    .command('online')
    .argument('<lan>', 'label (A, B...) or interface')
    .description('bring a LAN taken offline back')
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
  if (reply.status) io.out(json ? `${JSON.stringify(reply.status, null, 2)}\n` : formatStatus(reply.status))
  else if (reply.message) io.out(`${reply.message}\n`)
  return 0
}
