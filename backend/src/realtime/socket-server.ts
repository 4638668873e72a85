import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { SOCKET_EVENTS, type ClientToServerEvents, type ServerToClientEvents } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import { acquireSlot, admitOrigin, admitToken, TOO_MANY_CONNECTIONS, type GateConfig } from './connection-gate.js';
import type { EventBudgetLimits } from './event-budget.js';
import type { StatsFeed } from './stats-feed.js';
import { limitTraffic } from './traffic-limit.js';
import type { UpgradeTaker } from './upgrade-guard.js';

/** Clients send their handshake and `stories:watch` (≤ 100 ids, ≈ 3 kB): a small buffer bounds what a hostile one can make us hold. */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

type AllowRequest = NonNullable<Partial<ServerOptions>['allowRequest']>;

/** A handshake's admission: Host and Origin, then a slot for its address, kept in `slots` for the connection it becomes. */
function admitHandshake(gate: GateConfig, logger: Logger, slots: WeakMap<IncomingMessage, () => void>): AllowRequest {
  return (req, callback) => {
    const decision = admitOrigin(gate, req);
    if (!decision.ok) {
      logger.debug({ status: decision.status, reason: decision.message }, 'socket handshake refused');
      return callback(decision.message, false);
    }
    acquireSlot(gate, req).then(
      (release) => {
        if (!release) return callback(TOO_MANY_CONNECTIONS.message, false);
        slots.set(req, release);
        // A handshake that never becomes a connection gives its slot back.
        setTimeout(() => slots.get(req)?.(), 10_000).unref();
        callback(null, true);
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'could not count the connection; refusing it');
        callback('Try again shortly', false);
      },
    );
  };
}

/** Socket.IO: the recent history on connect, then one `stats` per second to everyone. */
export function attachSocketServer(
  httpServer: HttpServer,
  feed: StatsFeed,
  gate: GateConfig,
  logger: Logger,
  options: {
    adapter?: ServerOptions['adapter'];
    websocketOnly?: boolean;
    /** Each connection's budget of events (any name); unset or perSec 0: none. */
    eventBudget?: EventBudgetLimits;
    now?: () => number;
  } = {},
) {
  const { eventBudget, now = Date.now } = options;
  // A slot taken at the handshake, handed to the engine connection it becomes (or given back).
  const slots = new WeakMap<IncomingMessage, () => void>();
  // No CORS: the dashboard is served from the same origin (and the websocket transport needs none).
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    ...(options.adapter ? { adapter: options.adapter } : {}),
    // Behind a load balancer without sticky sessions (cluster mode), long-polling cannot work.
    ...(options.websocketOnly ? { transports: ['websocket'] as const } : {}),
    // /ws/status is a plain WebSocket on the same server: leave upgrades Socket.IO does not own alone.
    destroyUpgrade: false,
    maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
    perMessageDeflate: false,
    httpCompression: false,
    // A connection that never joins the namespace (e.g. never authenticates) is dropped soon.
    connectTimeout: 10_000,
    // Origin and connection cap before any engine state exists; the token is checked at connect.
    allowRequest: admitHandshake(gate, logger, slots),
  });
  io.engine.on('connection', (raw: { request: IncomingMessage; once(e: 'close', f: () => void): void }) => {
    const release = slots.get(raw.request);
    if (!release) return;
    slots.delete(raw.request);
    raw.once('close', release);
  });
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
  // Before any handler of ours: the budget sees every frame first.
  if (eventBudget) limitTraffic(io, eventBudget, now, logger);
  io.on('connection', (socket) => {
    logger.debug({ id: socket.id }, 'socket connected');
    socket.on('error', (error) => logger.debug({ err: error, id: socket.id }, 'socket error'));
    socket.emit(SOCKET_EVENTS.snapshot, feed.snapshot());
  });
  // Local only: in a cluster every instance relays the same published second to its own sockets.
  const unsubscribe = feed.onSample((sample) => io.local.emit(SOCKET_EVENTS.stats, sample));
  const unsubscribeActivity = feed.onActivity((activity) => io.local.emit(SOCKET_EVENTS.activity, activity));
  // engine.io takes an upgrade whose URL starts with its path and a slash (`/socket.io/`), nothing else.
  const enginePath = `${io.path()}/`;
  const takesUpgrade: UpgradeTaker = (url) => url.startsWith(enginePath);
  return {
    io,
    takesUpgrade,
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
