// Stand-ins the engine knows hosts by on an IPv6-only LAN: one 32-bit handle in 0.0.0.0/8 per link-local address heard there.
//
// The engine, its trust rules and its peer table speak 32-bit addresses: a host's address on a
// LAN is where its packets come from and where answers go. On a LAN without IPv4 that is the
// host's link-local address, which means something only with its interface. Rather than teach
// every rule a second kind of address, this table gives each (LAN, link-local address) a handle
// 0.L.x.y, L the LAN's index, in a /16 per LAN: the rules then work unchanged (a peer's address
// must be a host of the LAN's subnet, not this host's; it changes only after silence). Handles
// never leave this host: 0.0.0.0/8 is no host's source address (RFC 1122), packets carry the
// link-local address itself, and no IPv4 route is ever planned to or via a handle.
import { formatIPv6, type IPv6, sameIPv6 } from './util/ipv6.js'
import type { Message } from './wire/message.js'

/** Every IPv6-only LAN is a /16 of handles: 0.L.0.0/16. */
export const HANDLE_PREFIX_LEN = 16
/** Peers' handles on one LAN at most: beyond, handles no peer holds are freed first. */
export const MAX_HANDLES = 4096

/** A handle, not an IPv4 address: in 0.0.0.0/8 and not 0. */
export const isHandle = (a: number): boolean => a !== 0 && a >>> 24 === 0

/** This host's own handle on LAN `lan`. */
export const ownHandle = (lan: number): number => ((lan << 16) | 1) >>> 0

export class LinkHandles {
  /** By LAN: link-local text to handle. BOUNDED: MAX_HANDLES per LAN. */
  readonly #byText = new Map<number, Map<string, number>>()
  /** Handle to link-local address. BOUNDED: MAX_HANDLES per LAN. */
  readonly #byHandle = new Map<number, IPv6>()
  /** By LAN: the next host number to try (2 to 65534). */
  readonly #next = new Map<number, number>()
  /** Whether the engine knows a peer by the handle now (its table holds it); those are never freed. */
  readonly #inUse: (lan: number, handle: number) => boolean

  constructor(inUse: (lan: number, handle: number) => boolean) {
    this.#inUse = inUse
  }

  /** The handle of `address` on `lan`, given one now if it has none; undefined when the LAN's handles are all held. */
  handle(lan: number, address: IPv6): number | undefined {
    const texts = this.#texts(lan)
    const text = formatIPv6(address)
    const known = texts.get(text)
    if (known !== undefined) return known
    if (texts.size >= MAX_HANDLES && !this.#free(lan, texts)) return undefined
    const handle = this.#unused(lan)
    texts.set(text, handle)
    this.#byHandle.set(handle, address)
    return handle
  }

  /** The link-local address behind a handle, if it is one this table gave. */
  address(handle: number): IPv6 | undefined {
    return this.#byHandle.get(handle)
  }

  #texts(lan: number): Map<string, number> {
    let texts = this.#byText.get(lan)
    if (!texts) this.#byText.set(lan, (texts = new Map()))
    return texts
  }

  /** Free every handle on `lan` that no peer holds; true if any was. */
  #free(lan: number, texts: Map<string, number>): boolean {
    const before = texts.size
    for (const [text, handle] of texts) {
      if (this.#inUse(lan, handle)) continue
      texts.delete(text)
      this.#byHandle.delete(handle)
    }
    return texts.size < before
  }

  /** A host number on `lan` no address holds now (one is free: the caller made sure). */
  #unused(lan: number): number {
    let n = this.#next.get(lan) ?? 2
    // At most MAX_HANDLES + 1 tries: no more than MAX_HANDLES are held.
    for (;;) {
      const handle = ((lan << 16) | n) >>> 0
      n = n >= 65534 ? 2 : n + 1
      if (!this.#byHandle.has(handle)) {
        this.#next.set(lan, n)
        return handle
      }
    }
  }
}

/**
 * A message that came over IPv6 from `src` on LAN `lan`, with the sender's link-local addresses
 * given as handles in its addresses: what the engine reads. Its link-local address on `lan` must
 * be the packet's source, as its IPv4 address there must be (admit.ts spoofed-source).
 */
export function withHandles(
  msg: Message,
  lan: number,
  src: IPv6,
  handles: LinkHandles,
): { readonly src: number; readonly msg: Message } | 'spoofed-source' | 'link-handles-full' {
  const own = msg.linkLocals?.[lan]
  if (!own || !sameIPv6(own, src)) return 'spoofed-source'
  let full = false
  const addresses = msg.addresses.map((a, i) => {
    const ll = msg.linkLocals![i]
    if (!ll) return a
    const h = handles.handle(i, ll)
    if (h === undefined) full = true
    return h ?? 0
  })
  if (full) return 'link-handles-full'
  return { src: addresses[lan]!, msg: { ...msg, addresses } }
}
