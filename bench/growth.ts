import { MongoClient } from 'mongodb';
import { randomInt, round, seededRandom, sleep, startBackend, startDatabase, uniqueDbName } from '@storyflow/test-support';
import { metrics, postOnce } from './http-client.js';
import { connectInspector } from './inspector.js';

export interface GrowthOptions {
  /** Stories after the warm-up, in all; the heap is read after every `step` of them. */
  stories: number;
  step: number;
  concurrency: number;
  seed: number;
  /**
   * The database keeps every story (the stand-in then scans a growing collection on every write, and past a
   * few tens of thousands it, not the server, sets the pace). By default a side loop deletes the Done stories
   * behind the server's back instead: the server runs with retention off exactly as on MongoDB, believing
   * every story is kept, while the database stays small.
   */
  keepAll: boolean;
  backend?: string;
  env: Record<string, string>;
}

const WARM_UP = 5_000;

/**
 * Memory over time, as users run it (an external database, retention off): the server's live heap after a
 * forced full collection, every `step` stories, from outside (the V8 inspector). Nothing the server holds may
 * grow with the stories it stored or finished: the goal is under 2 MB per 100,000 stories.
 */
export async function growth(options: GrowthOptions) {
  const db = await startDatabase();
  const dbName = uniqueDbName('growth');
  const server = await startBackend({
    env: {
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      RATE_LIMIT_PER_SEC: '0',
      RATE_LIMIT_STORIES_PER_SEC: '0',
      MONGODB_URI: db.uri,
      MONGODB_DB: dbName,
      ...options.env,
    },
    nodeArgs: ['--inspect=127.0.0.1:0'],
    ...(options.backend ? { main: options.backend } : {}),
  });
  const mongo = await MongoClient.connect(db.uri);
  const inspector = await connectInspector(server);
  const stories = mongo.db(dbName).collection('stories');
  let forgetting = !options.keepAll;
  const forgetter = (async () => {
    while (forgetting) {
      await stories.deleteMany({ status: 'Done' }).catch(() => undefined);
      await sleep(250);
    }
  })();
  const random = seededRandom(options.seed);
  let posted = 0;
  /** Posts `n` small stories (five tasks of 1–5 ms) with `concurrency` clients, and waits until all are Done. */
  const run = async (n: number) => {
    const target = posted + n;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (posted < target) {
          posted++;
          const body = JSON.stringify({ tasks: Array.from({ length: 5 }, () => ({ estimate: randomInt(random, 1, 5) })) });
          for (;;) {
            const res = await postOnce(server.url, body);
            if (res.status === 201) break;
            if (res.status !== 503 && res.status !== 429) throw new Error(`POST answered ${res.status}: ${res.text}`);
            await sleep(100);
          }
        }
      }),
    );
    for (;;) {
      const m = await metrics(server.url, ['storyflow_stories_completed']);
      if ((m?.get('storyflow_stories_completed') ?? 0) >= target) break;
      await sleep(50);
    }
    // A listing and a look at the newest: the read paths run too.
    await (await fetch(`${server.url}/api/stories?limit=20`)).arrayBuffer();
  };
  try {
    const t0 = performance.now();
    await run(WARM_UP);
    const points: { stories: number; heapMb: number; storedStories: number }[] = [];
    const read = async () =>
      points.push({
        stories: posted - WARM_UP,
        heapMb: round((await inspector.heapAfterGc()) / 2 ** 20, 2),
        storedStories: await stories.countDocuments(),
      });
    await read();
    while (posted - WARM_UP < options.stories) {
      await run(Math.min(options.step, options.stories - (posted - WARM_UP)));
      await read();
    }
    const first = points[0]!;
    const last = points.at(-1)!;
    return {
      database: options.keepAll ? 'keeps every story' : 'forgets Done stories behind the server (retention off in the server)',
      stories: last.stories,
      points,
      heapGrowthMbPer100k: round(((last.heapMb - first.heapMb) / last.stories) * 100_000, 2),
      seconds: round((performance.now() - t0) / 1000, 1),
    };
  } finally {
    forgetting = false;
    await forgetter;
    inspector.close();
    await mongo.close();
    await server.stop();
    await db.stop();
  }
}
