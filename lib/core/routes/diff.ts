// The one comparison of two route lists: which slots were added, changed or removed.
import { type Route, routeKey, sameRoute } from './route.js'

/** How to get from `before` to `after`, slot by slot (a slot is table, destination and length). */
export interface ChangeSet {
  /** In `after` only. */
  readonly add: readonly Route[]
  /** In both, different: the `after` version. */
  readonly change: readonly Route[]
  /** In `before` only. */
  readonly remove: readonly Route[]
}

/** O(n); each list is taken to hold one route per slot, as a routing table does. */
export function changeSet(before: readonly Route[], after: readonly Route[]): ChangeSet {
  const was = new Map(before.map((r) => [routeKey(r), r])) // by slot; BOUNDED: routes in `before`
  const now = new Set(after.map(routeKey)) // by slot; BOUNDED: routes in `after`
  const add: Route[] = []
  const change: Route[] = []
  for (const r of after) {
    const w = was.get(routeKey(r))
    if (!w) add.push(r)
    else if (!sameRoute(w, r)) change.push(r)
  }
  return { add, change, remove: before.filter((r) => !now.has(routeKey(r))) }
}

export const isEmptyChangeSet = (c: ChangeSet): boolean =>
  c.add.length === 0 && c.change.length === 0 && c.remove.length === 0
