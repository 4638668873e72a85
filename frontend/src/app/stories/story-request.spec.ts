import { FormControl } from '@angular/forms';
import { DEFAULT_STORY_LIMITS, createStoryRequestSchemas, type CreateStorySchemas } from '@storyflow/contracts';
import { schemaIssues, zodValidator } from '../core/zod-validator';
import {
  EMPTY_FORM,
  estimateWork,
  fieldForPath,
  groupErrors,
  humanize,
  parseEstimates,
  parseStoryForm,
  toRequestBody,
  type FieldErrors,
  type StoryFormValue,
} from './story-request';

const schemas = createStoryRequestSchemas(DEFAULT_STORY_LIMITS);

/** The errors the form shows for `value`, through the same validator and grouping; null when valid. */
function errorsOf(value: StoryFormValue, built: CreateStorySchemas = schemas): FieldErrors | null {
  const control = new FormControl(value, { validators: zodValidator((v: StoryFormValue) => parseStoryForm(v, built)) });
  return control.valid ? null : groupErrors(schemaIssues(control));
}

describe('story request', () => {
  it('builds a range request and validates it with the shared schema', () => {
    const value: StoryFormValue = { ...EMPTY_FORM, title: '  Nightly  ', taskCount: 5, estimateMin: 10, estimateMax: 20 };
    const result = parseStoryForm(value, schemas);
    expect(result.success && result.data).toEqual({ title: 'Nightly', taskCount: 5, estimateMin: 10, estimateMax: 20 });
    expect(errorsOf(value)).toBeNull();
  });

  it('builds an explicit task list from comma- or space-separated estimates', () => {
    expect(parseEstimates('10, 20 30\n40;')).toEqual([10, 20, 30, 40]);
    const body = toRequestBody({ ...EMPTY_FORM, mode: 'list', estimates: '5,6' });
    expect(body).toEqual({ tasks: [{ estimate: 5 }, { estimate: 6 }] });
  });

  it('reports errors by field', () => {
    expect(errorsOf({ ...EMPTY_FORM, taskCount: null, estimateMin: 1.5 })).toEqual({
      taskCount: ['is required'],
      estimateMin: ['must be a whole number of milliseconds'],
    });
    expect(errorsOf({ ...EMPTY_FORM, taskCount: 3, estimateMin: 30, estimateMax: 20 })).toEqual({
      estimateMax: ['must be at least Estimate min (the shortest estimate)'],
    });
  });

  it('validates with the limits the schemas were built from', () => {
    const server = createStoryRequestSchemas({ ...DEFAULT_STORY_LIMITS, maxTasks: 50, maxEstimateMs: 500 });
    expect(errorsOf({ ...EMPTY_FORM, taskCount: 60 }, server)).toEqual({ taskCount: ['must be at most 50'] });
    expect(errorsOf({ ...EMPTY_FORM, taskCount: 60 })).toBeNull();
    expect(errorsOf({ ...EMPTY_FORM, mode: 'list', estimates: '10, 600' }, server)).toEqual({ tasks: ['Task 2: must be at most 500 ms'] });
  });

  it('names the task of a bad estimate', () => {
    expect(errorsOf({ ...EMPTY_FORM, mode: 'list', estimates: '10, abc, 0' })?.tasks).toEqual([
      'Task 2: must be a number of milliseconds',
      'Task 3: must be at least 1 ms',
    ]);
  });

  it('an empty list needs at least one task', () => {
    expect(errorsOf({ ...EMPTY_FORM, mode: 'list', estimates: '' })?.tasks).toEqual(['must have at least 1 task']);
  });

  it('maps API error paths to form fields', () => {
    expect(fieldForPath('tasks.3.estimate')).toBe('tasks');
    expect(fieldForPath('estimateMax')).toBe('estimateMax');
    expect(fieldForPath('')).toBe('form');
    expect(
      groupErrors([
        { path: 'taskCount', message: 'must be at most 1000' },
        { path: 'tasks.0.estimate', message: 'must be at most 60000 ms' },
        { path: '', message: 'body must be a JSON object' },
        { path: 'foo', message: 'unrecognized key' },
      ]),
    ).toEqual({
      taskCount: ['must be at most 1000'],
      tasks: ['Task 1: must be at most 60000 ms'],
      form: ['body must be a JSON object', 'foo: unrecognized key'],
    });
  });

  it('estimates total work and critical path before submit', () => {
    expect(estimateWork({ ...EMPTY_FORM, mode: 'list', estimates: '100, 300, 200' })).toEqual({
      totalMs: 600,
      criticalPathMs: 300,
      expected: false,
      taskCount: 3,
    });
    const range = estimateWork({ ...EMPTY_FORM, taskCount: 4, estimateMin: 10, estimateMax: 20 });
    expect(range).toEqual({ totalMs: 60, criticalPathMs: 18, expected: true, taskCount: 4 });
    expect(estimateWork({ ...EMPTY_FORM, taskCount: null })).toBeNull();
    expect(estimateWork({ ...EMPTY_FORM, mode: 'list', estimates: 'x' })).toBeNull();
  });

  it("words the schema's messages like the form's labels", () => {
    expect(humanize('must be greater than or equal to estimateMin')).toBe('must be at least Estimate min');
    expect(humanize('must have at least 1 task(s)')).toBe('must have at least 1 task');
    expect(humanize('must have at least 2 task(s)')).toBe('must have at least 2 tasks');
    expect(humanize('must be at most 1000')).toBe('must be at most 1000');
  });
});
