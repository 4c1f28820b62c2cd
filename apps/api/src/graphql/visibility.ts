import { clinics, locations } from '@kapmap/db/schema';
import { and, eq } from 'drizzle-orm';
import type { Context } from '../context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Row ids are UUIDs: anything else cannot name a row, and must not reach PostgreSQL as one. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/**
 * May the viewer see the object behind a global ID? `node(id)` bypasses every list's filters, so it asks
 * here first. Today the public sees published clinics and their locations; signed-in roles come later.
 */
export async function isVisible(ctx: Context, id: { typename: string; id: string }): Promise<boolean> {
  if (!isUuid(id.id)) return false;
  switch (id.typename) {
    case 'Clinic': {
      const rows = await ctx.db
        .select({ id: clinics.id })
        .from(clinics)
        .where(and(eq(clinics.id, id.id), eq(clinics.published, true)));
      return rows.length > 0;
    }
    case 'Location': {
      const rows = await ctx.db
        .select({ id: locations.id })
        .from(locations)
        .where(and(eq(locations.id, id.id), eq(locations.listed, true)));
      return rows.length > 0;
    }
    default:
      return false;
  }
}
