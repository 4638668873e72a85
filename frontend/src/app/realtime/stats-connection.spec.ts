import { jest } from '@jest/globals';
import type { StatsSample, StoriesActivity } from '@storyflow/contracts/stats';
import type { StoryProgressDto } from '@storyflow/contracts/story';
import {
  PROGRESS_FLUSH_MS,
  SERVER_CLOSE_RETRY_MS,
  SERVER_ERROR_RETRY_MS,
  openLiveConnection,
  type LiveMessage,
  type StatsSocket,
} from './stats-connection';
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
  /** What socket.io-client reports: false after a middleware refusal, until connect() is called. */
  active = true;
  connected = false;
  readonly emitted: [string, unknown][] = [];

  constructor(private readonly auth: (cb: (data: object) => void) => void) {
    super();
  }

  /** The handshake's `auth`, as socket.io-client would read it on the next attempt. */
  handshakeAuth(): object {
    let data: object = {};
    this.auth((d) => (data = d));
    return data;
  }

  connect(): this {
    this.connects++;
    this.active = true;
    return this;
  }

  disconnect(): this {
    this.disconnects++;
    // As socket.io-client does: a connected socket closed by its client says so.
    if (this.connected) this.fire('disconnect', 'io client disconnect');
    this.connected = false;
    return this;
  }

  emit(event: string, payload: unknown): this {
    this.emitted.push([event, payload]);
    return this;
  }

  /** The server accepted the connection. */
  accept(): void {
    this.connected = true;
    this.fire('connect');
  }
}

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const opts: StatsWindowOptions = { size: 20, offlineAfterAttempts: 3, formatLabel: (t) => String((t - T0) / 1000) };

function sample(sec: number, completed = 1000 + sec): StatsSample {
  return { t: T0 + sec * 1000, producedPerSec: 5, completedPerSec: 4, open: 10, completed, poolSize: 8, busyWorkers: 2, backlogTasks: 7 };
}

const ID_A = 'a'.repeat(24);
const ID_B = 'b'.repeat(24);

function progress(id: string, doneCount: number): StoryProgressDto {
  return { id, status: 'Open', taskCount: 10, doneCount, runningTasks: 2, running: [3, 4], startedAt: null, completedAt: null };
}

