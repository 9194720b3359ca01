// The one comparison of two route lists: which slots were added, changed or removed.
import { type Route, routeKey, sameRoute } from './route.js'

/** How to get from `before` to `after`, slot by slot (a slot is table, destination and length). */
export interface ChangeSet<R = Route> {
  /** In `after` only. */
  readonly add: readonly R[]
  /** In both, different: the `after` version. */
  readonly change: readonly R[]
  /** In `before` only. */
  readonly remove: readonly R[]
}

/** O(n); each list is taken to hold one route per slot, as a routing table does. */
export function changeSet(before: readonly Route[], after: readonly Route[]): ChangeSet {
  return changeSetBy(before, after, routeKey, sameRoute)
}

/** changeSet for routes of any family: `key` names a route's slot, `same` compares two routes. */
export function changeSetBy<R>(
  before: readonly R[],
  after: readonly R[],
  key: (r: R) => string,
  same: (a: R, b: R) => boolean,
): ChangeSet<R> {
  const was = new Map(before.map((r) => [key(r), r])) // by slot; BOUNDED: routes in `before`
  const now = new Set(after.map(key)) // by slot; BOUNDED: routes in `after`
  const add: R[] = []
  const change: R[] = []
  for (const r of after) {
    const w = was.get(key(r))
    if (!w) add.push(r)
    else if (!same(w, r)) change.push(r)
  }
  return { add, change, remove: before.filter((r) => !now.has(key(r))) }
}

export const isEmptyChangeSet = <R>(c: ChangeSet<R>): boolean =>
  c.add.length === 0 && c.change.length === 0 && c.remove.length === 0
