// How faild ends a control connection: its last line, then the socket destroyed if the client has not closed it within a grace.
//
// end() only half-closes: Node frees the socket once the client closes its side, which a client
// that stopped reading (faildctl events suspended with Ctrl-Z, a blocked pipe) never does. Such a
// socket would hold a connection slot for ever, and server.close() at stop would wait on it.
import type { Socket } from 'node:net'

/** Time a client has to close its side once faild has ended: ample for any that reads. */
export const CLOSE_GRACE_MS = 1000
/** A subscriber let go for reading too slowly reads its queue before the line that says so: longer. */
export const BEHIND_GRACE_MS = 10_000

/** End `sock` (with `line`, if given); destroy it if it is still open `graceMs` later. Once only. */
export function endConnection(sock: Socket, line?: string, graceMs = CLOSE_GRACE_MS): void {
  if (sock.destroyed || sock.writableEnded) return
  if (line === undefined) sock.end()
  else sock.end(line)
  const timer = setTimeout(() => sock.destroy(), graceMs)
  timer.unref()
  sock.once('close', () => clearTimeout(timer))
}
