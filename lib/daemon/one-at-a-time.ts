// Runs an async job one at a time: a request while it runs makes one more run after it, however many came.
export class OneAtATime {
  readonly #job: () => Promise<void>
  #running: Promise<void> | undefined
  #again = false
  #stopped = false

  constructor(job: () => Promise<void>) {
    this.#job = job
  }

  /** Run now, or once more after the run in progress. */
  request(): void {
    if (this.#stopped) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = this.#job().finally(() => {
      this.#running = undefined
      if (this.#again) {
        this.#again = false
        this.request()
      }
    })
  }

  /** Resolves once no run is in progress or asked for (the one after it included). */
  async settled(): Promise<void> {
    while (this.#running) await this.#running
  }

  /** No more runs; resolves once the one in progress is done. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#running
  }

  get stopped(): boolean {
    return this.#stopped
  }
}
