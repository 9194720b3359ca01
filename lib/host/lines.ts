// Reads a child's output as whole lines: a line cut across two chunks waits for its end.
import type { Readable } from 'node:stream'

/** Each chunk's whole lines, in order, to `onLines` (none for a chunk that ends no line). */
export function readLines(stream: Readable | null, onLines: (lines: string[]) => void): void {
  let partial = ''
  stream?.setEncoding('utf8').on('data', (d: string) => {
    const lines = (partial + d).split('\n')
    partial = lines.pop() ?? ''
    onLines(lines)
  })
}
