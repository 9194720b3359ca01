// The cluster's connectivity matrix as this host knows it: per LAN, whether each host hears each other host, and how old that is.
//
// A row is what its host hears. This host's row is its own observation of each peer's packets
// (the link state, not the routing state: a peer it hears but that does not hear it is heard).
// A peer's row is the down list it last gave for that LAN, in its INQs there or, by DOWN-ON, on
// another LAN: so a LAN whose packets do not reach this host is still shown. A row older than a
// few intervals is not known any more ('?'): a host that said nothing lately says nothing now.
import type { EngineView, PathView } from '../engine/view.js'
import { LinkState } from '../path/link-fsm.js'
import { formatIPv4 } from '../util/ipv4.js'

/** ok: hears; no: does not; ?: not known lately; -: itself; '': not on that LAN. */
export type Cell = 'ok' | 'no' | '?' | '-' | ''

export interface MatrixLan {
  readonly lan: string
  /** Node ids, this host first, then its peers in id order: the rows and the columns. */
  readonly hosts: readonly string[]
  /** cells[row][column]: does the row host hear the column host on this LAN. */
  readonly cells: ReadonlyArray<readonly Cell[]>
  /** Per row: seconds since its host last said what it hears (0 for this host); null: never. */
  readonly ageS: ReadonlyArray<number | null>
}

export interface Matrix {
  readonly lans: readonly MatrixLan[]
}

/** A row said this many of the slower interval ago, or longer, is not known any more. */
const STALE_INTERVALS = 4

export function connectivityMatrix(view: EngineView, labels: readonly string[], now: number): Matrix {
  const peers = [...view.peers].sort((a, b) => a.id - b.id)
  const ids = [view.nodeId, ...peers.map((p) => p.id)]
  return {
    lans: labels.map((lan, l) => {
      const mine = peers.map((p) => p.paths[l])
      const own: Cell[] = ['-', ...mine.map((x) => (x ? observed(x) : ''))]
      const onLan = [true, ...peers.map((p) => (p.paths[l]?.address ?? 0) !== 0)]
      const rows = peers.map((p, r) => peerRow(view, p.paths[l], p.intervalMs, ids, onLan, r + 1, now))
      return {
        lan,
        hosts: ids.map(formatIPv4),
        cells: [own, ...rows.map((x) => x.cells)],
        ageS: [0, ...rows.map((x) => x.ageS)],
      }
    }),
  }
}

function observed(x: PathView): Cell {
  if (x.address === 0) return ''
  return x.observed === LinkState.Up ? 'ok' : x.observed === LinkState.Down ? 'no' : '?'
}

/** Peer row `self` (its index in `ids`): from its latest down list for the LAN. */
function peerRow(
  view: EngineView,
  x: PathView | undefined,
  intervalMs: number,
  ids: readonly number[],
  onLan: readonly boolean[],
  self: number,
  now: number,
): { cells: Cell[]; ageS: number | null } {
  if (!x || x.address === 0) return { cells: ids.map(() => ''), ageS: null }
  const ageMs = now - x.reportedAt
  const stale = !(ageMs <= STALE_INTERVALS * Math.max(view.intervalMs, intervalMs))
  const cells = ids.map((id, i): Cell => {
    if (i === self) return '-'
    if (!onLan[i]) return ''
    if (stale) return '?'
    return x.reportedDown.includes(id) ? 'no' : 'ok'
  })
  return { cells, ageS: Number.isFinite(ageMs) ? Math.round(ageMs / 100) / 10 : null }
}
