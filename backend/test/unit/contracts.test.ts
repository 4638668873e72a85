import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import {
  BulkDeleteQuerySchema,
  createLegacyJobSchema,
  createStoryRequestSchemas,
  DEFAULT_STORY_LIMITS,
  isStoryId,
  ListStoriesQuerySchema,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  pickCreateStorySchema,
  StoryIdInputSchema,
  StoryIdSchema,
  type StoryLimits,
} from '@storyflow/contracts';

/** `path: message` for each issue, as the API's error details show them. */
function issues(schema: z.ZodType, input: unknown): string[] {
  const r = schema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const custom: StoryLimits = { minTasks: 2, maxTasks: 5, minEstimateMs: 10, maxEstimateMs: 100, maxTitleLength: 8 };

describe('createStoryRequestSchemas / pickCreateStorySchema', () => {
  const schemas = createStoryRequestSchemas();
  const parse = (body: unknown) => {
    const schema = pickCreateStorySchema(body, schemas);
    return { schema, result: schema.safeParse(body), issues: issues(schema, body) };
  };

  it('picks the explicit form when the body has `tasks`, else the generated form', () => {
    expect(pickCreateStorySchema({ tasks: [] }, schemas)).toBe(schemas.explicit);
    expect(pickCreateStorySchema({ taskCount: 3 }, schemas)).toBe(schemas.generated);
    expect(pickCreateStorySchema(null, schemas)).toBe(schemas.generated);
    expect(pickCreateStorySchema('tasks', schemas)).toBe(schemas.generated);
  });

  it('accepts a valid explicit story and trims the title', () => {
    const r = parse({ title: '  Hello ', tasks: [{ estimate: 10 }, { estimate: 20 }] });
    expect(r.result.success).toBe(true);
    expect(r.result.data).toEqual({ title: 'Hello', tasks: [{ estimate: 10 }, { estimate: 20 }] });
  });

  it('accepts a valid generated story', () => {
    const r = parse({ taskCount: 5, estimateMin: 10, estimateMax: 20 });
    expect(r.result.success).toBe(true);
  });

  it('names the path of a bad task estimate', () => {
    const r = parse({ tasks: [{ estimate: 10 }, { estimate: 1.5 }, { estimate: 0 }, {}] });
    expect(r.issues).toEqual([
      'tasks.1.estimate: must be a whole number of milliseconds',
      'tasks.2.estimate: must be at least 1 ms',
      'tasks.3.estimate: is required',
    ]);
  });

  it('says what a task must be, and rejects unknown keys by name', () => {
    expect(parse({ tasks: [5] }).issues).toEqual(['tasks.0: must be an object { "estimate": ms }']);
    const unknown = parse({ tasks: [{ estimate: 5, extra: 1 }], colour: 'red' }).issues;
    expect(unknown).toHaveLength(2);
    expect(unknown.some((m) => m.startsWith('tasks.0: ') && m.includes('extra'))).toBe(true);
    expect(unknown.some((m) => m.startsWith(': ') && m.includes('colour'))).toBe(true);
  });

  it('rejects a wrong-typed tasks field and an empty task list', () => {
    expect(parse({ tasks: 'many' }).issues).toEqual(['tasks: must be an array of { "estimate": ms }']);
    expect(parse({ tasks: [] }).issues).toEqual(['tasks: must have at least 1 task']);
  });

  it('generated form: names missing and wrong fields, and estimateMax below estimateMin', () => {
    expect(parse({}).issues).toEqual(['taskCount: is required', 'estimateMin: is required', 'estimateMax: is required']);
    expect(parse({ taskCount: '3', estimateMin: 10, estimateMax: 20 }).issues).toEqual(['taskCount: must be a number']);
    expect(parse({ taskCount: 3, estimateMin: 30, estimateMax: 20 }).issues).toEqual([
      'estimateMax: must be at least estimateMin (the shortest estimate)',
    ]);
  });

  it('says the body must be an object when it is not', () => {
    const r = parse([1, 2]);
    expect(r.result.success).toBe(false);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatch(/^: body must be a JSON object/);
    expect(parse(null).issues[0]).toMatch(/^: body must be a JSON object/);
  });

  it('honours custom limits (tasks, estimates, title) with messages that quote them', () => {
    const s = createStoryRequestSchemas(custom);
    expect(issues(s.explicit, { tasks: [{ estimate: 50 }] })).toEqual(['tasks: must have at least 2 tasks']);
    expect(issues(s.explicit, { tasks: Array.from({ length: 6 }, () => ({ estimate: 50 })) })).toEqual([
      'tasks: must have at most 5 tasks',
    ]);
    expect(issues(s.explicit, { tasks: [{ estimate: 9 }, { estimate: 101 }] })).toEqual([
      'tasks.0.estimate: must be at least 10 ms',
      'tasks.1.estimate: must be at most 100 ms',
    ]);
    expect(issues(s.explicit, { title: 'x'.repeat(9), tasks: [{ estimate: 10 }, { estimate: 100 }] })).toEqual([
      'title: must be at most 8 characters',
    ]);
    expect(issues(s.generated, { taskCount: 6, estimateMin: 10, estimateMax: 100 })).toEqual(['taskCount: must be at most 5']);
    expect(issues(s.generated, { taskCount: 2, estimateMin: 10, estimateMax: 100 })).toEqual([]);
    // The same body is fine under the defaults.
    expect(issues(schemas.explicit, { tasks: [{ estimate: 500 }] })).toEqual([]);
  });

  it('uses the defaults when no limits are given', () => {
    const max = DEFAULT_STORY_LIMITS.maxTasks;
    expect(issues(schemas.generated, { taskCount: max, estimateMin: 1, estimateMax: 1 })).toEqual([]);
    expect(issues(schemas.generated, { taskCount: max + 1, estimateMin: 1, estimateMax: 1 })).toEqual([
      `taskCount: must be at most ${max}`,
    ]);
  });
});

describe('createLegacyJobSchema', () => {
  const legacy = createLegacyJobSchema();

  it('accepts the original client payload, extra keys included', () => {
    const r = legacy.safeParse({
      id: 3,
      noOfTasks: 2,
      completed: false,
      tasks: [
        { id: 1, estimate: 12 },
        { id: 2, estimate: 15 },
      ],
      x: 1,
    });
    expect(r.success).toBe(true);
  });

  it('names bad fields by path', () => {
    expect(issues(legacy, { tasks: [{ estimate: 10 }] })).toEqual(['id: is required']);
    expect(issues(legacy, { id: 1, tasks: [{ estimate: 'ten' }] })).toEqual(['tasks.0.estimate: must be a number of milliseconds']);
    expect(issues(legacy, { id: 1.5, tasks: [{ estimate: 10 }] })).toEqual(['id: must be a whole number']);
    expect(issues(legacy, { id: 1, completed: 'no', tasks: [{ estimate: 10 }] })).toEqual(['completed: must be a boolean']);
  });

  it('rejects noOfTasks that disagrees with the tasks', () => {
    expect(issues(legacy, { id: 1, noOfTasks: 3, tasks: [{ estimate: 10 }] })).toEqual(['noOfTasks: must equal the number of tasks']);
  });

  it('honours custom limits', () => {
    const s = createLegacyJobSchema(custom);
    expect(issues(s, { id: 1, tasks: [{ estimate: 10 }] })).toEqual(['tasks: must have at least 2 tasks']);
    expect(issues(s, { id: 1, tasks: [{ estimate: 10 }, { estimate: 200 }] })).toEqual(['tasks.1.estimate: must be at most 100 ms']);
  });
});

describe('ListStoriesQuerySchema', () => {
  it('defaults page and limit, and coerces query strings', () => {
    expect(ListStoriesQuerySchema.parse({})).toEqual({ page: 1, limit: PAGE_LIMIT_DEFAULT });
    expect(ListStoriesQuerySchema.parse({ status: 'Done', page: '3', limit: '50' })).toEqual({ status: 'Done', page: 3, limit: 50 });
  });

  it('names the field in each message and honours the page limit', () => {
    expect(issues(ListStoriesQuerySchema, { limit: String(PAGE_LIMIT_MAX + 1) })).toEqual([
      `limit: limit must be at most ${PAGE_LIMIT_MAX}`,
    ]);
    expect(issues(ListStoriesQuerySchema, { limit: String(PAGE_LIMIT_MAX) })).toEqual([]);
    expect(issues(ListStoriesQuerySchema, { page: '0' })).toEqual(['page: page must be at least 1']);
    expect(issues(ListStoriesQuerySchema, { page: 'two' })).toEqual(['page: page must be a number']);
    expect(issues(ListStoriesQuerySchema, { page: '1.5' })).toEqual(['page: page must be a whole number']);
    expect(issues(ListStoriesQuerySchema, { status: 'open' })).toEqual(['status: status must be "Open" or "Done"']);
    expect(issues(ListStoriesQuerySchema, { sort: 'x' })).toHaveLength(1);
  });
});

describe('BulkDeleteQuerySchema', () => {
  it('requires status=Done', () => {
    expect(BulkDeleteQuerySchema.safeParse({ status: 'Done' }).success).toBe(true);
    expect(issues(BulkDeleteQuerySchema, {})).toEqual(['status: status=Done is required: only finished stories can be deleted in bulk']);
    expect(issues(BulkDeleteQuerySchema, { status: 'Open' })).toHaveLength(1);
  });
});

describe('story ids', () => {
  const id = '0123456789abcdef01234567';
  it('accepts 24 hex digits in either case where a client names a story, as lookups always have', () => {
    expect(isStoryId(id)).toBe(true);
    expect(isStoryId(id.toUpperCase())).toBe(true);
    expect(StoryIdInputSchema.safeParse(id.toUpperCase()).success).toBe(true);
    for (const bad of ['', id.slice(1), `${id}0`, `${id.slice(1)}g`, ` ${id.slice(1)}`, `${id}\n`]) expect(isStoryId(bad)).toBe(false);
  });
  it('describes the ids the server sends as lower case', () => {
    expect(StoryIdSchema.safeParse(id).success).toBe(true);
    expect(StoryIdSchema.safeParse(id.toUpperCase()).success).toBe(false);
  });
});
