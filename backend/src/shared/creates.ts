// What a create asks and answers, between the HTTP edge and the story commands (neither imports the other).
import type { CreateStoryRequest, StoryDto } from '@storyflow/contracts';

/** A create's Idempotency-Key and a digest of its request (the same key with another request is refused). */
export interface Idempotency {
  key: string;
  requestHash: string;
}

/** A create's answer: the story, and whether an earlier request with the same key had made it. */
export interface Created {
  story: StoryDto;
  replayed: boolean;
}

/** A valid story of a batch, at its position in the request. */
export interface BatchItem {
  index: number;
  request: CreateStoryRequest;
}

/** What became of a story of a batch: stored (now, or by an earlier request with the key), or the domain error. */
export type BatchOutcome = { id: string; replayed: boolean } | { error: Error };
