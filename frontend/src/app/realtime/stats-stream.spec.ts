import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { StoryProgressDto } from '@storyflow/contracts/story';
import type { LiveConnection, LiveMessage } from './stats-connection';
import { EMPTY_STATS_VIEW, LIVE_TOKEN, STATS_FALLBACK_OPENER, StatsStream, type LiveConnectionOpener } from './stats-stream';
import type { StatsView } from './stats-window';

/** Stands in for the browser's Worker: records what it is sent, lets the test post back or fail. */
class FakeWorker {
  static instances: FakeWorker[] = [];
  readonly posted: unknown[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessageerror: ((event: Event) => void) | null = null;

  constructor(
    readonly url: URL | string,
    readonly options?: WorkerOptions,
  ) {
    FakeWorker.instances.push(this);
  }

  postMessage(message: unknown): void {
    this.posted.push(message);
  }

  terminate(): void {
    this.terminated = true;
  }

  /** As if the worker posted `data`. */
  emit(data: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data }));
  }

  fail(type: 'error' | 'messageerror' = 'error'): Event {
    const event = new Event(type, { cancelable: true });
    (type === 'error' ? this.onerror : this.onmessageerror)?.(event);
    return event;
  }
}

/** jsdom has no Worker: each test sets its own, and the original (none) comes back afterwards. */
const originalWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
function stubWorker(value: unknown): void {
  Object.defineProperty(globalThis, 'Worker', { value, configurable: true, writable: true });
}
function restoreWorker(): void {
  if (originalWorker) Object.defineProperty(globalThis, 'Worker', originalWorker);
  else Reflect.deleteProperty(globalThis, 'Worker');
}

const view = (connection: StatsView['connection']): StatsView => ({ ...EMPTY_STATS_VIEW, connection });
const stats = (connection: StatsView['connection']): LiveMessage => ({ type: 'stats', view: view(connection) });
const ID_A = 'a'.repeat(24);
const ID_B = 'b'.repeat(24);
const progress = (id: string, doneCount: number): StoryProgressDto => ({
  id,
  status: 'Open',
  taskCount: 9,
  doneCount,
  runningTasks: 1,
  running: [1],
  startedAt: null,
  completedAt: null,
});

type FakeConnection = LiveConnection & { closed: boolean; tokens: (string | null)[]; watched: (readonly string[])[] };

