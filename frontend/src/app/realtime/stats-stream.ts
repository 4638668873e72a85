import { Injectable, signal, type Signal } from '@angular/core';
import type { StatsCommand, StatsConnection } from './stats-connection';
import type { StatsView } from './stats-window';

export const EMPTY_STATS_VIEW: StatsView = {
  connection: 'connecting',
  figures: null,
  at: null,
  chart: { labels: [], produced: [], completed: [] },
};

/**
 * Live statistics as a signal. The socket, parsing and windowing live in a Web Worker
 * (`stats.worker.ts`); this service only sets the signal with what the worker posts.
 * Without Worker support the same connection module runs on the main thread.
 */
@Injectable({ providedIn: 'root' })
export class StatsStream {
  private readonly state = signal<StatsView>(EMPTY_STATS_VIEW);
  private worker: Worker | null = null;
  private fallback: StatsConnection | null = null;
  private started = false;

  readonly view: Signal<StatsView> = this.state.asReadonly();

  /** Opens the connection once; later calls are no-ops. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const origin = location.origin;
    if (typeof Worker !== 'undefined') {
      this.worker = new Worker(new URL('./stats.worker', import.meta.url), { type: 'module' });
      this.worker.onmessage = ({ data }: MessageEvent<StatsView>) => this.state.set(data);
      const command: StatsCommand = { type: 'connect', origin };
      this.worker.postMessage(command);
    } else {
      void import('./stats-connection').then(({ openStatsConnection }) => {
        if (this.started) this.fallback = openStatsConnection(origin, (view) => this.state.set(view));
      });
    }
  }

  stop(): void {
    this.started = false;
    this.worker?.terminate();
    this.worker = null;
    this.fallback?.close();
    this.fallback = null;
  }
}
