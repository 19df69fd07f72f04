import type { z } from 'zod';
import { ParleyError } from '../../core/errors.js';

/** Parses untrusted input with a schema; failures become VALIDATION_FAILED naming the field. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ParleyError('VALIDATION_FAILED', `${where}${issue?.message ?? 'invalid input'}`);
}
