// Which failures of a service address's `ip -force -batch` matter: not a rule that was not there to delete, nor an old copy already gone.
//
// A move puts the address on its new interface first, in an `ip` of its own; the batch after it
// routes the replies and takes the old copy off. That copy may be gone already: its interface
// deleted (a USB NIC unplugged, a VLAN removed) or its primary address flushed, which takes the
// secondaries with it. The address has moved all the same, and the move must count as done, or
// faild goes on believing it is on the dead LAN.
import { parseBatchErrors } from '../routes/ip-batch.js'

/** What ip says of a line that found its work done already, by the line's first two words. */
const DONE: ReadonlyArray<readonly [string, RegExp]> = [
  ['rule del', /No such file or directory/],
  ['addr del', /Cannot assign requested address|Cannot find device/],
]

/** The messages of the failed lines of `lines` that are real errors, each with its line; empty: none. */
export function moveErrors(lines: ReadonlyArray<readonly string[]>, stderr: string): string[] {
  const { failures, rest } = parseBatchErrors(stderr)
  const errors = failures.flatMap(({ lineNo, message }) => {
    const line = lines[lineNo - 1] ?? []
    const verb = line.slice(0, 2).join(' ')
    const done = DONE.some(([v, said]) => v === verb && said.test(message))
    return done ? [] : [`${message || 'failed'} (${line.join(' ')})`]
  })
  return rest ? [...errors, rest] : errors
}
