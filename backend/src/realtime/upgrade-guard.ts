import type { Server as HttpServer } from 'node:http';

/**
 * Refuses WebSocket upgrades on paths nobody serves. Socket.IO is told to leave foreign upgrades alone
 * (so /ws/status works), and an upgrade left unanswered would hold its socket open forever and block
 * shutdown: answer 404 and close it.
 */
export function refuseUnknownUpgrades(httpServer: HttpServer, servedPaths: string[]): void {
  httpServer.on('upgrade', (req, socket) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (servedPaths.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });
}
