import { io, type Socket } from 'socket.io-client';
import { SOCKET_EVENTS, type ClientToServerEvents, type ServerToClientEvents } from '@storyflow/contracts/stats';
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

/** The one message the main thread sends the stats worker (it is terminated, not told, to stop). */
export interface StatsCommand {
  type: 'connect';
  origin: string;
}

export type StatsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Opens the Socket.IO connection; a parameter so tests can hand in a fake socket. */
export type StatsSocketFactory = (origin: string) => StatsSocket;

const connectSocket: StatsSocketFactory = (origin) =>
  io(origin, {
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
  });

export interface StatsConnection {
  close(): void;
}

/**
 * Owns the Socket.IO connection: parses messages, keeps the rolling window and reports a ready view
 * after every change. Runs inside the Web Worker, or on the main thread as a fallback.
 */
export function openStatsConnection(
  origin: string,
  emit: (view: StatsView) => void,
  options: StatsWindowOptions = DEFAULT_WINDOW_OPTIONS,
  connect: StatsSocketFactory = connectSocket,
): StatsConnection {
  let state = initialStatsState();
  const dispatch = (event: StatsEvent) => {
    state = reduceStats(state, event, options);
    emit(toStatsView(state, options));
  };

  const socket = connect(origin);
  socket.on('connect', () => dispatch({ kind: 'connected' }));
  let retry: ReturnType<typeof setTimeout> | undefined;
  socket.on('disconnect', (reason) => {
    dispatch({ kind: 'disconnected' });
    // A server that shuts down closes its sockets ("io server disconnect"), and socket.io-client does
    // not reconnect by itself after that. The server is usually back soon (restart, deploy): retry.
    if (reason === 'io server disconnect') retry = setTimeout(() => socket.connect(), SERVER_CLOSE_RETRY_MS);
  });
  socket.on('connect_error', () => {
    if (state.connection === 'live') dispatch({ kind: 'disconnected' });
  });
  socket.io.on('reconnect_attempt', (attempt) => dispatch({ kind: 'reconnect-attempt', attempt }));
  // Payloads are untrusted until parsed with the contract's schemas: a bad one is counted and ignored.
  socket.on(SOCKET_EVENTS.snapshot, (payload: unknown) => dispatch(snapshotEvent(payload)));
  socket.on(SOCKET_EVENTS.stats, (payload: unknown) => dispatch(sampleEvent(payload)));
  emit(toStatsView(state, options));

  return {
    close: () => {
      clearTimeout(retry);
      socket.removeAllListeners();
      socket.io.removeAllListeners();
      socket.disconnect();
    },
  };
}
