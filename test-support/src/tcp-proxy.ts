import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /**
   * A network partition: bytes stop flowing both ways on every connection through it, and new connections
   * are accepted but never reach the target (no reset, no answer: what a dropped route looks like).
   */
  cut(): void;
  /** The partition ends: connections held during it are reset (as their peers' timeouts would have), new ones flow. */
  heal(): void;
  readonly isCut: boolean;
  close(): Promise<void>;
}

/** A TCP proxy on loopback to `targetPort`: what the nemesis cuts to part one instance from Redis. */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const live = new Set<Socket>();
  let cut = false;
  const track = (socket: Socket) => {
    live.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => live.delete(socket));
  };
  const server: Server = createServer((client) => {
    track(client);
    if (cut) return client.pause(); // held: nothing answers
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => !cut && upstream.write(chunk));
    upstream.on('data', (chunk) => !cut && client.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  const dropAll = () => {
    for (const socket of live) socket.destroy();
    live.clear();
  };
  return {
    port: address.port,
    cut() {
      cut = true;
    },
    heal() {
      if (!cut) return;
      cut = false;
      dropAll();
    },
    get isCut() {
      return cut;
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
