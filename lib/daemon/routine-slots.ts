// One kept INQ per sender address and LAN, found by the address without hashing it: what routine-in.ts knows routine INQs by.
//
// No Map: at 20,000 datagrams a second a Map lookup per datagram costs about what knowing a
// routine INQ saves (README, the 1000-requestor row: fast paths through Maps saved 0-4 points of a
// core, the one without 8). The address's host bits index an array per LAN, sized for the LAN's
// subnet up to a /16: there no two hosts share an index. In a larger subnet two that do take
// turns, and the one not kept is decoded as any packet is.

/** Index bits at most: 65,536 entries a LAN (512 KB). */
const MAX_BITS = 16

export class RoutineSlots<T extends { readonly src: number }> {
  /** By LAN index, made at its first slot. BOUNDED: 2^MAX_BITS a LAN. */
  readonly #lans: Array<Array<T | undefined> | undefined> = []
  readonly #masks: number[] = []
  readonly #prefixLen: (lan: number) => number

  /** `prefixLen(lan)`: the length of this host's prefix there, read when the LAN's array is made. */
  constructor(prefixLen: (lan: number) => number) {
    this.#prefixLen = prefixLen
  }

  /** The slot kept for `src` on `lan`, if any. */
  get(lan: number, src: number): T | undefined {
    const slot = this.#lans[lan]?.[src & this.#masks[lan]!]
    return slot?.src === src ? slot : undefined
  }

  /** Keep `slot` for its address on `lan`, in place of whatever shared its index. */
  set(lan: number, slot: T): void {
    let slots = this.#lans[lan]
    if (!slots) {
      const bits = Math.min(MAX_BITS, 32 - this.#prefixLen(lan))
      this.#masks[lan] = (1 << bits) - 1
      slots = this.#lans[lan] = new Array<T | undefined>(1 << bits).fill(undefined)
    }
    slots[slot.src & this.#masks[lan]!] = slot
  }

  clear(): void {
    this.#lans.length = 0
    this.#masks.length = 0
  }
}
