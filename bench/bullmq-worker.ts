/**
 * The BullMQ side of the comparison, as its own process (so its CPU is measured apart from the load
 * generator): a task worker that holds each task for its estimate, as Storyflow's pool does, and a
 * story worker that completes a story (the flow's parent) once its tasks are done. Prints one line per
 * story completed: `done <story job id> <ms from the flow being added to the story completing>`.
 *
 *   node --import tsx bench/bullmq-worker.ts redis://127.0.0.1:6379
 */
import { Worker } from 'bullmq';
import { STORY_QUEUE, TASK_CONCURRENCY, TASK_QUEUE } from './bullmq-queues.js';

function main(redisUrl: string): void {
  const { hostname, port } = new URL(redisUrl);
  const connection = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
  const tasks = new Worker<{ estimate: number }>(
    TASK_QUEUE,
    (job) => new Promise<void>((resolve) => setTimeout(resolve, job.data.estimate)),
    { connection, concurrency: TASK_CONCURRENCY, removeOnComplete: { count: 0 } },
  );
  const stories = new Worker(STORY_QUEUE, () => Promise.resolve(), { connection, concurrency: 100, removeOnComplete: { count: 0 } });
  stories.on('completed', (job) => process.stdout.write(`done ${job.id} ${Date.now() - job.timestamp}\n`));
  for (const worker of [tasks, stories]) worker.on('error', (error) => process.stderr.write(`worker error: ${String(error)}\n`));
  const stop = () => void Promise.all([tasks.close(), stories.close()]).then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  void Promise.all([tasks.waitUntilReady(), stories.waitUntilReady()]).then(() => process.stdout.write('ready\n'));
}

main(process.argv[2]!);
