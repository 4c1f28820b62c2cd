/**
 * What the server log may say about an error: what happened, never with what. A failed statement's error
 * carries its SQL parameters (drizzle writes them into its message: an email, a password hash, sealed or
 * unsealed patient text) and PostgreSQL's `detail` repeats the values of a key; neither is ever logged.
 * Every error the server logs goes through `serializeError` (pino's `err` serializer).
 */

const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[a-z]{2,}/gi;
/** Long runs of token-like characters: session and link tokens, hashes, keys. */
const TOKENISH = /[A-Za-z0-9_\-+/=$.]{32,}/g;

/** Removes what may be a person's data or a secret from free text. */
export function scrub(text: string): string {
  return text.replace(EMAIL, '[email]').replace(TOKENISH, '[redacted]');
}

interface LoggedError {
  type: string;
  message: string;
  code?: string;
  /** PostgreSQL's names for what failed: never values. */
  constraint?: string;
  table?: string;
  column?: string;
  stack?: string;
  cause?: LoggedError;
}

function isPostgresError(e: Record<string, unknown>): boolean {
  // postgres.js and PGlite both give the SQLSTATE as `code` and a `severity`.
  return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && 'severity' in e;
}

export function serializeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: scrub(String(error)) };
  const e = error as Error & Record<string, unknown>;
  const frames = (e.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
  let message: string;
  if (e.message.includes('Failed query:')) {
    // drizzle's DrizzleQueryError: "Failed query: <sql>\nparams: <values>", also inside a wrapper's message
    // ("Context creation failed: Failed query: …"). The SQL is parameterised; the values are exactly what
    // must not be logged.
    const at = e.message.indexOf('Failed query:');
    const sqlText =
      e.message
        .slice(at + 'Failed query:'.length)
        .split('\nparams:')[0]
        ?.trim() ?? '';
    message = `${scrub(e.message.slice(0, at))}Failed query: ${scrub(sqlText).slice(0, 300)}`;
  } else if (isPostgresError(e)) {
    // PostgreSQL quotes the offending value in some messages (invalid input syntax for type uuid: "…").
    message = scrub(e.message.replace(/"[^"]*"/g, '"…"'));
  } else {
    message = scrub(e.message);
  }
  const logged: LoggedError = { type: e.name, message };
  if (typeof e.code === 'string') logged.code = e.code;
  if (typeof e.constraint_name === 'string') logged.constraint = e.constraint_name;
  if (typeof e.constraint === 'string') logged.constraint = e.constraint;
  if (typeof e.table_name === 'string') logged.table = e.table_name;
  if (typeof e.table === 'string') logged.table = e.table;
  if (typeof e.column_name === 'string') logged.column = e.column_name;
  if (frames) logged.stack = frames;
  if (e.cause !== undefined && depth < 4) logged.cause = serializeError(e.cause, depth + 1);
  return logged;
}
