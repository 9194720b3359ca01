// One line of `faildctl events` for a change faild published (the notify hook's facts, with the time).

const clock = (at: unknown) => (typeof at === 'string' ? at.slice(11, 23) : '--:--:--.---')

/** "14:02:31.407 path  peer 198.18.1.2 LAN A: up -> down", and so on for routes, peers and targets. */
export function formatEvent(e: Readonly<Record<string, unknown>>): string {
  const s = (k: string) => (e[k] === undefined ? '' : String(e[k]))
  const body = (() => {
    switch (e.event) {
      case 'path':
        return `peer ${s('peer')} LAN ${s('lan')}: ${s('oldState')} -> ${s('newState')}`
      case 'target':
        return `target ${s('target')} LAN ${s('lan')}: ${s('oldState')} -> ${s('newState')}`
      case 'route':
        return `${s('action')} ${s('route')}`
      case 'peer':
        return `peer ${s('peer')} ${s('action')}`
      case 'address':
        return `address ${s('address')} now on LAN ${s('lan')}`
      default:
        return JSON.stringify(e)
    }
  })()
  return `${clock(e.at)} ${s('event').padEnd(6)} ${body}`
}
