import { io, type Socket } from 'socket.io-client';
import type { StoryProgressDto } from '@storyflow/contracts/story';
import { StoryProgressSchema } from '@storyflow/contracts/responses';
import {
  MAX_WATCHED_STORIES,
  SOCKET_EVENTS,
  SocketErrorSchema,
  StoriesActivitySchema,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type StoriesActivity,
} from '@storyflow/contracts/stats';
import {
  DEFAULT_WINDOW_OPTIONS,
  initialStatsState,
  reduceStats,
  sampleEvent,
  snapshotEvent,
  toStatsView,
  type StatsEvent,
  type StatsView,
  type StatsWindowOptions,
} from './stats-window';

export const SERVER_CLOSE_RETRY_MS = 1000;
/**
 * After the server said why it closed us (`socket:error`, e.g. too many events), the next attempt waits
 * this long: coming straight back with the same behaviour would only be closed again.
 */
export const SERVER_ERROR_RETRY_MS = 30_000;
/** Story progress is forwarded in batches, at most this often: a list of 100 running stories stays cheap. */
export const PROGRESS_FLUSH_MS = 250;

/** What the main thread sends the live worker (it is terminated, not told, to stop). */
export type LiveCommand =
  | { type: 'connect'; origin: string; token: string | null }
  /** A new or forgotten token: reconnect with it. */
  | { type: 'token'; token: string | null }
  /** The stories to follow (replaces the set; at most MAX_WATCHED_STORIES). */
  | { type: 'watch'; ids: string[] };

/** What the live worker posts back. */
export type LiveMessage =
  { type: 'stats'; view: StatsView } | { type: 'activity'; activity: StoriesActivity } | { type: 'progress'; items: StoryProgressDto[] };

export type StatsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Opens the Socket.IO connection; a parameter so tests can hand in a fake socket. */
export type StatsSocketFactory = (origin: string, auth: (cb: (data: object) => void) => void) => StatsSocket;

/** Stamps figures with when they arrived (this browser's clock). */
function received(event: StatsEvent): StatsEvent {
  return event.kind === 'sample' || event.kind === 'snapshot' ? { ...event, receivedAt: Date.now() } : event;
}

const connectSocket: StatsSocketFactory = (origin, auth) =>
  io(origin, {
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    // Read on every (re)connection, so a new token applies to the next attempt.
    auth,
  });

export interface LiveConnection {
  setToken(token: string | null): void;
  watch(ids: readonly string[]): void;
  close(): void;
}

/**
 * A server that shuts down closes its sockets ("io server disconnect"), and socket.io-client does not
 * reconnect by itself after that. The server is usually back soon (restart, deploy): retry, soon, or
 * much later when it said why it closed this one (`socket:error`). `malformed`: that reason did not parse.
 */
function retryAfterServerClose(socket: StatsSocket, malformed: () => void): { cancel(): void } {
  let retry: ReturnType<typeof setTimeout> | undefined;
  let explained = false;
  socket.on(SOCKET_EVENTS.error, (payload: unknown) => {
    explained = true;
    if (!SocketErrorSchema.safeParse(payload).success) malformed();
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect')
      retry = setTimeout(() => socket.connect(), explained ? SERVER_ERROR_RETRY_MS : SERVER_CLOSE_RETRY_MS);
    explained = false;
  });
  return { cancel: () => clearTimeout(retry) };
}

/** A `stories:activity` payload parsed with the contract's schema; null when malformed. */
function activityMessage(payload: unknown): LiveMessage | null {
  const parsed = StoriesActivitySchema.safeParse(payload);
  return parsed.success ? { type: 'activity', activity: parsed.data } : null;
}

/**
 * Owns the Socket.IO connection: parses messages with the contract's schemas, keeps the rolling stats
 * window, forwards story activity and (batched) progress of the watched stories. Runs inside the Web
 * Worker, or on the main thread as a fallback.
 */
