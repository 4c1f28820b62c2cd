import { clinicMembers, clinics } from '@kapmap/db/schema';
import { ClinicInputSchema } from '@kapmap/validation';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import { VIEWER_DEPENDENT } from '../../graphql/cache-policy.js';
import { found, viewerOf } from '../../graphql/guards.js';
import { capped, TEAM_CAP } from '../../graphql/limits.js';
import { validated } from '../../graphql/validated.js';
import { mayViewMembership, visibleMemberships } from '../../graphql/visibility.js';
import { ClinicRoleEnum, User } from '../accounts/schema.js';
import { Clinic } from '../directory/clinic.js';
import { clinicFor } from './access.js';
import { diff, recordChange } from './audit.js';

/** A listing not confirmed for this long is shown as "not recently confirmed". */
export const FRESHNESS_DAYS = 90;
const FRESHNESS_MS = FRESHNESS_DAYS * 24 * 60 * 60_000;

export function isStale(lastConfirmedAt: Date | null, now = new Date()): boolean {
  return lastConfirmedAt === null || now.getTime() - lastConfirmedAt.getTime() > FRESHNESS_MS;
}

export const ClinicVerificationEnum = builder.enumType('ClinicVerification', {
  values: {
    PENDING: { value: 'pending', description: 'Waiting for a platform admin to check it.' },
    VERIFIED: { value: 'verified' },
    REJECTED: { value: 'rejected', description: 'See rejectionReason.' },
  } as const,
});

export const ClinicMembership = builder.drizzleObject('clinicMembers', {
  name: 'ClinicMembership',
  description: 'A user’s role at a clinic (FHIR PractitionerRole).',
  select: { columns: { clinicId: true, userId: true } },
  authScopes: (membership, ctx) => mayViewMembership(ctx, membership),
  fields: (t) => ({
    role: t.expose('role', { type: ClinicRoleEnum }),
    since: t.expose('createdAt', { type: 'DateTime' }),
    clinic: t.relation('clinic', { type: Clinic }),
    user: t.relation('user', { type: User }),
  }),
});

builder.drizzleObjectFields(User, (t) => ({
  memberships: t.relation('memberships', {
    type: ClinicMembership,
    ...capped(TEAM_CAP),
    description:
      'The clinics this user works for, and as what: all of them for the signed-in user, and for anyone else only the clinics the signed-in user works for too.',
    query: (_args, ctx) => ({
      where: visibleMemberships(ctx),
      orderBy: { createdAt: 'asc' },
      limit: TEAM_CAP,
    }),
  }),
}));

/** Fields only a clinic's own members (and, where said, platform admins) may read; null for anyone else. */
const membersOrPlatform = (clinic: { id: string }) => ({ clinicMember: clinic.id, platformAdmin: true });

builder.drizzleObjectFields(Clinic, (t) => ({
  notRecentlyConfirmed: t.boolean({
    description: `True when the clinic has not confirmed its listing for ${FRESHNESS_DAYS} days: show it as "not recently confirmed".`,
    select: { columns: { lastConfirmedAt: true } },
    resolve: (c) => isStale(c.lastConfirmedAt),
  }),
  viewerRole: t.field({
    ...VIEWER_DEPENDENT,
    type: ClinicRoleEnum,
    nullable: true,
    description: 'The signed-in user’s role at this clinic; null when they are not a member.',
    select: { columns: { id: true } },
    resolve: (c, _args, ctx) => ctx.viewer?.memberships.get(c.id) ?? null,
  }),
  verification: t.field({
    type: ClinicVerificationEnum,
    nullable: true,
    description: 'Members and platform admins only.',
    select: { columns: { id: true, verification: true } },
    authScopes: membersOrPlatform,
    unauthorizedResolver: () => null,
    resolve: (c) => c.verification,
  }),
  published: t.boolean({
    nullable: true,
    description: 'Whether the public can find it. Members and platform admins only.',
    select: { columns: { id: true, published: true } },
    authScopes: membersOrPlatform,
    unauthorizedResolver: () => null,
    resolve: (c) => c.published,
  }),
  rejectionReason: t.string({
    nullable: true,
    description: 'Why a platform admin rejected the clinic. Members and platform admins only.',
    select: { columns: { id: true, rejectionReason: true } },
    authScopes: membersOrPlatform,
    unauthorizedResolver: () => null,
    resolve: (c) => c.rejectionReason,
  }),
  members: t.relation('members', {
    type: ClinicMembership,
    nullable: true,
    description: `Its team, longest-serving first (at most ${TEAM_CAP}). Members only.`,
    ...capped(TEAM_CAP),
    authScopes: (c) => ({ clinicMember: c.id }),
    unauthorizedResolver: () => null,
    query: { orderBy: { createdAt: 'asc' }, limit: TEAM_CAP },
  }),
}));

