import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookBody {
  status: string;
  alerts: Record<string, unknown>[];
}

/** A webhook receiver on a free port: every JSON body POSTed to it, in order. */
export async function startWebhookReceiver(): Promise<{ url: string; bodies: WebhookBody[]; close: () => Promise<void> }> {
  const bodies: WebhookBody[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text) as WebhookBody);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