export function openLiveConnection(
  origin: string,
  initialToken: string | null,
  emit: (message: LiveMessage) => void,
  options: StatsWindowOptions = DEFAULT_WINDOW_OPTIONS,
  connect: StatsSocketFactory = connectSocket,
): LiveConnection {
  let state = initialStatsState();
  let token = initialToken;
  let watched: string[] = [];
  let pending = new Map<string, StoryProgressDto>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  const dispatch = (event: StatsEvent) => {
    state = reduceStats(state, event, options);
    emit({ type: 'stats', view: toStatsView(state, options) });
  };
  const flush = () => {
    flushTimer = undefined;
    if (pending.size === 0) return;
    const items = [...pending.values()];
    pending = new Map();
    emit({ type: 'progress', items });
  };

  const socket = connect(origin, (cb) => cb(token ? { token } : {}));
  socket.on('connect', () => {
    dispatch({ kind: 'connected', receivedAt: Date.now() });
    // The server keeps the watched set per connection: tell a new connection again.
    if (watched.length > 0) socket.emit(SOCKET_EVENTS.watch, watched);
  });
  socket.on('disconnect', (reason: string) => {
    // Our own disconnect (a new token, closing) is no outage: screens need not reload for it.
    if (reason !== 'io client disconnect') dispatch({ kind: 'disconnected', at: Date.now() });
  });
  const retry = retryAfterServerClose(socket, () => dispatch({ kind: 'malformed' }));
  socket.on('connect_error', (error: Error) => {
    // A refusal by the server's middleware (no or a wrong token) leaves the socket inactive: it waits
    // for a new token. A transport error keeps it active, reconnecting by itself.
    if (!socket.active) dispatch({ kind: 'refused', message: error.message, at: Date.now() });
    else if (state.connection === 'live' || state.connection === 'connecting') dispatch({ kind: 'disconnected', at: Date.now() });
  });
  socket.io.on('reconnect_attempt', (attempt) => dispatch({ kind: 'reconnect-attempt', attempt }));
  // Payloads are untrusted until parsed with the contract's schemas: a bad one is counted and ignored.
  socket.on(SOCKET_EVENTS.snapshot, (payload: unknown) => dispatch(received(snapshotEvent(payload))));
  socket.on(SOCKET_EVENTS.stats, (payload: unknown) => dispatch(received(sampleEvent(payload))));
  socket.on(SOCKET_EVENTS.activity, (payload: unknown) => {
    const message = activityMessage(payload);
    return message ? emit(message) : dispatch({ kind: 'malformed' });
  });
  socket.on(SOCKET_EVENTS.progress, (payload: unknown) => {
    const parsed = StoryProgressSchema.safeParse(payload);
    if (!parsed.success) return dispatch({ kind: 'malformed' });
    if (!watched.includes(parsed.data.id)) return;
    pending.set(parsed.data.id, parsed.data);
    flushTimer ??= setTimeout(flush, PROGRESS_FLUSH_MS);
  });
  emit({ type: 'stats', view: toStatsView(state, options) });

  return {
    setToken: (next) => {
      if (next === token) return;
      token = next;
      // Reconnect with it (the auth callback reads the new one); also wakes a refused socket.
      retry.cancel();
      socket.disconnect();
      socket.connect();
    },
    watch: (ids) => {
      const next = [...new Set(ids)].slice(0, MAX_WATCHED_STORIES);
      if (next.length === watched.length && next.every((id, i) => id === watched[i])) return;
      watched = next;
      for (const id of pending.keys()) if (!watched.includes(id)) pending.delete(id);
      if (socket.connected) socket.emit(SOCKET_EVENTS.watch, watched);
    },
    close: () => {
      retry.cancel();
      clearTimeout(flushTimer);
      socket.removeAllListeners();
      socket.io.removeAllListeners();
      socket.disconnect();
    },
  };
}
