import { clinics, locations, referrals } from '@kapmap/db/schema';
import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { Context } from '../context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Row ids are UUIDs: anything else cannot name a row, and must not reach PostgreSQL as one. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/**
 * Who sees which clinic, in one place. The public sees published clinics; a clinic's members also see it
 * unpublished (while it awaits verification); platform admins see every clinic, to verify them.
 */
export function memberClinicIds(ctx: Context): string[] {
  return [...(ctx.viewer?.memberships.keys() ?? [])];
}

/** A relational-query filter on clinics for what the viewer may see. */
export function visibleClinics(ctx: Context) {
  if (ctx.viewer?.isPlatformAdmin) return {};
  const ids = memberClinicIds(ctx);
  return ids.length === 0 ? { published: true } : { OR: [{ published: true }, { id: { in: ids } }] };
}

/** A relational-query filter on locations for what the viewer may see. */
export function visibleLocations(ctx: Context) {
  if (ctx.viewer?.isPlatformAdmin) return {};
  const ids = memberClinicIds(ctx);
  return ids.length === 0 ? { listed: true } : { OR: [{ listed: true }, { clinicId: { in: ids } }] };
}

function clinicSql(ctx: Context): SQL | undefined {
  if (ctx.viewer?.isPlatformAdmin) return undefined;
  const ids = memberClinicIds(ctx);
  return ids.length === 0
    ? eq(clinics.published, true)
    : or(eq(clinics.published, true), inArray(clinics.id, ids));
}

function locationSql(ctx: Context): SQL | undefined {
  if (ctx.viewer?.isPlatformAdmin) return undefined;
  const ids = memberClinicIds(ctx);
  return ids.length === 0
    ? eq(locations.listed, true)
    : or(eq(locations.listed, true), inArray(locations.clinicId, ids));
}

/** May the viewer see the object behind a global ID? `node(id)` bypasses every list's filters, so it asks here. */
export async function isVisible(ctx: Context, id: { typename: string; id: string }): Promise<boolean> {
  if (!isUuid(id.id)) return false;
  switch (id.typename) {
    case 'Clinic': {
      const rows = await ctx.db
        .select({ id: clinics.id })
        .from(clinics)
        .where(and(eq(clinics.id, id.id), clinicSql(ctx)));
      return rows.length > 0;
    }
    case 'Location': {
      const rows = await ctx.db
        .select({ id: locations.id })
        .from(locations)
        .where(and(eq(locations.id, id.id), locationSql(ctx)));
      return rows.length > 0;
    }
    case 'Referral': {
      // Only its sender and the receiving clinic's members: platform admins are not parties.
      const viewer = ctx.viewer;
      if (!viewer) return false;
      const ids = memberClinicIds(ctx);
      const rows = await ctx.db
        .select({ id: referrals.id })
        .from(referrals)
        .where(
          and(
            eq(referrals.id, id.id),
            ids.length === 0
              ? eq(referrals.senderId, viewer.userId)
              : or(eq(referrals.senderId, viewer.userId), inArray(referrals.clinicId, ids)),
          ),
        );
      return rows.length > 0;
    }
    default:
      return false;
  }
}
