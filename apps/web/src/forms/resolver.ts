import type { CombinedError } from '@urql/core';
import type { FieldErrors, FieldPath, FieldValues, Resolver, UseFormSetError } from 'react-hook-form';
import type { z } from 'zod';

type Path = (string | number)[];

/** Puts a message at a dotted path of react-hook-form's nested error object, keeping the first per field. */
function setError(errors: Record<string, unknown>, path: Path, message: string) {
  let node: Record<string, unknown> = errors;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] ??= { type: 'validate', message };
    } else {
      node[key] ??= typeof path[i + 1] === 'number' ? [] : {};
      node = node[key] as Record<string, unknown>;
    }
  });
}

/**
 * Checks a form with the very schema the API enforces (@kapmap/validation): the form's values are first
 * shaped into the API's input (`toInput`), and each issue's path is mapped back to the form field it is about
 * (`toField`, when the shapes differ, as for a list of checkboxes that becomes a shorter list of codes).
 */
export function schemaResolver<V extends FieldValues, S extends z.ZodType>(
  schema: S,
  toInput: (values: V) => unknown = (v) => v,
  toField: (path: Path) => Path = (p) => p,
): Resolver<V> {
  return async (values) => {
    const result = await schema.safeParseAsync(toInput(values));
    if (result.success) return { values, errors: {} };
    const errors: Record<string, unknown> = {};
    for (const issue of result.error.issues) {
      const path = toField(issue.path.filter((k): k is string | number => typeof k !== 'symbol'));
      setError(errors, path.length ? path : ['root'], issue.message);
    }
    return { values: {}, errors: errors as FieldErrors<V> };
  };
}

/** The API's answer to a form, sorted into what belongs beside a field and what belongs above the form. */
export interface ServerProblem {
  /** The form field at fault, as a dotted path (`routes.0.priceUsd`), when the API named one. */
  field: string | null;
  message: string;
  code: string | null;
}

/**
 * Reads a failed mutation. BAD_USER_INPUT and CONFLICT name the input field at fault (`extensions.path`,
 * such as `input.routes.0.priceUsd`, or `extensions.field`); anything else is for the whole form.
 */
export function serverProblem(error: CombinedError): ServerProblem {
  if (error.networkError)
    return {
      field: null,
      code: null,
      message: 'kapmap could not be reached. Check your connection, then try again.',
    };
  const first = error.graphQLErrors[0];
  const ext = (first?.extensions ?? {}) as {
    code?: string;
    path?: string;
    field?: string;
    argumentName?: string;
  };
  const path = ext.path ? ext.path.replace(/^input\./, '') : (ext.field ?? null);
  return {
    field:
      path && path !== 'input' ? path : ext.code === 'BAD_USER_INPUT' ? (ext.argumentName ?? null) : null,
    code: ext.code ?? null,
    message: first?.message ?? 'Something went wrong on our side. Try again in a moment.',
  };
}

/**
 * Shows a failed mutation where it belongs: beside its field when the form has that field (`toField` maps
 * the API's path to the form's, null when the form has none), and otherwise returns the message for the top.
 */
export function showServerError<V extends FieldValues>(
  error: CombinedError,
  setFieldError: UseFormSetError<V>,
  toField: (path: string) => string | null = (p) => p,
): string | null {
  const problem = serverProblem(error);
  const field = problem.field ? toField(problem.field) : null;
  if (!field) return problem.message;
  setFieldError(field as FieldPath<V>, { type: 'server', message: problem.message }, { shouldFocus: true });
  return null;
}
