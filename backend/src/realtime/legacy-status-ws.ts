import type { Server as HttpServer } from 'node:http';
import { WebSocketServer } from 'ws';
import type { StatsSampler } from '../stats/sampler.js';

export const LEGACY_STATUS_PATH = '/ws/status';

/**
 * The original React client's feed: a plain WebSocket that gets, each second, the number of stories
 * completed in that second as decimal digits in a binary frame (it reads `await evt.data.text()`).
 */
export function attachLegacyStatusSocket(httpServer: HttpServer, sampler: StatsSampler) {
  const wss = new WebSocketServer({ noServer: true });
  httpServer.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== LEGACY_STATUS_PATH) return; // Socket.IO handles its own path.
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const unsubscribe = sampler.onSample((sample) => {
    const frame = Buffer.from(String(sample.completedPerSec));
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(frame, { binary: true });
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
