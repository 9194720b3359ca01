// The running daemon with what surrounds it: logger, notify hook, operator commands, and reload as
// prepare-then-commit (as ifstated's load_config()): a config that cannot be applied changes nothing.
import { existsSync } from 'node:fs'
import { loadOptions } from '../config/load.js'
import type { Options } from '../config/types.js'
import type { Reply, Request } from '../control/protocol.js'
import { Subscribers } from '../control/subscribers.js'
import type { NotifyEvent } from '../core/report/change-log.js'
import { type Logger, type LogOptions, reconfigureLogger } from '../host/log.js'
import { unwritable } from '../host/log-file.js'
import { Notifier } from '../host/notify.js'
import { Daemon, type DaemonDeps } from './daemon.js'
import type { Metrics } from './metrics.js'
import type { NotifyTally } from './metrics-state.js'
import { type DaemonObserver, fanOut } from './observer.js'
import type { Prepared } from './reload.js'

/** Where the options come from, to read them again on reload. */
export interface Source {
  /** undefined: no file (none given, and the default is absent). */
  readonly configFile: string | undefined
  /**
   * With no file named, the default one (/etc/faild.json): when it was absent at start, a reload
   * reads it once it exists (made after faild started), and from then on as if named.
   */
  readonly defaultFile?: string
  /** The flags given on the command line: they override the file on every reload too. */
  readonly flags: Readonly<Record<string, unknown>>
}

/** The metrics registry's class: loaded only for a faild that serves /metrics (see loadMetrics). */
export type MetricsClass = typeof Metrics

/**
 * prom-client and the metrics built on it, loaded on demand: importing them costs 13 MB of RSS
 * (a fifth of an idle faild's), and most hosts never serve /metrics. --metrics is bound at start
 * (x-restart), so a running faild never needs them later.
 */
export const loadMetrics = async (): Promise<MetricsClass> => (await import('./metrics.js')).Metrics

export const logOptions = (o: Options): LogOptions => ({ level: o.logLevel, format: o.logFormat, file: o.logFile })

export class Service {
  #source: Source
  readonly #log: Logger
  readonly daemon: Daemon
  /** faildctl events and watch: every notify event goes to them too. */
  readonly events = new Subscribers()
  #notifier: Notifier | undefined
  /** The tallies of hooks a reload replaced or removed, so the metrics' counters never go back. */
  #retired: NotifyTally = { runs: 0, failures: 0, dropped: 0 }
  /** With --metrics: the registry, fed by the daemon's observer and read at scrape time. */
  readonly metrics: Metrics | undefined
  #reloading: Promise<Reply> = Promise.resolve({ ok: true })

  /** `metrics`: the class loadMetrics() gives, required when the options ask for /metrics. */
  constructor(
    options: Options,
    source: Source,
    log: Logger,
    deps: Omit<DaemonDeps, 'log' | 'notify'>,
    metrics?: MetricsClass,
  ) {
    this.#source = source
    this.#log = log
    this.#notifier = options.notify ? new Notifier(options.notify, options.notifyTimeout, log) : undefined
    if (options.metrics && !metrics) throw new Error('--metrics: the metrics were not loaded (loadMetrics)')
    this.metrics = options.metrics && metrics ? this.#newMetrics(metrics) : undefined
    const observers = [deps.observer, this.metrics?.observer].filter((o): o is DaemonObserver => o !== undefined)
    const observer = observers.length ? fanOut(observers) : undefined
    const notify = (e: NotifyEvent) => {
      this.#notifier?.notify(e)
      this.events.publish(e)
    }
    this.daemon = new Daemon(options, { ...deps, log, notify, observer })
  }

