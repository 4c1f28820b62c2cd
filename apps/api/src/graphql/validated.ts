import type { z } from 'zod';

/**
 * An argument as the field's `validate` schema left it. The validation plugin hands resolvers the schema's
 * output (trimmed, defaulted, converted), but Pothos types arguments by their GraphQL input; this names the
 * real type. Parsing again would be wrong: transforms are not idempotent (dollars → cents).
 */
export function validated<S extends z.ZodType>(_schema: S, value: unknown): z.output<S> {
  return value as z.output<S>;
}
