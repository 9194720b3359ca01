// The control protocol shared by faild and faildctl: one JSON request and one JSON reply per line.
//
//   {"command":"status"}                 -> {"ok":true,"status":{...}}
//   {"command":"matrix"}                 -> {"ok":true,"matrix":{...}}   (who hears whom, per LAN)
//   {"command":"offline","lan":"A"}      -> {"ok":true,"message":"..."}
//   {"command":"online","lan":"A"}       -> {"ok":true,"message":"..."}
//   {"command":"reload"}                 -> {"ok":true,"message":"..."}
//   {"command":"what-if","lan":"A"}      -> {"ok":true,"message":"..."}  (taking LAN A offline, planned only)
//   {"command":"events"}                 -> {"ok":true,"message":"subscribed"}, then a JSON line per change
//                                           ({"at":"...","event":"path"|"route"|"peer"|"target",...}) until either end closes
// Anything else gets {"ok":false,"error":"..."}; faildctl is the client.
import type { Matrix } from '../core/report/matrix.js'
import type { StatusReport } from '../core/report/status.js'

export type Request =
  | { command: 'status' }
  | { command: 'matrix' }
  | { command: 'offline' | 'online' | 'what-if'; lan: string }
  | { command: 'reload' }
  | { command: 'events' }

export type Reply =
  | { ok: true; status?: StatusReport; matrix?: Matrix; message?: string }
  | { ok: false; error: string }

export type Handler = (req: Request) => Reply | Promise<Reply>

/** Check a parsed request; the reason it is bad, or the request. */
export function parseRequest(line: string): Request | string {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch {
    return 'not JSON'
  }
  const r = v as Record<string, unknown>
  if (typeof v !== 'object' || v === null) return 'not a JSON object'
  switch (r.command) {
    case 'status':
    case 'matrix':
    case 'reload':
    case 'events':
      return { command: r.command }
    case 'offline':
    case 'online':
    case 'what-if':
      return typeof r.lan === 'string' && r.lan.length > 0 && r.lan.length < 64
        ? { command: r.command, lan: r.lan }
        : `${r.command} needs "lan"`
    default:
      return `unknown command ${JSON.stringify(r.command)}: status, matrix, offline, online, what-if, reload, events`
  }
}
