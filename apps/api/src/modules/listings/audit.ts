import type { Database } from '@kapmap/db/client';
import { type FieldChange, listingChanges } from '@kapmap/db/schema';

/** JSON with object keys sorted, so that two equal values always print the same. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, stable(v)]),
    );
  return value ?? null;
}

/** Canonical form for comparing values: arrays of scalars sorted, so reordering alone is not a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null))
    return JSON.stringify([...value].sort());
  return JSON.stringify(stable(value));
}

/** The fields of `after` whose values differ from `before`, with both values. */
export function diff(before: Record<string, unknown> | null, after: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [field, value] of Object.entries(after)) {
    const old = before ? (before[field] ?? null) : null;
    if (canonical(old) !== canonical(value)) changes.push({ field, old, new: value ?? null });
  }
  return changes;
}

export type ListingAction =
  | 'clinic.create'
  | 'clinic.update'
  | 'clinic.confirm'
  | 'clinic.verify'
  | 'clinic.reject'
  | 'clinic.unpublish'
  | 'location.create'
  | 'location.update'
  | 'location.delete'
  | 'location.close'
  | 'location.reopen';

/** Records one change to a listing: in the caller's transaction, so the change and its record stand or fall together. */
export async function recordChange(
  tx: Pick<Database, 'insert'>,
  entry: {
    clinicId: string;
    locationId?: string | null;
    actorId: string;
    action: ListingAction;
    changes?: FieldChange[];
  },
): Promise<void> {
  await tx.insert(listingChanges).values({
    clinicId: entry.clinicId,
    locationId: entry.locationId ?? null,
    actorId: entry.actorId,
    action: entry.action,
    changes: entry.changes ?? [],
  });
}
