import { io, type Socket } from 'socket.io-client';
import { SOCKET_EVENTS, type ClientToServerEvents, type ServerToClientEvents } from '@storyflow/contracts/stats';
import {
  DEFAULT_WINDOW_OPTIONS,
  initialStatsState,
  parseSample,
  parseSnapshot,
  reduceStats,
  toStatsView,
  type StatsEvent,
  type StatsView,
  type StatsWindowOptions,
} from './stats-window';

const SERVER_CLOSE_RETRY_MS = 1000;

/** Messages from the main thread to the stats worker. */
export type StatsCommand = { type: 'connect'; origin: string } | { type: 'disconnect' };

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
): StatsConnection {
  let state = initialStatsState();
  const dispatch = (event: StatsEvent) => {
    state = reduceStats(state, event, options);
    emit(toStatsView(state, options));
  };

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(origin, {
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
  });
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
  socket.on(SOCKET_EVENTS.snapshot, (payload: unknown) => {
    const snapshot = parseSnapshot(payload);
    if (snapshot) dispatch({ kind: 'snapshot', snapshot });
  });
  socket.on(SOCKET_EVENTS.stats, (payload: unknown) => {
    const sample = parseSample(payload);
    if (sample) dispatch({ kind: 'sample', sample });
  });
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
