import type { Context } from '../context.js';
import type { Viewer } from '../modules/accounts/sessions.js';
import { coded } from './errors.js';

/**
 * The signed-in viewer, for resolvers behind `authScopes: { signedIn: true }` (which has already turned
 * anonymous callers away); throws rather than trusting that if a resolver is ever reached without it.
 */
export function viewerOf(ctx: Context): Viewer {
  if (!ctx.viewer) throw coded('UNAUTHENTICATED', 'Sign in to do this.');
  return ctx.viewer;
}

/** A row that was just written or checked must be there; its absence is a bug, reported as one. */
export function found<T>(row: T | undefined | null): T {
  if (row === undefined || row === null)
    throw new Error('a row that was just written could not be read back');
  return row;
}
