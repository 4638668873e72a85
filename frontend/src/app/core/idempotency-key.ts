/**
 * A new Idempotency-Key: 128 random bits as hex. Not `crypto.randomUUID()`: browsers offer that only in a
 * secure context (HTTPS or localhost), and the dashboard is also served over plain HTTP by a host's name
 * (nginx on port 8080); `crypto.getRandomValues` is there in every context.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
