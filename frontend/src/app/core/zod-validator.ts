import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import type { ApiErrorDetail } from '@storyflow/contracts';
import type { ZodSafeParseResult } from 'zod';

/** The error key a zod validator sets: the schema's issues, with dotted paths like the API's `details`. */
export const SCHEMA_ERROR = 'schema';

/**
 * The bridge from the contract's zod schemas to Angular forms. `parse` maps the control's raw value
 * (usually a whole form group's) to what the schema checks and returns zod's `safeParse` result; every
 * issue is reported under SCHEMA_ERROR, so cross-field rules (e.g. min ≤ max) work like field ones.
 */
export function zodValidator<V>(parse: (value: V) => ZodSafeParseResult<unknown>): ValidatorFn {
  return (control: AbstractControl): ValidationErrors | null => {
    // AbstractControl's raw value is `any`: V is what the caller attaches this validator to.
    const result = parse(control.getRawValue() as V);
    return result.success ? null : { [SCHEMA_ERROR]: result.error.issues.map(toDetail) };
  };
}

/** The issues the zod validator set on `control`; empty when it is valid. */
export function schemaIssues(control: AbstractControl): readonly ApiErrorDetail[] {
  const issues: unknown = control.getError(SCHEMA_ERROR);
  return isDetails(issues) ? issues : [];
}

/** What zodValidator sets (another validator could set the same key to anything). */
function isDetails(value: unknown): value is ApiErrorDetail[] {
  return (
    Array.isArray(value) &&
    value.every(
      (d: unknown) =>
        typeof d === 'object' && d !== null && 'path' in d && typeof d.path === 'string' && 'message' in d && typeof d.message === 'string',
    )
  );
}

function toDetail(issue: { path: readonly PropertyKey[]; message: string }): ApiErrorDetail {
  return { path: issue.path.map(String).join('.'), message: issue.message };
}
