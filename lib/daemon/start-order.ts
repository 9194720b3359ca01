// Parts started in order and, when a later one cannot start, stopped again, the last first.
//
// A daemon that fails half-way through its start must leave the host as it found it: no socket
// bound, no rule or route of its own left in the kernel.

export class StartOrder {
  /** The stops of the parts started so far, the last started first. */
  readonly #stops: Array<() => Promise<unknown>> = []

  /** Start a part; its stop is owed only once its start succeeded. */
  async start<T>(start: () => Promise<T>, stop: () => Promise<unknown>): Promise<T> {
    const r = await start()
    this.#stops.unshift(stop)
    return r
  }

  /**
   * Start a part whose start may fail half-way, leaving some of it done: its stop, which undoes a
   * partial start too, is owed from the first step.
   */
  async startGuarded(start: () => Promise<unknown>, stop: () => Promise<unknown>): Promise<void> {
    this.#stops.unshift(stop)
    await start()
  }

  /** Stop every part started, the last first. */
  async unwind(): Promise<void> {
    for (const stop of this.#stops) await stop()
  }
}
