import type { Server } from 'socket.io';
import {
  MAX_WATCHED_STORIES,
  SOCKET_EVENTS,
  isStoryId,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type StoryProgressDto,
} from '@storyflow/contracts';
import type { Clock } from '../shared/clock.js';
import type { ProgressSource } from './story-progress-feed.js';

const room = (id: string) => `story:${id}`;

/** The ids a client asked for, made safe: an array of story ids, deduplicated, at most MAX_WATCHED_STORIES. */
export function watchedIds(input: unknown): string[] {
  if (!Array.isArray(input)) return [];
  const ids = new Set<string>();
  for (const id of input) {
    if (ids.size >= MAX_WATCHED_STORIES) break;
    if (typeof id === 'string' && isStoryId(id)) ids.add(id.toLowerCase());
  }
  return [...ids];
}

/** Cluster mode: which stories are watched on any instance (a watcher may be connected elsewhere). */
export interface WatchRegistry {
  note(ids: string[]): Promise<void>;
  isWatched(id: string): boolean;
}

/**
 * Live progress of watched stories (`stories:watch`): a room per story, changes sent at most every `intervalMs` to rooms someone is
 * in; a connection's watched set changes at most every `applyIntervalMs` (its latest request wins).
 */
export function attachStoryWatch(
  io: Server<ClientToServerEvents, ServerToClientEvents>,
  source: ProgressSource,
  clock: Clock,
  registry?: WatchRegistry,
  intervalMs = 250,
  applyIntervalMs = 250,
) {
  const dirty = new Map<string, StoryProgressDto | null>();
  const unsubscribe = source.onChange((id, final) => {
    // A final state wins over a later "progress" note (there is none after it anyway).
    if (final || !dirty.has(id)) dirty.set(id, final);
  });
  io.on('connection', (socket) => {
    // However often a connection asks, its rooms and the registry change at most once per applyIntervalMs.
    let requested: unknown = null;
    let appliedAt = -Infinity;
    let pending: unknown = null;
    const apply = () => {
      pending = null;
      const ids = watchedIds(requested);
      requested = null;
      appliedAt = clock.now();
      void registry?.note(ids);
      const wanted = new Set(ids.map(room));
      for (const r of socket.rooms) if (r.startsWith('story:') && !wanted.has(r)) void socket.leave(r);
      for (const id of ids) {
        if (socket.rooms.has(room(id))) continue;
        void socket.join(room(id));
        const now = source.progress(id);
        if (now) socket.emit(SOCKET_EVENTS.progress, now);
      }
    };
    socket.on(SOCKET_EVENTS.watch, (input: unknown) => {
      requested = input;
      if (pending !== null) return;
      const wait = appliedAt + applyIntervalMs - clock.now();
      if (wait <= 0) apply();
      else pending = clock.setTimeout(apply, wait);
    });
    // Nothing of a connection outlives it.
    socket.once('disconnect', () => {
      if (pending !== null) clock.clearTimeout(pending);
      pending = requested = null;
    });
  });
  let timer: unknown;
  const flush = () => {
    const rooms = io.of('/').adapter.rooms;
    for (const [id, final] of dirty) {
      if (!rooms.get(room(id))?.size && !registry?.isWatched(id)) continue;
      const progress = final ?? source.progress(id);
      if (progress) io.to(room(id)).emit(SOCKET_EVENTS.progress, progress);
    }
    dirty.clear();
    timer = clock.setTimeout(flush, intervalMs);
  };
  timer = clock.setTimeout(flush, intervalMs);
  return {
    close: () => {
      unsubscribe();
      clock.clearTimeout(timer);
    },
  };
}
