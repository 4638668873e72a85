/**
 * A chaos client, as a process of its own (started by the harness): through nginx, it posts stories (each
 * with its Idempotency-Key, retried with it after any 503, 429, timeout or dropped connection until
 * answered; every fourth post a batch of 2–6 stories, retried with its key until each story is answered),
 * deletes some of its own, lists, watches Socket.IO and reads /ws/status, and writes every
 * attempt and outcome to its history file. SIGTERM: no new work; what is pending is retried until
 * `--drain-ms` has passed, then it writes its feeds' seconds and exits.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { randomInt, seededRandom, sleep } from '@storyflow/test-support';
import type { Attempt, HistoryEvent, Op, Outcome } from './history.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    id: { type: 'string' },
    seed: { type: 'string', default: '1' },
    history: { type: 'string' },
    'drain-ms': { type: 'string', default: '30000' },
    pauses: { type: 'boolean', default: false },
  },
});
const base = values.url!;
const client = values.id!;
const random = seededRandom(Number(values.seed));
const out = createWriteStream(values.history!);
const record = (event: HistoryEvent) => out.write(`${JSON.stringify(event)}\n`);
const auth = { authorization: `Bearer ${values.token}` };

/** A request that has not answered in this long counts as no answer (the client retries it). */
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_IN_FLIGHT = 8;

let stopping = false;
let drainUntil = Infinity;
process.on('SIGTERM', () => {
  stopping = true;
  drainUntil = Date.now() + Number(values['drain-ms']);
});

async function attempt(
  op: Op,
  key: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Attempt> {
  const at = Date.now();
  let status = 0;
  let retryAfter: string | null = null;
  let answer: { id?: unknown; error?: { code?: unknown } } = {};
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    status = res.status;
    retryAfter = res.headers.get('retry-after');
    answer = (await res.json().catch(() => ({}))) as typeof answer;
  } catch {
    status = 0;
  }
  const code = typeof answer.error?.code === 'string' ? answer.error.code : undefined;
  const id = op === 'create' && typeof answer.id === 'string' ? answer.id : undefined;
  const event: Attempt = {
    type: 'attempt',
    client,
    op,
    key,
    at,
    ms: Date.now() - at,
    status,
    retryAfter,
    ...(code ? { code } : {}),
    ...(id ? { id } : {}),
  };
  record(event);
  return event;
}

const retryable = (status: number) => status === 0 || status === 429 || status >= 500;

/** What an answer that is not to be retried means for the operation. */
function resultOf(op: Outcome['op'], last: Attempt): Outcome['result'] {
  if (op === 'create') return last.id ? 'ok' : 'refused';
  if (op === 'pause') return last.status === 200 ? 'ok' : 'refused';
  return last.status === 200 ? 'deleted' : last.status === 404 ? 'not-found' : 'refused';
}

/** Sends until answered (anything but a refusal to retry), or until the drain ends. */
async function untilAnswered(op: Outcome['op'], key: string, send: () => Promise<Attempt>): Promise<Outcome> {
  for (let n = 1; ; n++) {
    const last = await send();
    if (!retryable(last.status)) {
      const result = resultOf(op, last);
      const outcome: Outcome = { type: 'outcome', client, op, key, result, attempts: n, ...(last.id ? { id: last.id } : {}) };
      record(outcome);
      return outcome;
    }
    if (Date.now() > drainUntil) {
      const outcome: Outcome = { type: 'outcome', client, op, key, result: 'unresolved', attempts: n };
      record(outcome);
      return outcome;
    }
    const hinted = Number(last.retryAfter) * 1000;
    await sleep(Math.min(2000, Math.max(100, Number.isFinite(hinted) ? hinted : 200)) * (0.5 + random()));
  }
}

/** One story's answer within a batch (or the whole request's, when it had none per story). */
interface BatchAnswer {
  status: number;
  retryAfter: string | null;
  id?: string;
  code?: string;
}

/** One POST of a batch: recorded as an attempt of each story's create (its key: its title), as a single create would be. */
async function attemptBatch(key: string, titles: string[], stories: unknown[]): Promise<BatchAnswer[]> {
  const at = Date.now();
  let answers: BatchAnswer[];
  try {
    const res = await fetch(`${base}/api/stories/batch`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify({ stories }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => ({}))) as { results?: unknown; error?: { code?: unknown } };
    const whole: BatchAnswer = { status: res.status, retryAfter: res.headers.get('retry-after') };
    if (typeof body.error?.code === 'string') whole.code = body.error.code;
    answers = Array.isArray(body.results) ? (body.results as BatchResult[]).map(storyAnswer) : titles.map(() => whole);
  } catch {
    answers = titles.map(() => ({ status: 0, retryAfter: null }));
  }
  const ms = Date.now() - at;
  answers.forEach((a, i) => record({ type: 'attempt', client, op: 'create', key: titles[i]!, at, ms, ...a }));
  return answers;
}

type BatchResult = { ok: true; id: string } | { ok: false; status: number; retryAfterSec?: number; error: { code: string } };
const storyAnswer = (r: BatchResult): BatchAnswer =>
  r.ok
    ? { status: 201, retryAfter: null, id: r.id }
    : { status: r.status, retryAfter: r.retryAfterSec ? String(r.retryAfterSec) : null, code: r.error.code };

