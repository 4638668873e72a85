import type { Server, Socket } from 'socket.io';
import { SOCKET_EVENTS, type ClientToServerEvents, type ServerToClientEvents, type SocketErrorDto } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import { EventBudget, type EventBudgetLimits } from './event-budget.js';

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents>;
/** The engine.io connection under a socket: every frame the client sends arrives on it as a `packet`. */
type Connection = LiveSocket['conn'];
interface EnginePacket {
  type: string;
  data?: unknown;
}

export const TOO_MANY_EVENTS: SocketErrorDto = {
  code: 'too_many_events',
  message: 'This connection sent far more events than allowed; it is closed.',
};

/** A Socket.IO event frame ("2…", binary "5…"): it reaches the socket's middleware or closes the connection. */
function isEventFrame(packet: EnginePacket): boolean {
  return packet.type === 'message' && typeof packet.data === 'string' && (packet.data[0] === '2' || packet.data[0] === '5');
}

/**
 * One budget per connection, charged once per frame: events in the socket's middleware (dropped before any handler), other frames
 * as the engine receives them. A flooding connection is told why (`socket:error`) and closed, logged once.
 */
export function limitTraffic(
  io: Server<ClientToServerEvents, ServerToClientEvents>,
  limits: EventBudgetLimits,
  now: () => number,
  logger: Logger,
): void {
  if (limits.perSec <= 0) return;
  const admits = new WeakMap<Connection, () => boolean>();
  const sockets = new WeakMap<Connection, LiveSocket>();
  io.engine.on('connection', (conn: Connection) => {
    const admit = connectionBudget(limits, now, {
      dropping: () => logger.debug({ id: sockets.get(conn)?.id }, 'socket over its event budget: dropping events'),
      flooding: (dropped) => {
        const socket = sockets.get(conn);
        logger.warn(
          { id: socket?.id, address: conn.remoteAddress, dropped, perSec: limits.perSec, burst: limits.burst },
          'socket closed: it kept sending far more events than its budget',
        );
        if (!socket?.connected) return conn.close();
        socket.emit(SOCKET_EVENTS.error, TOO_MANY_EVENTS);
        socket.disconnect(true);
      },
    });
    admits.set(conn, admit);
    conn.on('packet', (packet: EnginePacket) => {
      if (!isEventFrame(packet)) admit();
    });
  });
  io.on('connection', (socket) => {
    sockets.set(socket.conn, socket);
    const admit = admits.get(socket.conn);
    if (admit) socket.use((_event, next) => (admit() ? next() : undefined));
  });
}

/** Whether to let a frame through; tells `on` of the first frame dropped, and once of the flood. */
function connectionBudget(
  limits: EventBudgetLimits,
  now: () => number,
  on: { dropping(): void; flooding(dropped: number): void },
): () => boolean {
  const budget = new EventBudget(limits, now());
  let dropped = 0;
  let closed = false;
  return () => {
    if (closed) return false;
    const verdict = budget.take(now());
    if (verdict === 'accept') return true;
    if (dropped++ === 0) on.dropping();
    if (verdict === 'flood') {
      closed = true;
      on.flooding(dropped);
    }
    return false;
  };
}
