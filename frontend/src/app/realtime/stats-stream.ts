import { Injectable, InjectionToken, inject, signal, type Signal } from '@angular/core';
import type { StatsCommand, StatsConnection } from './stats-connection';
import type { StatsView } from './stats-window';

export const EMPTY_STATS_VIEW: StatsView = {
  connection: 'connecting',
  figures: null,
  at: null,
  chart: { labels: [], produced: [], completed: [] },
  dropped: 0,
};

/** Opens the stats connection on the main thread (`openStatsConnection`'s shape). */
export type StatsConnectionOpener = (origin: string, emit: (view: StatsView) => void) => StatsConnection;

/**
 * Loads the main-thread opener, used without Worker support or when the worker fails. A dynamic
 * import by default, so the socket code stays out of the main bundle; tests provide a fake.
 */
export const STATS_FALLBACK_OPENER = new InjectionToken<() => Promise<StatsConnectionOpener>>('STATS_FALLBACK_OPENER', {
  providedIn: 'root',
  factory: () => () => import('./stats-connection').then((m) => m.openStatsConnection),
});

/**
 * Live statistics as a signal. The socket, parsing and windowing live in a Web Worker
 * (`stats.worker.ts`); this service only sets the signal with what the worker posts.
 * Without Worker support, or when the worker fails to load or errors, the same connection module
 * runs on the main thread instead.
 */
@Injectable({ providedIn: 'root' })
export class StatsStream {
  private readonly loadFallback = inject(STATS_FALLBACK_OPENER);
  private readonly state = signal<StatsView>(EMPTY_STATS_VIEW);
  private worker: Worker | null = null;
  private fallback: StatsConnection | null = null;
  /** Bumped by start() and stop(): a fallback that loads after a stop (or a restart) is dropped. */
  private generation = 0;
  private started = false;

  readonly view: Signal<StatsView> = this.state.asReadonly();

  /** Opens the connection once; later calls are no-ops. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.generation++;
    const origin = location.origin;
    if (typeof Worker === 'undefined') {
      this.runOnMainThread(origin);
      return;
    }
    let worker: Worker;
    try {
      worker = new Worker(new URL('./stats.worker', import.meta.url), { type: 'module' });
    } catch {
      // e.g. a SecurityError: the worker script is not allowed here.
      this.runOnMainThread(origin);
      return;
    }
    this.worker = worker;
    worker.onmessage = ({ data }: MessageEvent<StatsView>) => this.state.set(data);
    // A script that fails to load or throws, or a message that cannot be deserialized.
    const failed = (event: Event) => {
      event.preventDefault();
      if (this.worker !== worker) return;
      worker.terminate();
      this.worker = null;
      this.runOnMainThread(origin);
    };
    worker.onerror = failed;
    worker.onmessageerror = failed;
    const command: StatsCommand = { type: 'connect', origin };
    worker.postMessage(command);
  }

  stop(): void {
    this.started = false;
    this.generation++;
    this.worker?.terminate();
    this.worker = null;
    this.fallback?.close();
    this.fallback = null;
  }

  private runOnMainThread(origin: string): void {
    const generation = this.generation;
    void this.loadFallback().then(
      (open) => {
        if (!this.started || generation !== this.generation || this.fallback) return;
        this.fallback = open(origin, (view) => this.state.set(view));
      },
      () => this.state.set({ ...this.state(), connection: 'offline' }),
    );
  }
}
