import { pickCreateStorySchema, type ApiErrorDetail, type CreateStorySchemas } from '@storyflow/contracts';

/**
 * Pure logic of the create-story form: turning the form's value into a request body, parsing it
 * with the shared zod schemas (built from the server's limits), estimating the work, and mapping
 * error paths to form fields.
 */
export type CreateMode = 'range' | 'list';
export type FormField = 'title' | 'taskCount' | 'estimateMin' | 'estimateMax' | 'tasks' | 'form';
export type FieldErrors = Partial<Record<FormField, string[]>>;

/** The raw value of the form. Number inputs give null while empty (Angular's number value accessor). */
export interface StoryFormValue {
  mode: CreateMode;
  title: string;
  taskCount: number | null;
  estimateMin: number | null;
  estimateMax: number | null;
  /** Estimates in ms separated by commas, spaces or new lines. */
  estimates: string;
}

export const EMPTY_FORM: StoryFormValue = {
  mode: 'range',
  title: '',
  taskCount: 50,
  estimateMin: 10,
  estimateMax: 20,
  estimates: '',
};

export function parseEstimates(text: string): number[] {
  return text
    .split(/[\s,;]+/)
    .filter((token) => token !== '')
    .map((token) => Number(token));
}

/** The body to POST; not yet validated. An empty number is left out, so the schema says "is required". */
export function toRequestBody(value: StoryFormValue): Record<string, unknown> {
  const title = value.title.trim();
  const body: Record<string, unknown> = title === '' ? {} : { title };
  if (value.mode === 'list') {
    body['tasks'] = parseEstimates(value.estimates).map((estimate) => ({ estimate }));
  } else {
    body['taskCount'] = value.taskCount ?? undefined;
    body['estimateMin'] = value.estimateMin ?? undefined;
    body['estimateMax'] = value.estimateMax ?? undefined;
  }
  return body;
}

/** Parses the form's request with `schemas`, built by `createStoryRequestSchemas` from the server's limits. */
export function parseStoryForm(value: StoryFormValue, schemas: CreateStorySchemas) {
  const body = toRequestBody(value);
  return pickCreateStorySchema(body, schemas).safeParse(body);
}

/** Which form field a dotted error path belongs to (`tasks.3.estimate` → the estimates list). */
export function fieldForPath(path: string): FormField {
  const head = path.split('.')[0] ?? '';
  switch (head) {
    case 'title':
    case 'taskCount':
    case 'estimateMin':
    case 'estimateMax':
    case 'tasks':
      return head;
    default:
      return 'form';
  }
}

/** The form's labels, also used in messages so they name what the user sees. */
export const FIELD_LABELS = {
  title: 'Title',
  taskCount: 'Number of tasks',
  estimateMin: 'Estimate min (ms)',
  estimateMax: 'Estimate max (ms)',
} as const;

/**
 * The schema's messages in the form's words: field names become labels ("must be at least estimateMin
 * (the shortest estimate)" → "must be at least Estimate min (the shortest estimate)"), older wordings
 * ("greater than or equal to", "1 task(s)") in plain words too.
 */
export function humanize(message: string): string {
  return message
    .replace(/greater than or equal to/g, 'at least')
    .replace(/less than or equal to/g, 'at most')
    .replace(/\b(taskCount|estimateMin|estimateMax)\b/g, (key) => FIELD_LABELS[key as keyof typeof FIELD_LABELS].replace(/ \(ms\)$/, ''))
    .replace(/(\d+) task\(s\)/g, (_, n: string) => `${n} ${n === '1' ? 'task' : 'tasks'}`);
}

/** Groups API or schema error details by form field; a task's message names the task. */
export function groupErrors(details: readonly ApiErrorDetail[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const { path, message: raw } of details) {
    const message = humanize(raw);
    const field = fieldForPath(path);
    const taskIndex = /^tasks\.(\d+)/.exec(path)?.[1];
    const text =
      field === 'form' && path !== ''
        ? `${path}: ${message}`
        : taskIndex !== undefined
          ? `Task ${Number(taskIndex) + 1}: ${message}`
          : message;
    (errors[field] ??= []).push(text);
  }
  return errors;
}

export interface WorkEstimate {
  /** Sum of the estimates (expected sum for a range): the work if one worker did it all. */
  totalMs: number;
  /** Longest single task (expected longest for a range): the least time with enough workers. */
  criticalPathMs: number;
  /** True when drawn at random by the server: the figures are expectations. */
  expected: boolean;
  taskCount: number;
}

/** The estimate shown before submit; null while the inputs do not describe any work. */
export function estimateWork(value: StoryFormValue): WorkEstimate | null {
  if (value.mode === 'list') {
    const estimates = parseEstimates(value.estimates);
    if (estimates.length === 0 || estimates.some((e) => !Number.isFinite(e) || e < 0)) return null;
    return {
      totalMs: estimates.reduce((a, b) => a + b, 0),
      criticalPathMs: Math.max(...estimates),
      expected: false,
      taskCount: estimates.length,
    };
  }
  const { taskCount: n, estimateMin: min, estimateMax: max } = value;
  if (n === null || min === null || max === null) return null;
  if (![n, min, max].every(Number.isFinite) || n < 1 || min < 0 || max < min) return null;
  const count = Math.floor(n);
  // Expected maximum of `count` uniform draws in [min, max].
  const criticalPathMs = min + ((max - min) * count) / (count + 1);
  return { totalMs: (count * (min + max)) / 2, criticalPathMs, expected: min !== max, taskCount: count };
}