  #newMetrics(Registry: MetricsClass): Metrics {
    return new Registry({
      // Only a started daemon has a status (it has LANs once started).
      status: () => (this.daemon.lans.length > 0 ? this.daemon.status() : undefined),
      notify: () => this.notifyTally(),
      table: () => this.daemon.options.table,
      carrierLost: () => this.daemon.carrierLost(),
    })
  }

  /** The --notify hook's runs, failures and events not run, since faild started. */
  notifyTally(): NotifyTally {
    const n = this.#notifier
    const r = this.#retired
    if (!n) return r
    return { runs: r.runs + n.runs, failures: r.failures + n.failed, dropped: r.dropped + n.dropped + n.skipped }
  }

  async handle(req: Request): Promise<Reply> {
    switch (req.command) {
      case 'status':
        return { ok: true, status: this.daemon.status() }
      case 'matrix':
        return { ok: true, matrix: this.daemon.matrix() }
      case 'offline':
      case 'online': {
        const r = this.daemon.setOffline(req.lan, req.command === 'offline')
        return r.ok ? { ok: true, message: r.message } : { ok: false, error: r.message }
      }
      case 'what-if': {
        const r = this.daemon.whatIfOffline(req.lan)
        return r.ok ? { ok: true, message: r.message } : { ok: false, error: r.message }
      }
      case 'reload':
        return this.reload('faildctl reload')
      case 'events':
        return { ok: false, error: 'events are a subscription: ask the control socket' }
    }
  }

  /**
   * SIGHUP or faildctl reload: one at a time. A bad file is logged and the running config kept. No
   * reload ever rejects: one that threw would leave the queue rejected, failing every later reload
   * (and a SIGHUP handler that saw it would stop faild).
   */
  reload(why: string): Promise<Reply> {
    this.#reloading = this.#reloading.then(() => this.#reload(why).catch((err) => this.#failed(why, err)))
    return this.#reloading
  }

  #failed(why: string, err: unknown): Reply {
    const message = err instanceof Error ? err.message : String(err)
    this.#log.error(`${why}: failed (${message}); the running config is kept`)
    return { ok: false, error: `reload failed, running config kept: ${message}` }
  }

  async #reload(why: string): Promise<Reply> {
    const log = this.#log
    // Reopened first, whatever becomes of the reload: logrotate's SIGHUP must move faild to the new
    // file even when the config on disk is half-edited, or the next rotation deletes what it wrote.
    reconfigureLogger(log, logOptions(this.daemon.options))
    // A faildctl reload while faild stops would renumber tables the stop is removing.
    if (this.daemon.stopping) {
      log.info(`${why}: faild is stopping; not reloaded`)
      return { ok: false, error: 'faild is stopping: not reloaded' }
    }
    const file = this.#source.configFile ?? this.#madeSinceStart()
    const r = loadOptions(file, this.#source.flags)
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
    let prepared: Prepared
    try {
      prepared = this.daemon.prepare(o)
    } catch (err) {
      log.error(`${why}: ${(err as Error).message}; the running config is kept`)
      return { ok: false, error: (err as Error).message }
    }
    // Everything is checked: from here on, the logger, the hook and the daemon change together.
    reconfigureLogger(log, logOptions(o))
    this.#setNotifier(o)
    try {
      await this.daemon.commit(prepared)
    } catch (err) {
      // Not "the running config is kept": the logger, the hook and the daemon's options changed.
      const message = `the new config is running, but applying it failed part-way: ${(err as Error).message}`
      log.error(`${why}: ${message}`)
      return { ok: false, error: message }
    }
    const made = file !== this.#source.configFile
    if (made) this.#source = { ...this.#source, configFile: file }
    const rest = prepared.pending.length ? `; changed but applied only at restart: ${prepared.pending.join(', ')}` : ''
    const named = file ? ` ${file}${made ? ' (made since faild started: read from now on)' : ''}` : ''
    const message = `${why}: config${named} reloaded, log reopened${rest}`
    log.info(message)
    return { ok: true, message }
  }

  /** The default file, absent at start and there now; undefined otherwise. */
  #madeSinceStart(): string | undefined {
    const d = this.#source.defaultFile
    return d !== undefined && existsSync(d) ? d : undefined
  }

  #setNotifier(o: Options): void {
    if (!o.notify) {
      this.#retired = this.notifyTally()
      this.#notifier = undefined
    } else if (this.#notifier) this.#notifier.configure(o.notify, o.notifyTimeout)
    else this.#notifier = new Notifier(o.notify, o.notifyTimeout, this.#log)
  }

  async idle(): Promise<void> {
    await this.#notifier?.idle(2000)
  }
}
