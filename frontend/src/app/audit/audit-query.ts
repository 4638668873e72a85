import type { ParamMap, Params } from '@angular/router';
import { AUDIT_ACTIONS, type AuditAction } from '@storyflow/contracts/audit';

/** The audit screen's state that lives in the URL (`/audit?action=delete&before=<entry id>`). */
export interface AuditQuery {
  /** null: every action. */
  action: AuditAction | null;
  /** The cursor of an older page (the `next` of the one before it); null: the newest entries. */
  before: string | null;
}

export const DEFAULT_AUDIT_QUERY: AuditQuery = { action: null, before: null };

const isAction = (value: string | null): value is AuditAction => AUDIT_ACTIONS.includes(value as AuditAction);

/** Reads the URL's query; anything unreadable falls back to the default (a hand-edited URL never breaks the screen). */
export function readAuditQuery(params: ParamMap): AuditQuery {
  const action = params.get('action');
  const before = params.get('before');
  return {
    action: isAction(action) ? action : null,
    before: before !== null && /^[0-9a-f]{24}$/.test(before) ? before : null,
  };
}

/** Query params for the router: defaults are left out, so `/audit` stays clean. */
export function toAuditParams(query: AuditQuery): Params {
  return { action: query.action, before: query.before };
}
