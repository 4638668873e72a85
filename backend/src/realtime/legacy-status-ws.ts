import type { Server as HttpServer } from 'node:http';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
import { pathOf, refuseUpgrade, type UpgradeTaker } from './upgrade-guard.js';
import type { StatsFeed } from './stats-feed.js';
import {
  acquireSlot,
  admitOrigin,
  admitToken,
  handshakeToken,
  TOO_MANY_CONNECTIONS,
  type GateConfig,
  type Refusal,
} from './connection-gate.js';

export const LEGACY_STATUS_PATH = '/ws/status';
/** The upgrades it takes: its path exactly, any query. */
export const takesLegacyUpgrade: UpgradeTaker = (url) => pathOf(url) === LEGACY_STATUS_PATH;

/**
 * The original client's feed: each second, the stories completed in it as decimal digits in a binary frame. It receives nothing
 * (`maxPayload` tiny), and every socket has an error listener: a malformed frame closes that connection, never the process.
 */
export function attachLegacyStatusSocket(httpServer: HttpServer, feed: StatsFeed, gate: GateConfig, logger: Logger) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false });
  wss.on('error', (error) => logger.warn({ err: error }, '/ws/status server error'));
  httpServer.on('upgrade', (req, socket, head) => {
    if (!takesLegacyUpgrade(req.url ?? '')) return; // Socket.IO handles its own path; upgrade-guard the rest.
    socket.on('error', (error) => logger.debug({ err: error }, '/ws/status handshake socket error'));
    const refuse = (decision: Refusal) => refuseUpgrade(socket, decision.status, decision.message);
    // Public and read-only while reads need no token: the original client, served from its own origin, may read it.
    const admitted = admitOrigin(gate, req, gate.access.viewToken === undefined);
    const decision = admitted.ok ? admitToken(gate, handshakeToken(req)) : admitted;
    if (!decision.ok) return refuse(decision);
    acquireSlot(gate, req).then(
      (release) => {
        if (!release) return refuse(TOO_MANY_CONNECTIONS);
        if (socket.destroyed) return release();
        wss.handleUpgrade(req, socket, head, (ws) => {
          ws.on('error', (error) => {
            logger.debug({ err: error }, '/ws/status client sent a bad frame; closing it');
            ws.terminate();
          });
          ws.on('close', release);
          wss.emit('connection', ws, req);
        });
        // A handshake that fails inside ws (bad key, version) closes the socket without a connection.
        socket.once('close', release);
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'could not count the connection; refusing it');
        refuse({ ok: false, status: 503, message: 'Try again shortly' });
      },
    );
  });
  const unsubscribe = feed.onSample((sample) => {
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