describe('openLiveConnection', () => {
  let socket: FakeSocket;
  let messages: LiveMessage[];
  const views = (): StatsView[] => messages.flatMap((m) => (m.type === 'stats' ? [m.view] : []));
  const last = () => views().at(-1)!;

  function open(token: string | null = null) {
    messages = [];
    const origins: string[] = [];
    const connection = openLiveConnection(
      'http://example.test',
      token,
      (message) => messages.push(message),
      opts,
      (origin, auth) => {
        origins.push(origin);
        socket = new FakeSocket(auth);
        // The fake covers the members openLiveConnection uses; the full Socket type has many more.
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
    socket.accept();
    socket.fire('stats:snapshot', { now: T0 + 1000, history: [sample(0), sample(1)] });
    expect(last().connection).toBe('live');
    expect(last().figures?.completed).toBe(1001);
    socket.fire('stats', sample(2, 1500));
    expect(last().figures?.completed).toBe(1500);
    expect(last().chart.labels.at(-1)).toBe('2');
  });

  it('stamps the view with when the feed last worked: connected, or figures received (not a malformed payload)', () => {
    jest.useFakeTimers({ now: T0 + 100_000 });
    open();
    expect(last().feedAt).toBeNull();
    socket.accept();
    expect(last().feedAt).toBe(T0 + 100_000);
    jest.setSystemTime(T0 + 101_000);
    socket.fire('stats:snapshot', { now: T0, history: [sample(0)] });
    expect(last().feedAt).toBe(T0 + 101_000);
    jest.setSystemTime(T0 + 102_000);
    socket.fire('stats', sample(1));
    expect(last().feedAt).toBe(T0 + 102_000);
    jest.setSystemTime(T0 + 109_000);
    socket.fire('stats', { nope: 1 });
    socket.fire('stories:activity', { t: T0, created: 1, completed: 1, removed: 0, counts: { Open: 1, Done: 1 } });
    expect(last().feedAt).toBe(T0 + 102_000);
  });

  it('drops and counts payloads that do not match the contract, without throwing', () => {
    open();
    socket.accept();
    socket.fire('stats:snapshot', { now: T0, history: [sample(0)] });
    const good = last();

    const bad: [string, unknown][] = [
      ['stats', null],
      ['stats', 'garbage'],
      ['stats', { ...sample(1), completed: '2000' }],
      ['stats', { ...sample(1), busyWorkers: undefined }],
      ['stats:snapshot', { now: T0, history: 'nope' }],
      ['stats:snapshot', { now: T0, history: [sample(1), { t: T0 }] }],
      ['stories:activity', { t: T0, created: 'x' }],
      ['story:progress', { id: ID_A, status: 'Gone' }],
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

  it('shows reconnect attempts, then offline, and since when', () => {
    open();
    socket.accept();
    const before = Date.now();
    socket.fire('disconnect', 'transport close');
    expect(last().connection).toBe('reconnecting');
    expect(last().disconnectedAt).toBeGreaterThanOrEqual(before);
    socket.io.fire('reconnect_attempt', 3);
    expect(last().connection).toBe('offline');
    socket.accept();
    expect(last().connection).toBe('live');
  });

  it('reconnects by itself after the server closed the socket, until closed', () => {
    jest.useFakeTimers();
    open();
    socket.accept();
    socket.fire('disconnect', 'io server disconnect');
    expect(last().connection).toBe('reconnecting');
    jest.advanceTimersByTime(SERVER_CLOSE_RETRY_MS - 1);
    expect(socket.connects).toBe(0);
    jest.advanceTimersByTime(1);
    expect(socket.connects).toBe(1);
  });

  it('waits longer before coming back when the server said why it closed the socket', () => {
    jest.useFakeTimers();
    open();
    socket.accept();
    socket.fire('socket:error', { code: 'too_many_events', message: 'This connection sent far more events than allowed' });
    socket.fire('disconnect', 'io server disconnect');
    expect(last().connection).toBe('reconnecting');
    jest.advanceTimersByTime(SERVER_ERROR_RETRY_MS - 1);
    expect(socket.connects).toBe(0);
    jest.advanceTimersByTime(1);
    expect(socket.connects).toBe(1);
    // Only that once: a later plain close (a restart) is retried soon again.
    socket.accept();
    socket.fire('disconnect', 'io server disconnect');
    jest.advanceTimersByTime(SERVER_CLOSE_RETRY_MS);
    expect(socket.connects).toBe(2);
  });

  it('sends the token in the handshake, and reconnects with a new one', () => {
    const connection = open('viewer-1');
    expect(socket.handshakeAuth()).toEqual({ token: 'viewer-1' });
    socket.accept();
    connection.setToken('operator-2');
    expect(socket.disconnects).toBe(1);
    expect(socket.connects).toBe(1);
    expect(socket.handshakeAuth()).toEqual({ token: 'operator-2' });
    // The same token again changes nothing.
    connection.setToken('operator-2');
    expect(socket.connects).toBe(1);
    connection.setToken(null);
    expect(socket.handshakeAuth()).toEqual({});
  });

  it('a new token reconnects without counting a comeback (the screens need not reload for it)', () => {
    const connection = open('viewer-1');
    socket.accept();
    connection.setToken('operator-2');
    socket.accept();
    expect(last()).toMatchObject({ connection: 'live', reconnects: 0, disconnectedAt: null });
    socket.fire('disconnect', 'transport close');
    socket.accept();
    expect(last().reconnects).toBe(1);
  });

  it('a refusal by the server (token) waits for a new token instead of retrying', () => {
    const connection = open(null);
    socket.active = false;
    socket.fire('connect_error', new Error('A viewer or operator token is required (Authorization: Bearer <token>)'));
    expect(last().connection).toBe('unauthorized');
    expect(last().refusal).toContain('token is required');
    connection.setToken('viewer-1');
    expect(socket.connects).toBe(1);
    socket.accept();
    expect(last().connection).toBe('live');
    expect(last().refusal).toBeNull();
  });

  it('a transport error while connecting is a lost connection, not a refusal', () => {
    open();
    socket.fire('connect_error', new Error('xhr poll error'));
    expect(last().connection).toBe('reconnecting');
  });

  it('forwards story activity, parsed', () => {
    open();
    socket.accept();
    const activity: StoriesActivity = { t: T0, created: 3, completed: 2, removed: 1, counts: { Open: 5, Done: 7 } };
    socket.fire('stories:activity', { ...activity, extra: true });
    expect(messages.at(-1)).toEqual({ type: 'activity', activity });
  });

  it('watches stories (again on every connection) and forwards their progress in batches', () => {
    jest.useFakeTimers();
    const connection = open();
    connection.watch([ID_A, ID_B, ID_A]);
    // Not connected yet: told on connect.
    expect(socket.emitted).toEqual([]);
    socket.accept();
    expect(socket.emitted).toEqual([['stories:watch', [ID_A, ID_B]]]);

    socket.fire('story:progress', progress(ID_A, 1));
    socket.fire('story:progress', progress(ID_A, 2));
    socket.fire('story:progress', progress(ID_B, 5));
    socket.fire('story:progress', progress('c'.repeat(24), 1)); // not watched: ignored
    expect(messages.filter((m) => m.type === 'progress')).toEqual([]);
    jest.advanceTimersByTime(PROGRESS_FLUSH_MS);
    expect(messages.filter((m) => m.type === 'progress')).toEqual([{ type: 'progress', items: [progress(ID_A, 2), progress(ID_B, 5)] }]);

    // A new connection (after an outage) is told the set again.
    socket.fire('disconnect', 'transport close');
    socket.accept();
    expect(socket.emitted.at(-1)).toEqual(['stories:watch', [ID_A, ID_B]]);

    // A new set replaces the old one; the same set is not sent twice.
    connection.watch([ID_B]);
    connection.watch([ID_B]);
    expect(socket.emitted.filter(([, ids]) => JSON.stringify(ids) === JSON.stringify([ID_B]))).toHaveLength(1);
  });

  it('watches at most 100 stories', () => {
    const connection = open();
    socket.accept();
    connection.watch(Array.from({ length: 150 }, (_, i) => i.toString(16).padStart(24, '0')));
    expect((socket.emitted.at(-1)![1] as string[]).length).toBe(100);
  });

  it('close() detaches every listener, disconnects and cancels a pending retry', () => {
    jest.useFakeTimers();
    const connection = open();
    socket.accept();
    socket.fire('disconnect', 'io server disconnect');
    connection.close();
    expect(socket.disconnects).toBe(1);
    expect(socket.listeners.size).toBe(0);
    expect(socket.io.listeners.size).toBe(0);
    jest.advanceTimersByTime(SERVER_CLOSE_RETRY_MS * 5);
    expect(socket.connects).toBe(0);
  });
});
