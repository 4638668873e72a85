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

/**
 * Live progress of the stories a dashboard shows (`stories:watch`): each connection joins a room per
 * watched story; changes are collected and sent at most every `intervalMs` per story, only to rooms
 * someone is in. A final state (Done, Deleted) goes out with the next batch too.
 */
/** Cluster mode: which stories are watched on any instance (a watcher may be connected elsewhere). */
export interface WatchRegistry {
  note(ids: string[]): Promise<void>;
  isWatched(id: string): boolean;
}

export function attachStoryWatch(
  io: Server<ClientToServerEvents, ServerToClientEvents>,
  source: ProgressSource,
  clock: Clock,
  registry?: WatchRegistry,
  intervalMs = 250,
) {
  const dirty = new Map<string, StoryProgressDto | null>();
  const unsubscribe = source.onChange((id, final) => {
    // A final state wins over a later "progress" note (there is none after it anyway).
    if (final || !dirty.has(id)) dirty.set(id, final);
  });
  io.on('connection', (socket) => {
    socket.on(SOCKET_EVENTS.watch, (input: unknown) => {
      const ids = watchedIds(input);
      void registry?.note(ids);
      for (const r of socket.rooms) if (r.startsWith('story:') && !ids.includes(r.slice(6))) void socket.leave(r);
      for (const id of ids) {
        if (socket.rooms.has(room(id))) continue;
        void socket.join(room(id));
        const now = source.progress(id);
        if (now) socket.emit(SOCKET_EVENTS.progress, now);
      }
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
