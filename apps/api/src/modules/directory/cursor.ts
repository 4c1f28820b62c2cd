import { isUuid } from '../../graphql/visibility.js';
import type { SearchCursor } from './search.js';

/** Cursors are opaque to clients: base64url of `[key, id]`. */
export function encodeCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify([c.key, c.id])).toString('base64url');
}

/** The cursor, or null when it is not one this API wrote. */
export function decodeCursor(raw: string): SearchCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [key, id] = value as unknown[];
    if (
      typeof key !== 'number' ||
      !Number.isFinite(key) ||
      key < 0 ||
      typeof id !== 'string' ||
      !isUuid(id)
    ) {
      return null;
    }
    return { key, id };
  } catch {
    return null;
  }
}
