/** Domain errors, in the domain's words; only `http/` turns them into statuses. */
export class DomainError extends Error {}

/** The thing asked for does not exist (or the id cannot name one). */
export class NotFoundError extends DomainError {}

/** MongoDB cannot be reached or did not answer in time: the caller may retry later. */
export class DatabaseUnavailableError extends DomainError {
  constructor(cause: unknown) {
    super('The database is unavailable; try again shortly', { cause });
  }
}

/** Admission control: accepting this work would exceed the configured bound; retry after a while. */
export class OverloadedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSec: number,
  ) {
    super(message);
  }
}

/** A create's Idempotency-Key was used (within its window) with a different request. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super('This Idempotency-Key was already used with a different request; use a new key for a new request');
  }
}

/** A create's Idempotency-Key names a story since purged by retention: it is not made again. */
export class StoryPurgedError extends DomainError {
  constructor(readonly storyId: string) {
    super(`This Idempotency-Key created story ${storyId}, which is Done and has been purged since (retention); it is not created again`);
  }
}

/** The server is stopping or processing is paused for writes of this kind. */
export class UnavailableError extends DomainError {}

/** Redis unreachable or too slow: what needs it is refused rather than done unsafely; the caller may retry. */
export class CoordinationUnavailableError extends DomainError {
  constructor(cause?: unknown) {
    super('Cluster coordination (Redis) is unavailable; try again shortly', { cause });
  }
}
