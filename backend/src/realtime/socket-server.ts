import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { SOCKET_EVENTS, type ClientToServerEvents, type ServerToClientEvents } from '@storyflow/contracts';
import { clientAddress } from '../access/client-address.js';
import type { Logger } from '../logger.js';
import { admitHandshake, admitToken, type GateConfig } from './connection-gate.js';
import type { StatsFeed } from './stats-feed.js';

/** Clients send nothing but their handshake: a small buffer bounds what a hostile one can make us hold. */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

/** Socket.IO: the recent history on connect, then one `stats` per second to everyone. */
export function attachSocketServer(httpServer: HttpServer, feed: StatsFeed, gate: GateConfig, logger: Logger) {
  // No CORS: the dashboard is served from the same origin (and the websocket transport needs none).
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    // /ws/status is a plain WebSocket on the same server: leave upgrades Socket.IO does not own alone.
    destroyUpgrade: false,
    maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
    perMessageDeflate: false,
    httpCompression: false,
    // A connection that never joins the namespace (e.g. never authenticates) is dropped soon.
    connectTimeout: 10_000,
    // Origin and connection cap before any engine state exists; the token is checked at connect.
    allowRequest: (req, callback) => {
      const decision = admitHandshake(gate, req);
      if (!decision.ok) logger.debug({ status: decision.status, reason: decision.message }, 'socket handshake refused');
      callback(decision.ok ? null : decision.message, decision.ok);
    },
  });
  io.engine.on(
    'connection',
    (raw: { request: Parameters<typeof clientAddress>[0]; close(): void; once(e: 'close', f: () => void): void }) => {
      const release = gate.budget.acquire(clientAddress(raw.request, gate.trustProxy));
      if (!release) return raw.close();
      raw.once('close', release);
    },
  );
  io.engine.on('connection_error', (err: { code: number; message: string }) =>
    logger.debug({ code: err.code, reason: err.message }, 'socket connection error'),
  );
  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : null;
    const decision = admitToken(gate, token);
    if (decision.ok) return next();
    const error = new Error(decision.message) as Error & { data?: unknown };
    error.data = { status: decision.status };
    next(error);
  });
  io.on('connection', (socket) => {
    logger.debug({ id: socket.id }, 'socket connected');
    socket.on('error', (error) => logger.debug({ err: error, id: socket.id }, 'socket error'));
    socket.emit(SOCKET_EVENTS.snapshot, feed.snapshot());
  });
  const unsubscribe = feed.onSample((sample) => io.emit(SOCKET_EVENTS.stats, sample));
  const unsubscribeActivity = feed.onActivity((activity) => io.emit(SOCKET_EVENTS.activity, activity));
  return {
    io,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        unsubscribeActivity();
        io.disconnectSockets(true);
        // io.close() would also close the HTTP server; main closes that itself.
        io.engine.close();
        resolve();
      }),
  };
}
