import { AUDITED_CREATE_HEADER } from '@storyflow/contracts';
import type { AuditedAction, AuditedCall } from './route.js';

// What each audited route touched, from its request and its answer (undefined when it failed). The request
// may be malformed (the action was refused): every field is read defensively.

const idsOf = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string').slice(0, 100) : undefined;

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;

const countOf = (answer: unknown, name: string): { count?: number } => {
  const n = field(answer, name);
  return typeof n === 'number' ? { count: n } : {};
};

/** Only a create made by hand in the dashboard's form (it says so); API clients' and the generator's are not recorded. */
export const auditCreate = ({ header, answer }: AuditedCall): AuditedAction | null => {
  if (header(AUDITED_CREATE_HEADER) !== 'form') return null;
  const id = field(answer, 'id');
  return { action: 'create', target: typeof id === 'string' ? { ids: [id] } : {} };
};

export const auditDeleteOne = ({ params, answer }: AuditedCall): AuditedAction => ({
  action: 'delete',
  target: { ids: [params.id ?? ''], ...countOf(answer, 'deleted') },
});

export const auditDeleteDone = ({ answer }: AuditedCall): AuditedAction => ({
  action: 'deleteDone',
  target: { filter: { status: 'Done' }, ...countOf(answer, 'deleted') },
});

export const auditBulk = ({ body, answer }: AuditedCall): AuditedAction => {
  const results = field(answer, 'results');
  const done = Array.isArray(results) ? { count: results.filter((r) => field(r, 'ok') === true).length } : {};
  const ids = idsOf(field(body, 'ids'));
  return { action: field(body, 'action') === 'delete' ? 'bulkDelete' : 'bulkRerun', target: { ...(ids ? { ids } : {}), ...done } };
};

export const auditRerun = ({ params, answer }: AuditedCall): AuditedAction => {
  const created = field(answer, 'id');
  return { action: 'rerun', target: { ids: typeof created === 'string' ? [params.id ?? '', created] : [params.id ?? ''] } };
};

export const auditPause = ({ body }: AuditedCall): AuditedAction => ({
  action: field(body, 'paused') === false ? 'resume' : 'pause',
  target: {},
});
