import { STATUS_CODES, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';

/** Whether a WebSocket server on this HTTP server takes an upgrade for this request URL (path and query). */
export type UpgradeTaker = (url: string) => boolean;

/**
 * Answers every upgrade nobody takes with 404 at once, else it would hold its socket and keep the server from closing. `takers`
 * must say exactly what each takes (`/ws/status/x` or `/socket.io` without its slash: neither).
 */
export function refuseUnknownUpgrades(httpServer: HttpServer, takers: UpgradeTaker[]): void {
  httpServer.on('upgrade', (req, socket) => {
    const url = req.url ?? '';
    if (takers.some((takes) => takes(url))) return;
    socket.on('error', () => undefined);
    refuseUpgrade(socket, 404);
  });
}

/** Answers an upgrade request with an HTTP refusal and closes its socket once the answer is written. */
export function refuseUpgrade(socket: Duplex, status: number, message = ''): void {
  const body = message && `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/** The path of a request URL, without its query. */
export const pathOf = (url: string) => url.split('?')[0] ?? '';
