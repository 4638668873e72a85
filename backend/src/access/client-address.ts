import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

export type TrustProxy = (address: string, hop: number) => boolean;

/** Which hops may report the client address: the project's own nginx, not whoever sends X-Forwarded-For. */
export function compileTrust(trusted: readonly string[]): TrustProxy {
  return proxyAddr.compile([...trusted]);
}

/** The client's address as express computes `req.ip`, for requests that never reach express (upgrades). */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  return proxyAddr(req, trust);
}

/** Caps the open connections per client address (live feeds): one instance's count, or the cluster's. */
export interface ConnectionBudget {
  readonly maxPerClient: number;
  /** Takes a slot; resolves to the release function, or null when the client is at its cap. */
  acquire(client: string): Promise<(() => void) | null>;
}

/** The budget of one instance, in memory. */
export class LocalConnectionBudget implements ConnectionBudget {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerClient: number) {}

  acquire(client: string): Promise<(() => void) | null> {
    const n = this.open.get(client) ?? 0;
    if (n >= this.maxPerClient) return Promise.resolve(null);
    this.open.set(client, n + 1);
    let released = false;
    return Promise.resolve(() => {
      if (released) return;
      released = true;
      const left = (this.open.get(client) ?? 1) - 1;
      if (left <= 0) this.open.delete(client);
      else this.open.set(client, left);
    });
  }

  count(client: string): number {
    return this.open.get(client) ?? 0;
  }
}
