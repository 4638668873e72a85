import { jest } from '@jest/globals';
import type { StatsSample } from '@storyflow/contracts';
import { SERVER_CLOSE_RETRY_MS, openStatsConnection, type StatsSocket } from './stats-connection';
import type { StatsView, StatsWindowOptions } from './stats-window';

type Listener = (...args: unknown[]) => void;

/** Just enough of a socket.io-client Socket (and its Manager, `io`) to play the server's part. */
class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }

  /** As if the server (or socket.io itself) emitted `event`. */
  fire(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

class FakeSocket extends FakeEmitter {
  readonly io = new FakeEmitter();
  connects = 0;
  disconnects = 0;

  connect(): this {
    this.connects++;
    return this;
  }

  disconnect(): this {
    this.disconnects++;
    return this;
  }
}

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const opts: StatsWindowOptions = { size: 20, offlineAfterAttempts: 3, formatLabel: (t) => String((t - T0) / 1000) };

function sample(sec: number, completed = 1000 + sec): StatsSample {
  return { t: T0 + sec * 1000, producedPerSec: 5, completedPerSec: 4, open: 10, completed, poolSize: 8, busyWorkers: 2, backlogTasks: 7 };
}

describe('openStatsConnection', () => {
  let socket: FakeSocket;
  let views: StatsView[];
  const last = () => views.at(-1)!;

  function open() {
    socket = new FakeSocket();
    views = [];
    const origins: string[] = [];
    const connection = openStatsConnection(
      'http://example.test',
      (view) => views.push(view),
      opts,
      (origin) => {
        origins.push(origin);
        // The fake covers the members openStatsConnection uses; the full Socket type has many more.
        return socket as unknown as StatsSocket;
      },
    );
    expect(origins).toEqual(['http://example.test']);
    return connection;
  }

  afterEach(() => jest.useRealTimers());

  it('reports a view at once and after every socket event', () => {
    open();
    expect(last().connection).toBe('connecting');
    socket.fire('connect');
    socket.fire('stats:snapshot', { now: T0 + 1000, history: [sample(0), sample(1)] });
    expect(last().connection).toBe('live');
    expect(last().figures?.completed).toBe(1001);
    socket.fire('stats', sample(2, 1500));
    expect(last().figures?.completed).toBe(1500);
    expect(last().chart.labels.at(-1)).toBe('2');
  });

  it('drops and counts payloads that do not match the contract, without throwing', () => {
    open();
    socket.fire('connect');
    socket.fire('stats:snapshot', { now: T0, history: [sample(0)] });
    const good = last();

    const bad: [string, unknown][] = [
      ['stats', null],
      ['stats', 'garbage'],
      ['stats', { ...sample(1), completed: '2000' }],
      ['stats', { ...sample(1), busyWorkers: undefined }],
      ['stats:snapshot', { now: T0, history: 'nope' }],
      ['stats:snapshot', { now: T0, history: [sample(1), { t: T0 }] }],
    ];
    for (const [event, payload] of bad) expect(() => socket.fire(event, payload)).not.toThrow();
    expect(last().dropped).toBe(bad.length);
    expect(last().figures).toEqual(good.figures);
    expect(last().chart).toEqual(good.chart);

    // The stream goes on with the next good sample.
    socket.fire('stats', sample(1, 2000));
    expect(last().figures?.completed).toBe(2000);
    expect(last().dropped).toBe(bad.length);
  });

  it('shows reconnect attempts, then offline', () => {
    open();
    socket.fire('connect');
    socket.fire('disconnect', 'transport close');
    expect(last().connection).toBe('reconnecting');
    socket.io.fire('reconnect_attempt', 3);
    expect(last().connection).toBe('offline');
    socket.fire('connect');
    expect(last().connection).toBe('live');
  });

  it('reconnects by itself after the server closed the socket, until closed', () => {
    jest.useFakeTimers();
    open();
    socket.fire('connect');
    socket.fire('disconnect', 'io server disconnect');
    expect(last().connection).toBe('reconnecting');
    jest.advanceTimersByTime(SERVER_CLOSE_RETRY_MS - 1);
    expect(socket.connects).toBe(0);
    jest.advanceTimersByTime(1);
    expect(socket.connects).toBe(1);
  });

  it('close() detaches every listener, disconnects and cancels a pending retry', () => {
    jest.useFakeTimers();
    const connection = open();
    socket.fire('connect');
    socket.fire('disconnect', 'io server disconnect');
    connection.close();
    expect(socket.disconnects).toBe(1);
    expect(socket.listeners.size).toBe(0);
    expect(socket.io.listeners.size).toBe(0);
    jest.advanceTimersByTime(SERVER_CLOSE_RETRY_MS * 5);
    expect(socket.connects).toBe(0);
  });
});