describe('StatsStream', () => {
  let opened: { origin: string; token: string | null; emit: (message: LiveMessage) => void; connection: FakeConnection }[];
  let loads: number;
  const token = signal<string | null>('tok-1');

  beforeEach(() => {
    FakeWorker.instances = [];
    opened = [];
    loads = 0;
    stubWorker(FakeWorker);
    token.set('tok-1');
    const opener: LiveConnectionOpener = (origin, initial, emit) => {
      const connection: FakeConnection = {
        closed: false,
        tokens: [],
        watched: [],
        close() {
          this.closed = true;
        },
        setToken(t) {
          this.tokens.push(t);
        },
        watch(ids) {
          this.watched.push(ids);
        },
      };
      opened.push({ origin, token: initial, emit, connection });
      return connection;
    };
    TestBed.configureTestingModule({
      providers: [
        { provide: LIVE_TOKEN, useValue: token },
        {
          provide: STATS_FALLBACK_OPENER,
          useValue: () => {
            loads++;
            return Promise.resolve(opener);
          },
        },
      ],
    });
  });

  afterEach(restoreWorker);

  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('starts the worker once, tells it to connect, and shows what it posts', () => {
    const stream = TestBed.inject(StatsStream);
    expect(stream.view()).toBe(EMPTY_STATS_VIEW);
    stream.start();
    stream.start();
    expect(FakeWorker.instances).toHaveLength(1);
    const [worker] = FakeWorker.instances;
    expect(worker.options).toEqual({ type: 'module' });
    expect(worker.posted).toEqual([
      { type: 'connect', origin: location.origin, token: 'tok-1' },
      { type: 'watch', ids: [] },
    ]);

    worker.emit(stats('live'));
    expect(stream.view()).toEqual(view('live'));
    expect(loads).toBe(0);
  });

  it('tells the worker a new or forgotten token', () => {
    const stream = TestBed.inject(StatsStream);
    stream.start();
    const [worker] = FakeWorker.instances;
    token.set('tok-2');
    TestBed.tick();
    token.set(null);
    TestBed.tick();
    expect(worker.posted.filter((m) => (m as { type: string }).type === 'token')).toEqual([
      { type: 'token', token: 'tok-2' },
      { type: 'token', token: null },
    ]);
  });

  it('watches the union of what its owners watch, and keeps only their progress', () => {
    const stream = TestBed.inject(StatsStream);
    const list = {};
    const detail = {};
    stream.watch(list, [ID_A, ID_B]);
    stream.watch(detail, [ID_A]);
    const [worker] = FakeWorker.instances;
    const watches = () => worker.posted.filter((m) => (m as { type: string }).type === 'watch');
    expect(watches().at(-1)).toEqual({ type: 'watch', ids: [ID_A, ID_B] });

    worker.emit({ type: 'progress', items: [progress(ID_A, 3), progress(ID_B, 4)] });
    expect(stream.progress().get(ID_A)?.doneCount).toBe(3);
    stream.unwatch(list);
    expect(watches().at(-1)).toEqual({ type: 'watch', ids: [ID_A] });
    expect([...stream.progress().keys()]).toEqual([ID_A]);
    // A batch that left the worker before the change does not bring B back.
    worker.emit({ type: 'progress', items: [progress(ID_B, 5)] });
    expect(stream.progress().has(ID_B)).toBe(false);
  });

  it('keeps the latest story activity', () => {
    const stream = TestBed.inject(StatsStream);
    stream.start();
    const activity = { t: 1000, created: 1, completed: 2, removed: 0, counts: { Open: 3, Done: 4 } };
    FakeWorker.instances[0].emit({ type: 'activity', activity });
    expect(stream.activity()).toEqual(activity);
  });

  it('hands on every story activity, also seconds that arrive together', () => {
    const stream = TestBed.inject(StatsStream);
    const seen: number[] = [];
    stream.activity$.subscribe((a) => seen.push(a.t));
    stream.start();
    for (const t of [1000, 2000, 3000])
      FakeWorker.instances[0].emit({
        type: 'activity',
        activity: { t, created: 1, completed: 0, removed: 0, counts: { Open: 1, Done: 0 } },
      });
    expect(seen).toEqual([1000, 2000, 3000]);
  });

  it('terminates the worker on stop()', async () => {
    const stream = TestBed.inject(StatsStream);
    stream.start();
    const [worker] = FakeWorker.instances;
    stream.stop();
    expect(worker.terminated).toBe(true);
    // A late error of the stopped worker does not open anything.
    worker.fail();
    await flush();
    expect(loads).toBe(0);
  });

  for (const type of ['error', 'messageerror'] as const) {
    it(`falls back to the main thread when the worker reports ${type === 'error' ? 'an error' : 'a message error'}`, async () => {
      const stream = TestBed.inject(StatsStream);
      stream.start();
      const [worker] = FakeWorker.instances;
      const event = worker.fail(type);
      expect(event.defaultPrevented).toBe(true);
      expect(worker.terminated).toBe(true);
      await flush();
      expect(opened).toHaveLength(1);
      expect(opened[0].origin).toBe(location.origin);

      expect(opened[0].token).toBe('tok-1');
      opened[0].emit(stats('reconnecting'));
      expect(stream.view()).toEqual(view('reconnecting'));
      // Token and watch commands go to the main-thread connection now.
      token.set('tok-2');
      TestBed.tick();
      expect(opened[0].connection.tokens).toEqual(['tok-2']);
      stream.watch({}, [ID_A]);
      expect(opened[0].connection.watched.at(-1)).toEqual([ID_A]);

      // A second error of the same (terminated) worker does not open a second connection.
      worker.fail(type);
      await flush();
      expect(opened).toHaveLength(1);

      stream.stop();
      expect(opened[0].connection.closed).toBe(true);
    });
  }

  it('falls back when the Worker cannot even be constructed', async () => {
    stubWorker(
      class {
        constructor() {
          throw new DOMException('blocked', 'SecurityError');
        }
      },
    );
    TestBed.inject(StatsStream).start();
    await flush();
    expect(opened).toHaveLength(1);
  });

  it('runs on the main thread without Worker support, unless stopped before the module loads', async () => {
    stubWorker(undefined);
    const stream = TestBed.inject(StatsStream);
    stream.start();
    stream.stop();
    await flush();
    expect(opened).toHaveLength(0);

    stream.start();
    await flush();
    expect(opened).toHaveLength(1);
  });
});
