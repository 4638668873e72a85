import { connect } from 'node:net';

export interface RawExchange {
  /** The status line of the handshake answer, e.g. `HTTP/1.1 101 Switching Protocols`. */
  status: string;
  /** Everything received after the handshake (frames), as bytes. */
  frames: Buffer;
  /** How the server ended it: it closed the connection, or it was still open when we gave up. */
  closedByServer: boolean;
  /** When its first byte came (or it closed), ms after the handshake was sent; null: never, in `waitMs`. */
  answeredAfterMs: number | null;
}

/**
 * A WebSocket handshake done by hand, then `frame` written as is: the way to send what no well-behaved
 * client library would (unmasked frames, reserved bits, lying lengths).
 */
export function rawWebSocket(
  port: number,
  path: string,
  frame: Buffer | null,
  options: { origin?: string; host?: string; headers?: Record<string, string>; waitMs?: number } = {},
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const extra = Object.entries({ ...(options.origin ? { Origin: options.origin } : {}), ...options.headers })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    let sentAt = 0;
    let answeredAfterMs: number | null = null;
    const answered = () => (answeredAfterMs ??= Date.now() - sentAt);
    const socket = connect(port, '127.0.0.1', () => {
      sentAt = Date.now();
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${options.host ?? `127.0.0.1:${port}`}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
      );
    });
    let received = Buffer.alloc(0);
    let headerEnd = -1;
    let closedByServer = false;
    socket.on('data', (chunk: Buffer) => {
      answered();
      received = Buffer.concat([received, chunk]);
      if (headerEnd < 0) {
        headerEnd = received.indexOf('\r\n\r\n');
        if (headerEnd >= 0 && frame && received.subarray(0, 12).toString().includes('101')) socket.write(frame);
      }
    });
    socket.on('error', () => undefined); // the server may reset us: that is an answer too
    socket.on('close', () => {
      clearTimeout(timer);
      const status = received.subarray(0, Math.max(0, received.indexOf('\r\n'))).toString();
      resolve({ status, frames: headerEnd >= 0 ? received.subarray(headerEnd + 4) : Buffer.alloc(0), closedByServer, answeredAfterMs });
    });
    socket.on('end', () => {
      closedByServer = true;
      answered();
    });
    const timer = setTimeout(() => socket.destroy(), options.waitMs ?? 1500);
    socket.once('error', (e) => headerEnd < 0 && received.length === 0 && reject(e));
  });
}

/** Malformed or hostile client frames, each of which the server must refuse without harm to itself. */
export const HOSTILE_FRAMES: Record<string, Buffer> = {
  // Client frames must be masked.
  'unmasked text frame': Buffer.from([0x81, 0x02, 0x68, 0x69]),
  'reserved bits set': Buffer.from([0xf1, 0x80, 1, 2, 3, 4]),
  'unknown opcode 0x3': Buffer.from([0x83, 0x80, 1, 2, 3, 4]),
  'unknown control opcode 0xB': Buffer.from([0x8b, 0x80, 1, 2, 3, 4]),
  'fragmented control frame (ping without FIN)': Buffer.from([0x09, 0x80, 1, 2, 3, 4]),
  'control frame over 125 bytes': Buffer.concat([Buffer.from([0x89, 0xfe, 0x00, 0x7e, 0, 0, 0, 0]), Buffer.alloc(126)]),
  'invalid UTF-8 in a text frame': Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]),
  'close with an invalid code (999)': Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe7]),
  'close with a one-byte payload': Buffer.from([0x88, 0x81, 0, 0, 0, 0, 0x03]),
  'continuation without a start': Buffer.from([0x80, 0x80, 1, 2, 3, 4]),
  'declared length 2^63-1': Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
  'declared length of 1 GiB': Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0]),
  'non-minimal 64-bit length': Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 1, 2, 3, 4, 5]),
  'truncated header': Buffer.from([0x82]),
  'garbage bytes': Buffer.from('GET / HTTP/1.1\r\n\r\n'),
};
