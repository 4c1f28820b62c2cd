import { unwrapResolverError } from '@apollo/server/errors';
import { QUERY_CANCELED } from '@kapmap/db/client';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * The base of every error written for the person using kapmap: its message says what went wrong and
 * what to do. Mutations return these as typed results (the errors plugin's `Error` interface).
 */
export class DomainError extends Error {
  override name = 'DomainError';
}

/** A bad argument: a top-level GraphQL error with Apollo's `BAD_USER_INPUT` code and the argument's name. */
export function badUserInput(message: string, argumentName: string, path?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'BAD_USER_INPUT',
      argumentName,
      // `field` is the input field at fault (`email` of `input.email`): a form shows the message beside it.
      ...(path && path !== argumentName ? { path, field: path.split('.').at(-1) } : {}),
    },
  });
}

/**
 * An error for the person using kapmap, with a code a client can branch on. `field` names the input field
 * it is about, so a form can show it beside that field.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'SIGN_IN_FAILED'
  | 'TOO_MANY_ATTEMPTS'
  | 'LINK_INVALID'
  | 'BAD_REQUEST'
  | 'QUERY_TIMEOUT'
  | 'DATABASE_UNAVAILABLE';

export function coded(code: ErrorCode, message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(field ? { field } : {}) } });
}

/** What a role may not see answers exactly as what does not exist. */
export function notFound(what: string): GraphQLError {
  return coded('NOT_FOUND', `No ${what} with this ID.`);
}

const PASSED_THROUGH = new Set([
  'NOT_FOUND',
  'CONFLICT',
  'SIGN_IN_FAILED',
  'TOO_MANY_ATTEMPTS',
  'LINK_INVALID',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'ROW_LIMIT_EXCEEDED',
  'QUERY_TIMEOUT',
]);

/**
 * Whether the error, or one of the errors that caused it (five deep at most), has a code `matches` accepts.
 * The chain is `cause` and a GraphQLError's `originalError` (what Apollo wraps a failed context in).
 */
function causedBy(error: unknown, matches: (code: string) => boolean): boolean {
  const next = (e: Error) => (e as { originalError?: unknown }).originalError ?? e.cause;
  for (let e = error, i = 0; e instanceof Error && i < 6; e = next(e), i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && matches(code)) return true;
  }
  return false;
}

const wasCancelled = (error: unknown) => causedBy(error, (code) => code === QUERY_CANCELED);

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
};

/**
 * An answer that never reached GraphQL (no route, a body too large, a media type it cannot read) in the
 * same shape as a GraphQL error, with a code a client can branch on.
 */
export function httpErrorBody(statusOrCode: number | string, message?: string) {
  const code = typeof statusOrCode === 'string' ? statusOrCode : (HTTP_CODES[statusOrCode] ?? 'BAD_REQUEST');
  return {
    errors: [
      {
        message:
          message ?? 'Something went wrong on our side. Please try again; if it keeps happening, tell us.',
        extensions: { code },
      },
    ],
  };
}

/** The database is down or unreachable (not a bad query): postgres.js's and Node's connection errors. */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now
]);

export const databaseAway = (error: unknown) => causedBy(error, (code) => CONNECTION_ERRORS.has(code));

/**
 * What a client sees of an error: our coded errors as they are; anything unexpected as a masked
 * INTERNAL_SERVER_ERROR, logged with its stack on the server only.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: (error: unknown) => void,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PASSED_THROUGH.has(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const original = unwrapResolverError(error);
  if (databaseAway(original))
    return {
      message: 'kapmap cannot reach its database just now. Try again in a minute.',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'DATABASE_UNAVAILABLE' },
    };
  if (wasCancelled(original))
    return {
      message:
        'This request took too long and was stopped. Try a smaller search or fewer fields; if it keeps happening, tell us.',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'QUERY_TIMEOUT' },
    };
  log(original);
  return {
    message: 'Something went wrong on our side. Please try again; if it keeps happening, tell us.',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
