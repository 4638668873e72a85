import supertest from 'supertest';
import type { StatsSample, StatsSnapshot, StoryDto, StoryListDto } from '@storyflow/contracts';
import { waitFor } from '@storyflow/test-support';

/** What supertest can drive: an express app or HTTP server in this process, or a base URL (a child process, nginx). */
export type Target = Parameters<typeof supertest>[0];

export interface JsonResponse<T = unknown> {
  status: number;
  /** Parsed JSON, or the text for other bodies. */
  body: T;
  header: Record<string, string | undefined>;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/**
 * One request through supertest. An object body is sent as JSON; a string body is sent as it is, as
 * `application/json` unless `headers` names another content type (to test malformed or mislabelled bodies).
 */
export async function request<T = unknown>(
  target: Target,
  method: Method,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  let req = supertest(target)[method.toLowerCase() as Lowercase<Method>](path);
  if (body !== undefined) req = req.set('content-type', 'application/json');
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  const res = await (body === undefined ? req : req.send(typeof body === 'string' ? body : JSON.stringify(body)));
  const json = /json/.test(res.header['content-type'] ?? '');
  return { status: res.status, body: (json ? res.body : res.text) as T, header: res.header };
}

/** The API calls the tests make most. */
export const api = (target: Target) => ({
  createStory: (body: unknown) => request<StoryDto>(target, 'POST', '/api/stories', body),
  getStory: (id: string) => request<StoryDto>(target, 'GET', `/api/stories/${id}`),
  list: (query = '') => request<StoryListDto>(target, 'GET', `/api/stories${query}`),
  stats: () => request<StatsSnapshot>(target, 'GET', '/api/stats'),
  deleteStory: (id: string) => request<{ deleted: number }>(target, 'DELETE', `/api/stories/${id}`),
  /** The newest per-second sample. */
  lastSample: async () => (await request<StatsSnapshot>(target, 'GET', '/api/stats')).body.history.at(-1),
  /**
   * The sample of the first second that starts at or after `at` (epoch ms), once there is one. Its figures
   * were read at the end of that second: at least a second after `at`, so what should have happened within
   * a second has (a running pool has run a short task), and what should not have, shows (a paused one has not).
   */
  sampleFrom: (at: number): Promise<StatsSample> =>
    waitFor(
      async () => {
        const history = (await request<StatsSnapshot>(target, 'GET', '/api/stats')).body.history;
        return history.find((s) => s.t >= at);
      },
      { timeoutMs: 10_000, intervalMs: 100, what: `a sample from ${new Date(at).toISOString()} on` },
    ),
});
