/**
 * Idempotent creates (IETF draft "The Idempotency-Key HTTP Header Field", as Stripe's API does it): a client
 * sends a key of its own with a create and may send the same request again with it, as often as it needs
 * (its answer lost, a 503): within IDEMPOTENCY_WINDOW_SEC, while the story it made is stored, that story is
 * returned (200 and `Idempotent-Replayed: true`), never a second one. The same key with another request is a
 * 422. No zod here: the dashboard's first screens import it.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
export const IDEMPOTENCY_WINDOW_SEC = 86_400;

/**
 * Sent (`form`) with a create made by hand in the dashboard's story form, so the audit log records it; the
 * creates of API clients and of the generator are not recorded (at tens a second they would crowd it out).
 */
export const AUDITED_CREATE_HEADER = 'Storyflow-Audit';