const ClinicInput = builder.inputType('ClinicInput', {
  description: 'A clinic’s profile. Empty optional fields are stored as absent.',
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    website: t.string({ description: 'Starting with https://.' }),
    phone: t.string({ description: 'A US number with its area code.' }),
    email: t.string(),
    licenseNumber: t.string({ description: 'The state license (or registration) number of the clinic.' }),
    licenseState: t.string({ description: 'USPS code of the state that issued the license: NC.' }),
    medicalDirector: t.string({ description: 'The name of the physician who directs the clinic’s care.' }),
    organizationNpi: t.string({ description: 'The organization’s NPI (type 2), 10 digits.' }),
  }),
});

builder.mutationField('createClinic', (t) =>
  t.drizzleField({
    type: Clinic,
    authScopes: { signedIn: true },
    description:
      'Creates a clinic with the signed-in user as its admin. It stays unpublished until a platform admin verifies it.',
    args: { input: t.arg({ type: ClinicInput, required: true }) },
    validate: z.looseObject({ input: ClinicInputSchema }),
    resolve: async (query, _root, { input }, ctx) => {
      const values = validated(ClinicInputSchema, input);
      const actorId = viewerOf(ctx).userId;
      const id = await ctx.db.transaction(async (tx) => {
        const [clinic] = await tx
          .insert(clinics)
          .values({ ...values, lastConfirmedAt: new Date() })
          .returning({ id: clinics.id });
        if (!clinic) throw new Error('inserting a clinic returned no row');
        await tx.insert(clinicMembers).values({ clinicId: clinic.id, userId: actorId, role: 'admin' });
        await recordChange(tx, {
          clinicId: clinic.id,
          actorId,
          action: 'clinic.create',
          changes: diff(null, values),
        });
        return clinic.id;
      });
      // This request's viewer was read before the clinic existed: let it see what it just made.
      (viewerOf(ctx).memberships as Map<string, 'staff' | 'admin'>).set(id, 'admin');
      return ctx.db.query.clinics.findFirst(query({ where: { id } })).then(found);
    },
  }),
);

builder.mutationField('updateClinic', (t) =>
  t.drizzleField({
    type: Clinic,
    authScopes: { signedIn: true },
    description:
      'Replaces the clinic’s profile (admins). Stamps the listing as confirmed today. A rejected clinic goes back to waiting for verification.',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: ClinicInput, required: true }) },
    validate: z.looseObject({ input: ClinicInputSchema }),
    resolve: async (query, _root, args, ctx) => {
      const id = clinicFor(ctx, String(args.id), 'admin', 'edit its profile');
      const values = validated(ClinicInputSchema, args.input);
      await ctx.db.transaction(async (tx) => {
        const [before] = await tx.select().from(clinics).where(eq(clinics.id, id)).for('update');
        if (!before) throw new Error('a member’s clinic is missing');
        const changes = diff(before, values);
        await tx
          .update(clinics)
          .set({
            ...values,
            lastConfirmedAt: new Date(),
            updatedAt: new Date(),
            ...(before.verification === 'rejected' ? { verification: 'pending' as const } : {}),
          })
          .where(eq(clinics.id, id));
        await recordChange(tx, {
          clinicId: id,
          actorId: viewerOf(ctx).userId,
          action: 'clinic.update',
          changes,
        });
      });
      return ctx.db.query.clinics.findFirst(query({ where: { id } })).then(found);
    },
  }),
);

builder.mutationField('confirmListing', (t) =>
  t.drizzleField({
    type: Clinic,
    authScopes: { signedIn: true },
    description: 'Says "nothing has changed": stamps the listing as confirmed today. Any member may.',
    args: { clinicId: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const id = clinicFor(ctx, String(args.clinicId), 'member', 'confirm the listing');
      await ctx.db.transaction(async (tx) => {
        const [before] = await tx
          .select({ lastConfirmedAt: clinics.lastConfirmedAt })
          .from(clinics)
          .where(eq(clinics.id, id));
        const now = new Date();
        await tx.update(clinics).set({ lastConfirmedAt: now }).where(eq(clinics.id, id));
        await recordChange(tx, {
          clinicId: id,
          actorId: viewerOf(ctx).userId,
          action: 'clinic.confirm',
          changes: diff({ lastConfirmedAt: before?.lastConfirmedAt ?? null }, { lastConfirmedAt: now }),
        });
      });
      return ctx.db.query.clinics.findFirst(query({ where: { id } })).then(found);
    },
  }),
);
