import { TestBed } from '@angular/core/testing';
import type { StatsConnection } from './stats-connection';
import { EMPTY_STATS_VIEW, STATS_FALLBACK_OPENER, StatsStream, type StatsConnectionOpener } from './stats-stream';
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

describe('StatsStream', () => {
  let opened: { origin: string; emit: (view: StatsView) => void; connection: StatsConnection & { closed: boolean } }[];
  let loads: number;

  beforeEach(() => {
    FakeWorker.instances = [];
    opened = [];
    loads = 0;
    stubWorker(FakeWorker);
    const opener: StatsConnectionOpener = (origin, emit) => {
      const connection = {
        closed: false,
        close() {
          this.closed = true;
        },
      };
      opened.push({ origin, emit, connection });
      return connection;
    };
    TestBed.configureTestingModule({
      providers: [
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
    expect(worker!.options).toEqual({ type: 'module' });
    expect(worker!.posted).toEqual([{ type: 'connect', origin: location.origin }]);

    const live = view('live');
    worker!.emit(live);
    expect(stream.view()).toEqual(live);
    expect(loads).toBe(0);
  });

  it('terminates the worker on stop()', async () => {
    const stream = TestBed.inject(StatsStream);
    stream.start();
    const [worker] = FakeWorker.instances;
    stream.stop();
    expect(worker!.terminated).toBe(true);
    // A late error of the stopped worker does not open anything.
    worker!.fail();
    await flush();
    expect(loads).toBe(0);
  });

  for (const type of ['error', 'messageerror'] as const) {
    it(`falls back to the main thread when the worker reports ${type === 'error' ? 'an error' : 'a message error'}`, async () => {
      const stream = TestBed.inject(StatsStream);
      stream.start();
      const [worker] = FakeWorker.instances;
      const event = worker!.fail(type);
      expect(event.defaultPrevented).toBe(true);
      expect(worker!.terminated).toBe(true);
      await flush();
      expect(opened).toHaveLength(1);
      expect(opened[0]!.origin).toBe(location.origin);

      const reconnecting = view('reconnecting');
      opened[0]!.emit(reconnecting);
      expect(stream.view()).toEqual(reconnecting);

      // A second error of the same (terminated) worker does not open a second connection.
      worker!.fail(type);
      await flush();
      expect(opened).toHaveLength(1);

      stream.stop();
      expect(opened[0]!.connection.closed).toBe(true);
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
