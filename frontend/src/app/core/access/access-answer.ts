import type { AccessDto } from '@storyflow/contracts/api';

/**
 * `GET /api/access` checked without zod: the shell needs this answer before the first screen settles
 * (it decides whether the generator and the form show, and where), so it cannot wait for the schemas to
 * load. Three fields, typed by the contract's AccessDto; a malformed answer throws like a failed request.
 */
export function parseAccess(body: unknown): AccessDto {
  const answer = body as Partial<Record<keyof AccessDto, unknown>> | null;
  if (
    typeof answer === 'object' &&
    answer !== null &&
    (answer.role === 'operator' || answer.role === 'viewer') &&
    typeof answer.readsNeedToken === 'boolean' &&
    typeof answer.mutationsNeedToken === 'boolean'
  )
    return { role: answer.role, readsNeedToken: answer.readsNeedToken, mutationsNeedToken: answer.mutationsNeedToken };
  throw new Error('The server sent a malformed /api/access answer');
}
