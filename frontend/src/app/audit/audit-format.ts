import type { AuditAction, AuditEntryDto } from '@storyflow/contracts/audit';

/** What each action is called on the screen (and in its filter). */
export const ACTION_WORDS: Readonly<Record<AuditAction, string>> = {
  create: 'Created a story',
  delete: 'Deleted a story',
  deleteDone: 'Deleted all Done stories',
  bulkDelete: 'Deleted selected stories',
  bulkRerun: 'Ran selected stories again',
  rerun: 'Ran again',
  pause: 'Paused processing',
  resume: 'Resumed processing',
};

const STATUS_WORDS: Readonly<Record<number, string>> = {
  400: 'bad request',
  401: 'no valid token',
  403: 'not allowed',
  404: 'not found',
  409: 'conflict',
  413: 'too large',
  422: 'not valid',
  429: 'too many requests',
  500: 'server error',
  502: 'bad gateway',
  503: 'unavailable',
  504: 'gateway timeout',
};

/** The outcome of the request: "OK" for a success, else its status in words ("404 not found"). */
export function outcomeWords(status: number): { ok: boolean; text: string } {
  if (status >= 200 && status < 300) return { ok: true, text: 'OK' };
  const words = STATUS_WORDS[status] ?? (status >= 500 ? 'server error' : status >= 400 ? 'refused' : 'unexpected answer');
  return { ok: false, text: `${status} ${words}` };
}

/**
 * What an action touched, beside the story ids (shown as links): the filter it applied and how many (unless
 * that is just the ids listed).
 */
export function targetSummary(target: AuditEntryDto['target']): string {
  const parts: string[] = [];
  const filter = Object.entries(target.filter ?? {});
  if (filter.length > 0) parts.push(`where ${filter.map(([key, value]) => `${key} is ${value}`).join(' and ')}`);
  if (target.count !== undefined && target.count !== target.ids?.length)
    parts.push(target.count === 1 ? '1 story' : `${target.count.toLocaleString('en-US')} stories`);
  return parts.join(' · ');
}

/** Who did it: with the operator token, or on a server open to all; from which address (and instance, in a cluster). */
export function whoWords(entry: Pick<AuditEntryDto, 'token' | 'client' | 'instance'>): { role: string; from: string } {
  const instance = entry.instance === 'local' ? '' : ` via ${entry.instance}`;
  return { role: entry.token ? 'Operator (token)' : 'Open server (no token)', from: `from ${entry.client}${instance}` };
}
