/**
 * What the clients saw, one JSON line per event (Jepsen's history): each attempt of each operation with
 * its answer, and the live feeds' seconds. The checker reads nothing else of the clients.
 */

export type Op = 'create' | 'delete' | 'list' | 'pause';

export interface Attempt {
  type: 'attempt';
  client: string;
  op: Op;
  /** The operation this attempt belongs to: a create's Idempotency-Key (also the story's title), a delete's story id. */
  key: string;
  /** When it was sent, epoch ms. */
  at: number;
  ms: number;
  /** HTTP status; 0: no answer (timed out, connection refused or reset). */
  status: number;
  retryAfter: string | null;
  /** The error code of an error body (`unavailable`, `overloaded` …). */
  code?: string;
  /** The story a create answered with. */
  id?: string;
}

/** How an operation the client kept retrying ended. */
export interface Outcome {
  type: 'outcome';
  client: string;
  op: 'create' | 'delete' | 'pause';
  key: string;
  /** create: `ok` (an id came back); delete: `deleted` (200) or `not-found` (404); pause: `ok`; all: `unresolved` (the run ended first), `refused` (a 4xx). */
  result: 'ok' | 'deleted' | 'not-found' | 'unresolved' | 'refused';
  id?: string;
  attempts: number;
}

/** A live feed's seconds: Socket.IO `stats` (their `t`) and /ws/status frames (their arrival, to the second). */
export interface FeedSeconds {
  type: 'feed';
  client: string;
  feed: 'socket.io' | 'ws-status';
  seconds: number[];
  connects: number;
  /** Socket.IO seconds received more than once (0 for /ws/status, whose frames carry no time). */
  repeats: number;
}

export type HistoryEvent = Attempt | Outcome | FeedSeconds;
