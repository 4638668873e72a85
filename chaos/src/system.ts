import { randomBytes } from 'node:crypto';
import {
  freePort,
  dashboardDir,
  startBackend,
  startDatabase,
  startDns,
  startNginx,
  startRedis,
  startSocketFlooder,
  startTcpProxy,
} from '@storyflow/test-support';
import type { BackendProcess, DnsServer, NginxProcess, RedisProcess, SocketFlooder, TcpProxy, TestDatabase } from '@storyflow/test-support';

export interface SystemOptions {
  instances: number;
  leaseMs: number;
  /** Settings every instance gets besides those the system fixes. */
  env?: Record<string, string>;
  /** Another checkout's backend entry (`…/backend/src/main.ts`, run with tsx): to run the harness against another version. */
  backendMain?: string;
  /** Each process's output is written here as it ends or is killed (for the operator to read). */
  onOutput?: (name: string, output: string) => void;
}

/** One backend instance's place: its address stays, its process comes and goes. */
interface Slot {
  index: number;
  host: string;
  url: string;
  proxy: TcpProxy;
  process: BackendProcess | null;
  starts: number;
}

/**
 * Storyflow as users deploy it, on one machine: one database (the in-memory stand-in, whose process can
 * be frozen), one Redis, N backend instances (each on its own loopback address, reaching Redis through a
 * TCP proxy of its own that the nemesis can cut), found by nginx (the project's nginx.conf) through a DNS
 * name that answers with all of them. The fault primitives are here; when to use them is the nemesis's.
 */
export class ChaosSystem {
  readonly token = randomBytes(18).toString('hex');
  private readonly slots: Slot[] = [];
  private database!: TestDatabase;
  private redis!: RedisProcess;
  private dns!: DnsServer;
  private nginx!: NginxProcess;
  private port = 0;
  private env: Record<string, string> = {};

  private constructor(private readonly options: SystemOptions) {}

  static async start(options: SystemOptions): Promise<ChaosSystem> {
    const system = new ChaosSystem(options);
    try {
      await system.boot();
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  get url(): string {
    return this.nginx.url;
  }

  get instanceUrls(): string[] {
    return this.slots.map((s) => s.url);
  }

  get dbUri(): string {
    return this.database.uri;
  }

  get dbName(): string {
    return this.env.MONGODB_DB!;
  }

  /** Whether instance `i` runs (it is down between a kill and its restart). */
  running(i: number): boolean {
    return this.slots[i]?.process?.running() ?? false;
  }

  /** The processes whose memory is measured, by role (nginx: its master; its workers are its children). */
  pids(): { role: 'instance' | 'redis' | 'database' | 'nginx'; name: string; pid: number }[] {
    const out: ReturnType<ChaosSystem['pids']> = [];
    for (const s of this.slots)
      if (s.process?.running() && s.process.child.pid) out.push({ role: 'instance', name: `i${s.index}`, pid: s.process.child.pid });
    if (this.redis?.running() && this.redis.child.pid) out.push({ role: 'redis', name: 'redis', pid: this.redis.child.pid });
    if (this.database?.pid) out.push({ role: 'database', name: 'database', pid: this.database.pid });
    if (this.nginx?.running() && this.nginx.child.pid) out.push({ role: 'nginx', name: 'nginx', pid: this.nginx.child.pid });
    return out;
  }

  private async boot(): Promise<void> {
    this.database = await startDatabase();
    this.redis = await startRedis();
    this.port = await freePort();
    this.env = {
      NODE_ENV: 'production',
      MONGODB_URI: this.database.uri,
      MONGODB_DB: `chaos_${Date.now().toString(36)}`,
      LEASE_MS: String(this.options.leaseMs),
      API_TOKEN: this.token,
      LOG_LEVEL: 'warn',
      ...this.options.env,
    };
    for (let index = 0; index < this.options.instances; index++) {
      const host = `127.0.0.${index + 2}`;
      const proxy = await startTcpProxy(this.redis.port);
      this.slots.push({ index, host, url: `http://${host}:${this.port}`, proxy, process: null, starts: 0 });
    }
    for (const slot of this.slots) await this.startInstance(slot.index);
    this.dns = await startDns(
      'backend.storyflow.test',
      this.slots.map((s) => s.host),
    );
    this.nginx = await startNginx({ backend: `backend.storyflow.test:${this.port}`, resolver: this.dns.address, root: dashboardDir });
  }

  async startInstance(i: number): Promise<void> {
    const slot = this.slots[i]!;
    slot.starts++;
    slot.process = await startBackend({
      env: { ...this.env, INSTANCE_ID: `i${i}`, REDIS_URL: `redis://127.0.0.1:${slot.proxy.port}` },
      host: slot.host,
      port: this.port,
      startTimeoutMs: 60_000,
      ...(this.options.backendMain ? { main: this.options.backendMain } : {}),
    });
  }

  killInstance(i: number): void {
    const slot = this.slots[i]!;
    slot.process?.signal('SIGKILL');
    if (slot.process) this.options.onOutput?.(`i${i}.${slot.starts}`, slot.process.output());
  }

  freezeRedis(): void {
    this.redis.signal('SIGSTOP');
  }

  thawRedis(): void {
    this.redis.signal('SIGCONT');
  }

  async killRedis(): Promise<void> {
    this.redis.signal('SIGKILL');
    await this.redis.stop();
  }

  /** A new Redis on the same port, empty: every lease, share, heartbeat and script is gone. */
  async startRedisEmpty(): Promise<void> {
    this.redis = await startRedis({ port: this.redis.port });
  }

  /** Whether the database is a process of ours (with MONGODB_URI set it is not, and cannot be frozen). */
  get databaseFreezable(): boolean {
    return this.database.pid !== undefined;
  }

  freezeDatabase(): void {
    if (this.database.pid) process.kill(this.database.pid, 'SIGSTOP');
  }

  thawDatabase(): void {
    if (this.database.pid) process.kill(this.database.pid, 'SIGCONT');
  }

  cutRedis(i: number): void {
    this.slots[i]!.proxy.cut();
  }

  healRedis(i: number): void {
    this.slots[i]!.proxy.heal();
  }

  /** A reconnecting Socket.IO flooder through nginx for `seconds`. */
  flood(seconds: number): SocketFlooder {
    return startSocketFlooder(this.url, { kind: 'watch', seconds, reconnect: true });
  }

  async stop(): Promise<void> {
    for (const slot of this.slots) {
      if (slot.process) {
        await slot.process.stop(15_000).catch(() => undefined);
        this.options.onOutput?.(`i${slot.index}.${slot.starts}`, slot.process.output());
      }
      await slot.proxy.close();
    }
    await this.nginx?.stop().catch(() => undefined);
    await this.dns?.stop().catch(() => undefined);
    this.redis?.signal('SIGCONT');
    await this.redis?.stop().catch(() => undefined);
    if (this.database?.pid) process.kill(this.database.pid, 'SIGCONT');
    await this.database?.stop().catch(() => undefined);
  }
}
