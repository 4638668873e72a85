import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { SOCKET_EVENTS, type ClientToServerEvents, type ServerToClientEvents } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import type { StatsSampler } from '../stats/sampler.js';

/** Socket.IO: the recent history on connect, then one `stats` per second to everyone. */
export function attachSocketServer(httpServer: HttpServer, sampler: StatsSampler, logger: Logger) {
  // No CORS: the dashboard is served from the same origin (and the websocket transport needs none).
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    // /ws/status is a plain WebSocket on the same server: leave upgrades Socket.IO does not own alone.
    destroyUpgrade: false,
  });
  io.on('connection', (socket) => {
    logger.debug({ id: socket.id }, 'socket connected');
    socket.emit(SOCKET_EVENTS.snapshot, sampler.snapshot());
  });
  const unsubscribe = sampler.onSample((sample) => io.emit(SOCKET_EVENTS.stats, sample));
  return {
    io,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        io.disconnectSockets(true);
        // io.close() would also close the HTTP server; main closes that itself.
        io.engine.close();
        resolve();
      }),
  };
}
