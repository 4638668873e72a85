import WebSocket from 'ws';
import { waitFor, type ManagedProcess } from '@storyflow/test-support';

/**
 * The V8 inspector of a server started with `--inspect=127.0.0.1:0`: a full collection forced from outside
 * and the heap then read, so a heap figure is what is live, not what the collector has yet to free. Nothing
 * in the server is there for the benchmark's sake.
 */
export async function connectInspector(server: ManagedProcess) {
  // Node prints where it listens: `Debugger listening on ws://127.0.0.1:PORT/UUID`.
  const url = await waitFor(() => /Debugger listening on (ws:\/\/\S+)/.exec(server.output())?.[1], {
    timeoutMs: 10_000,
    what: 'the inspector',
  });
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
  let next = 0;
  const pending = new Map<number, (result: unknown) => void>();
  // The protocol's messages are text frames, delivered as a Buffer.
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = <T>(method: string): Promise<T> =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, (result) => resolve(result as T));
      ws.send(JSON.stringify({ id, method }));
    });
  return {
    /** Used heap after a full collection, bytes. */
    async heapAfterGc(): Promise<number> {
      await send('HeapProfiler.collectGarbage');
      await send('HeapProfiler.collectGarbage');
      return (await send<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize;
    },
    close: () => ws.close(),
  };
}
