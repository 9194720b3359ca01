// The running daemon with what surrounds it: logger, notify hook, operator commands and reload.
import { closeSync, openSync } from 'node:fs'
import { loadOptions } from '../config/load.js'
import type { Options } from '../config/types.js'
import type { Reply, Request } from '../control/protocol.js'
import { reconfigureLogger, type LogOptions, type Logger } from '../host/log.js'
import { Notifier } from '../host/notify.js'
import { Daemon, type DaemonDeps } from './daemon.js'

/** Where the options come from, to read them again on reload. */
export interface Source {
  /** undefined: no file (none given, and the default is absent). */
  readonly configFile: string | undefined
  /** The flags given on the command line: they override the file on every reload too. */
  readonly flags: Readonly<Record<string, unknown>>
}

/** Why `file` cannot be appended to, or undefined. (winston would create missing directories.) */
export function unwritable(file: string): string | undefined {
  try {
    closeSync(openSync(file, 'a'))
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

export const logOptions = (o: Options): LogOptions => ({ level: o.logLevel, format: o.logFormat, file: o.logFile })

export class Service {
  readonly #source: Source
  readonly #log: Logger
  readonly daemon: Daemon
  #notifier: Notifier | undefined
  #reloading: Promise<Reply> = Promise.resolve({ ok: true })

  constructor(options: Options, source: Source, log: Logger, deps: Omit<DaemonDeps, 'log' | 'notify'>) {
    this.#source = source
    this.#log = log
    this.#notifier = options.notify ? new Notifier(options.notify, options.notifyTimeout, log) : undefined
    this.daemon = new Daemon(options, { ...deps, log, notify: (e) => this.#notifier?.notify(e) })
  }

  async handle(req: Request): Promise<Reply> {
    switch (req.command) {
      case 'status':
        return { ok: true, status: this.daemon.status() }
      case 'offline':
      case 'online': {
        const r = this.daemon.setOffline(req.lan, req.command === 'offline')
        return r.ok ? { ok: true, message: r.message } : { ok: false, error: r.message }
      }
      case 'reload':
        return this.reload('faildctl reload')
    }
  }

  /** SIGHUP or faildctl reload: one at a time. A bad file is logged and the running config kept. */
  reload(why: string): Promise<Reply> {
    this.#reloading = this.#reloading.then(() => this.#reload(why))
    return this.#reloading
  }

  async #reload(why: string): Promise<Reply> {
    const log = this.#log
    const r = loadOptions(this.#source.configFile, this.#source.flags)
    if (!r.ok) {
      for (const e of r.errors) log.error(`${why}: ${e}`)
      log.error(`${why}: the config is not valid; the running one is kept`)
      return { ok: false, error: `config not valid, running config kept:\n${r.errors.join('\n')}` }
    }
    const o = r.options
    const bad = o.logFile === undefined ? undefined : unwritable(o.logFile)
    if (bad) {
      log.error(`${why}: log file ${o.logFile}: ${bad}; the running config is kept`)
      return { ok: false, error: `log file ${o.logFile}: ${bad}` }
    }
    reconfigureLogger(log, logOptions(o))
    if (o.notify) {
      if (this.#notifier) this.#notifier.configure(o.notify, o.notifyTimeout)
      else this.#notifier = new Notifier(o.notify, o.notifyTimeout, log)
    } else this.#notifier = undefined
    try {
      const pending = await this.daemon.reconfigure(o)
      const rest = pending.length ? `; changed but applied only at restart: ${pending.join(', ')}` : ''
      const message = `${why}: config${this.#source.configFile ? ` ${this.#source.configFile}` : ''} reloaded, log reopened${rest}`
      log.info(message)
      return { ok: true, message }
    } catch (err) {
      log.error(`${why}: ${(err as Error).message}; the running config is kept`)
      return { ok: false, error: (err as Error).message }
    }
  }

  async idle(): Promise<void> {
    await this.#notifier?.idle(2000)
  }
}
