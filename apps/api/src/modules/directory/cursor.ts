import { isUuid } from '../../graphql/visibility.js';
import type { SearchCursor } from './search.js';

/** Where a search sorted by something other than distance stands: how many rows came before. */
export interface OffsetCursor {
  sort: string;
  offset: number;
}

/** A sorted search's cursor: base64url of `["o", offset, sort]`. */
export function encodeOffsetCursor(c: OffsetCursor): string {
  return Buffer.from(JSON.stringify(['o', c.offset, c.sort])).toString('base64url');
}

/** The offset cursor, or null when it is not one. Offsets stay within a radius's matches (checked by use). */
export function decodeOffsetCursor(raw: string): OffsetCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 3 || value[0] !== 'o') return null;
    const [, offset, sort] = value as unknown[];
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > 1_000_000)
      return null;
    if (typeof sort !== 'string') return null;
    return { offset, sort };
  } catch {
    return null;
  }
}

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
