// A budget for log lines that an outsider can provoke (peers appearing and vanishing): a flood of
// invented peers must not turn into a flood of log lines and hook runs. Pure: time comes as `now`.

export class LogBudget {
  readonly #perWindow: number
  readonly #windowMs: number
  #windowStart = -Infinity
  #used = 0
  /** Lines held back since the last summary. */
  #held = 0

  constructor(perWindow: number, windowMs: number) {
    this.#perWindow = perWindow
    this.#windowMs = windowMs
  }

  /**
   * Whether one more line may be written now. When a new window starts after lines were held
   * back, `summary` says how many, so the caller can log it once.
   */
  take(now: number): { ok: boolean; summary?: number } {
    let summary: number | undefined
    if (now - this.#windowStart >= this.#windowMs) {
      if (this.#held > 0) summary = this.#held
      this.#windowStart = now
      this.#used = 0
      this.#held = 0
    }
    if (this.#used < this.#perWindow) {
      this.#used++
      return { ok: true, ...(summary === undefined ? {} : { summary }) }
    }
    this.#held++
    return { ok: false, ...(summary === undefined ? {} : { summary }) }
  }
}
