/** Every error response: `{ "error": { code, message, details } }` with a 4xx/5xx status. */
export interface ApiErrorDetail {
  /** Dotted path of the offending field, e.g. `tasks.3.estimate`; empty for the whole body. */
  path: string;
  message: string;
}

export interface ApiErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    details: ApiErrorDetail[];
  };
}

export type ApiErrorCode =
  | 'invalid_json'
  | 'validation_failed'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'not_found'
  | 'method_not_allowed'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'overloaded'
  | 'unavailable'
  | 'internal';

export type DbMode = 'external' | 'embedded-mongod' | 'embedded-memory';

export interface HealthDto {
  status: 'ok' | 'unavailable';
  accepting: boolean;
  db: { mode: DbMode; state: 'connected' | 'disconnected'; durable: boolean };
  uptimeSec: number;
}

/** GET /api/access: what the caller's token (or none) allows, so the dashboard can ask for one or hide controls. */
export interface AccessDto {
  role: 'operator' | 'viewer';
  /** Reads and live feeds need a token (VIEW_TOKEN is set). */
  readsNeedToken: boolean;
  /** Mutations need the operator token (API_TOKEN is set). */
  mutationsNeedToken: boolean;
}

/** GET /api/info: what this server runs with, for the dashboard's explanations (retention, mode, pause). */
export interface InfoDto {
  db: { mode: DbMode; durable: boolean };
  retention: {
    /** Done stories are removed this long after completion; 0: kept. */
    doneSeconds: number;
    /** At most this many Done tasks stay stored (oldest stories go first); 0: no bound. */
    maxDoneTasks: number;
  };
  historySeconds: number;
  countersSince: number;
  paused: boolean;
  /** Set in cluster mode. */
  instanceId: string | null;
}
