// The control socket's event subscribers (faildctl events, watch): one JSON line per change to each, never slowing faild.
//
// A subscriber that reads too slowly is let go rather than buffered for: its socket's queue is
// bounded, and when it is full the subscriber gets a last line saying so and is closed.
import type { Socket } from 'node:net'
import { BEHIND_GRACE_MS, endConnection } from './ending.js'

/** At most this many subscribers at once (the server takes 16 connections in all). */
export const MAX_SUBSCRIBERS = 8
/** A subscriber this far behind (bytes queued) is let go. */
const MAX_QUEUED_BYTES = 256 << 10

export class Subscribers {
  /** BOUNDED: MAX_SUBSCRIBERS. */
  readonly #socks = new Set<Socket>()

  get count(): number {
    return this.#socks.size
  }

  /** Take `sock` as a subscriber; false (and nothing kept) when there are too many. */
  add(sock: Socket): boolean {
    if (this.#socks.size >= MAX_SUBSCRIBERS) return false
    this.#socks.add(sock)
    sock.once('close', () => this.#socks.delete(sock))
    // The client closed its side (faildctl events ended): so does faild.
    sock.once('end', () => {
      this.#socks.delete(sock)
      endConnection(sock)
    })
    return true
  }

  /** One line to every subscriber, now, each with the time it happened. */
  publish(event: object, at = new Date()): void {
    if (this.#socks.size === 0) return
    const line = `${JSON.stringify({ at: at.toISOString(), ...event })}\n`
    for (const sock of this.#socks) {
      if (sock.writableLength > MAX_QUEUED_BYTES) {
        this.#socks.delete(sock)
        const error = 'events came faster than they were read: subscribe again'
        endConnection(sock, `${JSON.stringify({ ok: false, error })}\n`, BEHIND_GRACE_MS)
        continue
      }
      sock.write(line)
    }
  }

  /** faild stops: every subscriber's stream ends. */
  close(): void {
    for (const sock of this.#socks) endConnection(sock)
    this.#socks.clear()
  }
}
