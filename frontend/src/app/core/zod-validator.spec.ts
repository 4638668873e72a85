import { FormControl, FormGroup } from '@angular/forms';
import { z } from 'zod';
import { SCHEMA_ERROR, schemaIssues, zodValidator } from './zod-validator';

const schema = z
  .object({
    name: z.string().min(1, 'is required'),
    items: z.array(z.object({ n: z.number().max(9, 'too big') })),
    from: z.number(),
    to: z.number(),
  })
  .refine((v) => v.from <= v.to, { path: ['to'], message: 'before from' });
type Value = z.input<typeof schema>;

describe('zodValidator', () => {
  const group = (value: Value) =>
    new FormGroup(
      {
        name: new FormControl(value.name, { nonNullable: true }),
        items: new FormControl(value.items, { nonNullable: true }),
        from: new FormControl(value.from, { nonNullable: true }),
        to: new FormControl(value.to, { nonNullable: true }),
      },
      { validators: zodValidator((v: Value) => schema.safeParse(v)) },
    );

  it('is valid, with no issues, when the schema accepts the value', () => {
    const form = group({ name: 'a', items: [{ n: 1 }], from: 1, to: 2 });
    expect(form.valid).toBe(true);
    expect(form.errors).toBeNull();
    expect(schemaIssues(form)).toEqual([]);
  });

  it('reports every issue with its dotted path, cross-field rules included', () => {
    const form = group({ name: '', items: [{ n: 1 }, { n: 10 }], from: 1, to: 2 });
    expect(form.hasError(SCHEMA_ERROR)).toBe(true);
    expect(schemaIssues(form)).toEqual([
      { path: 'name', message: 'is required' },
      { path: 'items.1.n', message: 'too big' },
    ]);
    form.patchValue({ name: 'a', items: [], from: 3 });
    expect(schemaIssues(form)).toEqual([{ path: 'to', message: 'before from' }]);
    form.controls.to.setValue(3);
    expect(form.valid).toBe(true);
  });

  it('reads no issues from what another validator set under the same key', () => {
    const control = new FormControl('x', { validators: () => ({ [SCHEMA_ERROR]: ['too short', { path: 'x' }] }) });
    expect(control.hasError(SCHEMA_ERROR)).toBe(true);
    expect(schemaIssues(control)).toEqual([]);
  });

  it('reads the raw value, disabled controls included', () => {
    const form = group({ name: 'a', items: [], from: 5, to: 1 });
    form.controls.from.disable();
    expect(schemaIssues(form)).toEqual([{ path: 'to', message: 'before from' }]);
  });
});
