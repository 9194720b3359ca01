// `faildctl matrix` as text: per LAN, a table of who hears whom, the hosts numbered, with how old each row is.
import type { Matrix } from './matrix.js'
import { table } from './status-format.js'

const CELL_TEXT: Readonly<Record<string, string>> = { ok: 'ok', no: 'NO', '?': '?', '-': '-', '': '' }

export function formatMatrix(m: Matrix): string {
  const out: string[] = []
  for (const lan of m.lans) {
    out.push(`LAN ${lan.lan}: does the row's host hear the column's? (NO: it does not; ?: not said lately)`)
    const header = ['', ...lan.hosts.map((_, i) => `${i + 1}`), 'SAID', 'HOST']
    const rows = lan.cells.map((cells, r) => [
      `${r + 1}`,
      ...cells.map((c) => CELL_TEXT[c] ?? c),
      r === 0 ? 'now' : lan.ageS[r] === null ? 'never' : `${lan.ageS[r]}s ago`,
      `${lan.hosts[r]}${r === 0 ? ' (this host)' : ''}`,
    ])
    out.push(table(header, rows), '')
  }
  return `${out.join('\n')}`
}
