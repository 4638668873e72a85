import type { StatsSnapshot, StoryDto, StoryListDto } from '@storyflow/contracts';

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function request<T = unknown>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const api = (base: string) => ({
  createStory: (body: unknown) => request<StoryDto>(base, 'POST', '/api/stories', body),
  getStory: (id: string) => request<StoryDto>(base, 'GET', `/api/stories/${id}`),
  list: (query = '') => request<StoryListDto>(base, 'GET', `/api/stories${query}`),
  stats: () => request<StatsSnapshot>(base, 'GET', '/api/stats'),
  deleteStory: (id: string) => request<{ deleted: number }>(base, 'DELETE', `/api/stories/${id}`),
});

/** Polls until `check` returns a truthy value, or fails with the last value seen. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await check();
    if (value) return value;
    last = value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Reference-workload story body: 20–80 tasks of 10–20 ms. */
export function referenceStory(random: () => number = Math.random) {
  const n = 20 + Math.floor(random() * 61);
  return { tasks: Array.from({ length: n }, () => ({ estimate: 10 + Math.floor(random() * 11) })) };
}
