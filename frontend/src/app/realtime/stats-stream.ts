import { Injectable, InjectionToken, effect, inject, signal, untracked, type Signal } from '@angular/core';
import type { StoriesActivity } from '@storyflow/contracts/stats';
import type { StoryProgressDto } from '@storyflow/contracts/story';
import { Subject, type Observable } from 'rxjs';
import type { LiveCommand, LiveConnection, LiveMessage } from './stats-connection';
import type { StatsView } from './stats-window';

export const EMPTY_STATS_VIEW: StatsView = {
  connection: 'connecting',
  disconnectedAt: null,
  reconnects: 0,
  refusal: null,
  figures: null,
  at: null,
  chart: { times: [], labels: [], produced: [], completed: [] },
  samples: [],
  countersSince: null,
  countersReset: null,
  instanceId: null,
  dropped: 0,
  feedAt: null,
};

/** Opens the live connection on the main thread (`openLiveConnection`'s shape). */
export type LiveConnectionOpener = (origin: string, token: string | null, emit: (message: LiveMessage) => void) => LiveConnection;

/**
 * Loads the main-thread opener, used without Worker support or when the worker fails. A dynamic
 * import by default, so the socket code stays out of the main bundle; tests provide a fake.
 */
export const STATS_FALLBACK_OPENER = new InjectionToken<() => Promise<LiveConnectionOpener>>('STATS_FALLBACK_OPENER', {
  providedIn: 'root',
  factory: () => () => import('./stats-connection').then((m) => m.openLiveConnection),
});

/** The access token for the socket handshake; the composition root provides the stored one. */
export const LIVE_TOKEN = new InjectionToken<Signal<string | null>>('LIVE_TOKEN', {
  providedIn: 'root',
  factory: () => signal(null),
});

/**
 * The live feed as signals: statistics, story activity, and progress of the stories screens watch.
 * The socket, parsing and windowing live in a Web Worker (`stats.worker.ts`); this service only sets
 * signals with what the worker posts. Without Worker support, or when the worker fails to load or
 * errors, the same connection module runs on the main thread instead.
 */
@Injectable({ providedIn: 'root' })
export class StatsStream {
  private readonly loadFallback = inject(STATS_FALLBACK_OPENER);
  private readonly token = inject(LIVE_TOKEN);
  private readonly state = signal<StatsView>(EMPTY_STATS_VIEW);
  private readonly latestActivity = signal<StoriesActivity | null>(null);
  private readonly activityEvents = new Subject<StoriesActivity>();
  private readonly progressById = signal<ReadonlyMap<string, StoryProgressDto>>(new Map());
  private readonly watchers = new Map<object, readonly string[]>();
  private watched = new Set<string>();
  private worker: Worker | null = null;
  private fallback: LiveConnection | null = null;
  /** Bumped by start() and stop(): a fallback that loads after a stop (or a restart) is dropped. */
  private generation = 0;
  private started = false;
  /** The token the connection has (sent with `connect`, or since). */
  private sentToken: string | null = null;

  readonly view: Signal<StatsView> = this.state.asReadonly();
  /** The latest `stories:activity` (once a second while connected). */
  readonly activity = this.latestActivity.asReadonly();
  /**
   * Every `stories:activity`, as it arrives: for what adds them up. (A signal hands on only the latest of the
   * seconds that arrive between two renders, as after a background tab's throttled timers.)
   */
  readonly activity$: Observable<StoriesActivity> = this.activityEvents.asObservable();
  /** Latest progress of each watched story. */
  readonly progress = this.progressById.asReadonly();

  constructor() {
    // A new or forgotten token reconnects the socket with it.
    effect(() => {
      const token = this.token();
      if (token === this.sentToken) return;
      this.sentToken = token;
      untracked(() => this.send({ type: 'token', token }));
    });
  }

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
    worker.onmessage = ({ data }: MessageEvent<LiveMessage>) => this.receive(data);
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
    this.sentToken = untracked(this.token);
    const command: LiveCommand = { type: 'connect', origin, token: this.sentToken };
    worker.postMessage(command);
    this.sendWatched();
  }

  stop(): void {
    this.started = false;
    this.generation++;
    this.worker?.terminate();
    this.worker = null;
    this.fallback?.close();
    this.fallback = null;
  }

  /**
   * Follows the progress of `ids` for `owner` (a component) until `unwatch(owner)`; the union of all
   * owners' ids is watched. Starts the connection if needed.
   */
  watch(owner: object, ids: readonly string[]): void {
    this.watchers.set(owner, ids);
    this.start();
    this.sendWatched();
  }

  unwatch(owner: object): void {
    if (this.watchers.delete(owner)) this.sendWatched();
  }

  private sendWatched(): void {
    this.watched = new Set([...this.watchers.values()].flat());
    this.progressById.update((map) => new Map([...map].filter(([id]) => this.watched.has(id))));
    this.send({ type: 'watch', ids: [...this.watched] });
  }

  private send(command: Exclude<LiveCommand, { type: 'connect' }>): void {
    if (this.worker) this.worker.postMessage(command);
    else if (this.fallback) {
      if (command.type === 'token') this.fallback.setToken(command.token);
      else this.fallback.watch(command.ids);
    }
  }

  private receive(message: LiveMessage): void {
    switch (message.type) {
      case 'stats':
        this.state.set(message.view);
        return;
      case 'activity':
        this.latestActivity.set(message.activity);
        this.activityEvents.next(message.activity);
        return;
      case 'progress':
        this.progressById.update((map) => {
          const next = new Map(map);
          // A batch may still hold stories unwatched since it left the worker.
          for (const item of message.items) if (this.watched.has(item.id)) next.set(item.id, item);
          return next;
        });
        return;
    }
  }

  private runOnMainThread(origin: string): void {
    const generation = this.generation;
    void this.loadFallback().then(
      (open) => {
        if (!this.started || generation !== this.generation || this.fallback) return;
        this.sentToken = untracked(this.token);
        this.fallback = open(origin, this.sentToken, (message) => this.receive(message));
        this.sendWatched();
      },
      () => this.state.set({ ...this.state(), connection: 'offline', disconnectedAt: this.state().disconnectedAt ?? Date.now() }),
    );
  }
}