/** A batch sent with its key until every story is answered (each outcome recorded once), or the drain ends. */
async function createBatch(key: string, titles: string[], stories: unknown[]): Promise<string[]> {
  const open = new Set(titles.keys());
  const ids: string[] = [];
  for (let n = 1; open.size; n++) {
    const answers = await attemptBatch(key, titles, stories);
    const unresolved = Date.now() > drainUntil;
    for (const i of [...open]) {
      const a = answers[i]!;
      if (retryable(a.status) && !unresolved) continue;
      open.delete(i);
      const result = retryable(a.status) ? 'unresolved' : a.id ? 'ok' : 'refused';
      record({ type: 'outcome', client, op: 'create', key: titles[i]!, result, attempts: n, ...(a.id ? { id: a.id } : {}) });
      if (a.id) ids.push(a.id);
    }
    const hinted = Math.max(0, ...[...open].map((i) => Number(answers[i]!.retryAfter) * 1000).filter(Number.isFinite));
    if (open.size) await sleep(Math.min(2000, Math.max(100, hinted || 200)) * (0.5 + random()));
  }
  return ids;
}

const mine: string[] = [];
const pending = new Set<Promise<unknown>>();
const track = (work: Promise<unknown>) => {
  pending.add(work);
  void work.finally(() => pending.delete(work));
};

async function writer(): Promise<void> {
  for (let seq = 1; !stopping; seq++) {
    while (pending.size >= MAX_IN_FLIGHT && !stopping) await sleep(20);
    if (stopping) break;
    const key = `${client}-${seq}`;
    // The title is the request's key: the checker finds duplicates by it, whatever the server does with keys.
    const story = (title: string) => ({ title, taskCount: randomInt(random, 5, 15), estimateMin: 10, estimateMax: 80 });
    if (seq % 4 === 0) {
      const titles = Array.from({ length: randomInt(random, 2, 6) }, (_, i) => `${key}#${i}`);
      track(createBatch(key, titles, titles.map(story)).then((ids) => mine.push(...ids)));
    } else {
      const body = story(key);
      track(
        untilAnswered('create', key, () => attempt('create', key, 'POST', '/api/stories', body, { 'Idempotency-Key': key })).then(
          (o) => o.id && mine.push(o.id),
        ),
      );
    }
    await sleep(randomInt(random, 100, 250));
  }
}

async function deleter(): Promise<void> {
  while (!stopping) {
    await sleep(randomInt(random, 1500, 3000));
    if (stopping || mine.length < 5) continue;
    const [id] = mine.splice(randomInt(random, 0, mine.length - 1), 1);
    track(untilAnswered('delete', id!, () => attempt('delete', id!, 'DELETE', `/api/stories/${id}`)));
  }
}

/** Now and then the whole cluster paused for a moment, then resumed (each retried until answered). */
async function pauser(): Promise<void> {
  for (let n = 1; !stopping; n++) {
    await sleep(randomInt(random, 15_000, 30_000));
    if (stopping) return;
    await untilAnswered('pause', `pause-${n}`, () => attempt('pause', `pause-${n}`, 'PUT', '/api/processing', { paused: true }));
    await sleep(randomInt(random, 1000, 3000));
    // Resumed whatever happens meanwhile (even after SIGTERM): no instance may be left paused.
    drainUntil = Math.max(drainUntil, Date.now() + 60_000);
    await untilAnswered('pause', `resume-${n}`, () => attempt('pause', `resume-${n}`, 'PUT', '/api/processing', { paused: false }));
  }
}

async function lister(): Promise<void> {
  for (let n = 0; !stopping; n++) {
    await attempt('list', '-', 'GET', n % 2 ? '/api/stories?limit=20&status=Open' : '/api/stories?limit=20');
    await sleep(randomInt(random, 300, 700));
  }
}

/** Socket.IO through nginx: the per-second stats, watching a few of its stories. */
function watcher(): () => FeedSecondsEvent {
  const seconds = new Set<number>();
  let connects = 0;
  let repeats = 0;
  const socket = io(base, { transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 2000 });
  socket.on('connect', () => connects++);
  socket.on('stats', (sample: { t: number }) => {
    const second = Math.floor(sample.t / 1000);
    if (seconds.has(second)) repeats++;
    seconds.add(second);
  });
  const watching = setInterval(() => socket.connected && socket.emit('stories:watch', mine.slice(-10)), 2000);
  return () => {
    clearInterval(watching);
    socket.disconnect();
    return { type: 'feed', client, feed: 'socket.io', seconds: [...seconds].sort((a, b) => a - b), connects, repeats };
  };
}

/** The original client's /ws/status through nginx: a frame a second, reconnecting when closed. */
function statusReader(): () => FeedSecondsEvent {
  const seconds = new Set<number>();
  let connects = 0;
  let ws: WebSocket | null = null;
  let done = false;
  const open = () => {
    if (done) return;
    ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws/status`);
    ws.on('open', () => connects++);
    ws.on('message', () => seconds.add(Math.floor(Date.now() / 1000)));
    ws.on('error', () => undefined);
    ws.on('close', () => setTimeout(open, 1000));
  };
  open();
  return () => {
    done = true;
    ws?.terminate();
    return { type: 'feed', client, feed: 'ws-status', seconds: [...seconds].sort((a, b) => a - b), connects, repeats: 0 };
  };
}

type FeedSecondsEvent = Extract<HistoryEvent, { type: 'feed' }>;

const feeds = [watcher(), statusReader()];
// One client pauses the cluster now and then; the others only see it.
await Promise.all([writer(), deleter(), lister(), ...(values.pauses ? [pauser()] : [])]);
while (pending.size) await Promise.race(pending);
for (const end of feeds) record(end());
await new Promise<void>((resolve) => out.end(resolve));
process.exit(0);
