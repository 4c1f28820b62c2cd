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

/**
 * The clinics and locations the viewer has referred a patient to: a sender may still read those after they
 * leave the directory (to call about the referral). Loaded once per request, and only when asked.
 */
const referredCache = new WeakMap<Context, Promise<{ clinics: Set<string>; locations: Set<string> }>>();
function referredTo(ctx: Context) {
  let cached = referredCache.get(ctx);
  if (!cached) {
    const viewer = ctx.viewer;
    cached = viewer?.provider
      ? ctx.db
          .selectDistinct({ clinicId: referrals.clinicId, locationId: referrals.locationId })
          .from(referrals)
          .where(eq(referrals.senderId, viewer.userId))
          .then((rows) => ({
            clinics: new Set(rows.map((r) => r.clinicId)),
            locations: new Set(rows.map((r) => r.locationId)),
          }))
      : Promise.resolve({ clinics: new Set<string>(), locations: new Set<string>() });
    referredCache.set(ctx, cached);
  }
  return cached;
}

/*
 * Authorization on the types themselves: each runs on every object of its type, by whatever path it was
 * reached (clinic → members → user → memberships → clinic …), so no nested field can hand out a row that
 * its entry point would not. The lists leading to these types also filter by the same rules, so what a
 * viewer may not see is simply absent; these checks are the guarantee behind those filters.
 */

/** A clinic: published for everyone; otherwise its members, platform admins, and whoever referred to it. */
export function mayViewClinic(ctx: Context, clinic: { id: string; published: boolean }) {
  if (clinic.published || ctx.viewer?.isPlatformAdmin || ctx.viewer?.memberships.has(clinic.id)) return true;
  return referredTo(ctx).then((r) => r.clinics.has(clinic.id));
}

/** A location: listed for everyone; otherwise its clinic's members, platform admins, and referrers to it. */
export function mayViewLocation(ctx: Context, location: { id: string; clinicId: string; listed: boolean }) {
  if (location.listed || ctx.viewer?.isPlatformAdmin || ctx.viewer?.memberships.has(location.clinicId))
    return true;
  return referredTo(ctx).then((r) => r.locations.has(location.id));
}

/** A membership: the member themself, and the members of the same clinic; nobody else, not even a platform admin. */
export function mayViewMembership(ctx: Context, membership: { clinicId: string; userId: string }) {
  const viewer = ctx.viewer;
  return !!viewer && (viewer.userId === membership.userId || viewer.memberships.has(membership.clinicId));
}

/** An account: its owner, the people they work with at a clinic, and platform admins (who verify them). */
export function mayViewUser(ctx: Context, user: { id: string; memberships: { clinicId: string }[] }) {
  const viewer = ctx.viewer;
  if (!viewer) return false;
  if (viewer.userId === user.id || viewer.isPlatformAdmin) return true;
  return user.memberships.some((m) => viewer.memberships.has(m.clinicId));
}

/** A relational-query filter on memberships: the viewer's own, and those at clinics the viewer works for. */
export function visibleMemberships(ctx: Context) {
  const viewer = ctx.viewer;
  if (!viewer) return { userId: { isNull: true as const } };
  const ids = memberClinicIds(ctx);
  return ids.length === 0
    ? { userId: viewer.userId }
    : { OR: [{ userId: viewer.userId }, { clinicId: { in: ids } }] };
}
