import { clinics, providerProfiles, users } from '@kapmap/db/schema';
import { reasonField } from '@kapmap/validation';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { builder } from '../../graphql/builder.js';
import { notFound } from '../../graphql/errors.js';
import { found, viewerOf } from '../../graphql/guards.js';
import { capped, QUEUE_CAP } from '../../graphql/limits.js';
import { isUuid } from '../../graphql/visibility.js';
import { enqueueEmail } from '../accounts/outbox.js';
import { ProviderProfile } from '../accounts/schema.js';
import { Clinic, parseId } from '../directory/clinic.js';
import { diff, type ListingAction, recordChange } from './audit.js';
import { ListingReport } from './reports.js';

const platformOnly = { platformAdmin: true } as const;

/** The reason a clinic is told when it is rejected or unpublished. */
const reasonArgs = z.looseObject({ reason: reasonField });

builder.queryFields((t) => ({
  clinicsAwaitingVerification: t.drizzleField({
    type: [Clinic],
    ...capped(QUEUE_CAP),
    authScopes: platformOnly,
    description: 'Clinics waiting for a platform admin, oldest first. Platform admins only.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.query.clinics.findMany(
        query({ where: { verification: 'pending' }, orderBy: { createdAt: 'asc' }, limit: QUEUE_CAP }),
      ),
  }),
  providersAwaitingVerification: t.drizzleField({
    type: [ProviderProfile],
    ...capped(QUEUE_CAP),
    authScopes: platformOnly,
    description: 'Referring providers whose NPI nobody has checked yet, oldest first. Platform admins only.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.query.providerProfiles.findMany(
        query({
          where: { verifiedAt: { isNull: true }, rejectedAt: { isNull: true } },
          orderBy: { createdAt: 'asc' },
          limit: QUEUE_CAP,
        }),
      ),
  }),
  openListingReports: t.drizzleField({
    type: [ListingReport],
    ...capped(QUEUE_CAP),
    authScopes: platformOnly,
    description: 'Every open report of a wrong listing, oldest first. Platform admins only.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.query.listingReports.findMany(
        query({ where: { resolvedAt: { isNull: true } }, orderBy: { createdAt: 'asc' }, limit: QUEUE_CAP }),
      ),
  }),
}));

builder.drizzleObjectFields(ProviderProfile, (t) => ({
  userId: t.exposeID('userId', { description: 'The account; what verifyProvider takes.' }),
  registeredAt: t.expose('createdAt', {
    type: 'DateTime',
    description: 'When the provider registered: the verification queue is oldest first.',
  }),
  rejectionReason: t.exposeString('rejectionReason', {
    nullable: true,
    description:
      'Why a platform admin could not verify the registration, until the provider registers again.',
  }),
}));

/** The clinic's members and platform admins: who may read what verification checks. */
const membersAndPlatform = (c: { id: string }) => ({ platformAdmin: true, clinicMember: c.id });

builder.drizzleObjectFields(Clinic, (t) => ({
  licenseNumber: t.exposeString('licenseNumber', { nullable: true, authScopes: membersAndPlatform }),
  licenseState: t.exposeString('licenseState', { nullable: true, authScopes: membersAndPlatform }),
  medicalDirector: t.exposeString('medicalDirector', { nullable: true, authScopes: membersAndPlatform }),
  organizationNpi: t.exposeString('organizationNpi', {
    nullable: true,
    authScopes: membersAndPlatform,
    description:
      'The organization’s NPI. This and the three fields above: its members and platform admins only.',
  }),
  submittedAt: t.expose('createdAt', {
    type: 'DateTime',
    authScopes: platformOnly,
    description: 'When the clinic was added: the verification queue is oldest first. Platform admins only.',
  }),
  submittedBy: t.string({
    nullable: true,
    authScopes: platformOnly,
    description: 'Who added the clinic (its first admin), as "Name <email>". Platform admins only.',
    select: {
      with: {
        members: {
          where: { role: 'admin' },
          orderBy: { createdAt: 'asc' },
          limit: 1,
          with: { user: { columns: { displayName: true, email: true } } },
        },
      },
    },
    resolve: (c) => {
      const first = c.members[0]?.user;
      return first ? `${first.displayName} <${first.email}>` : null;
    },
  }),
}));

/** Verifies or declines a provider's registration and emails them, in one transaction. */
async function setProviderStanding(
  ctx: Context,
  userId: string,
  change: {
    set: Partial<typeof providerProfiles.$inferInsert>;
    email: () => { subject: string; body: string };
  },
): Promise<string> {
  if (!isUuid(userId)) throw notFound('provider');
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(providerProfiles)
      .set({ ...change.set, updatedAt: new Date() })
      .where(eq(providerProfiles.userId, userId))
      .returning({ userId: providerProfiles.userId });
    if (!row) throw notFound('provider');
    const [account] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
    if (account) await enqueueEmail(tx, { to: account.email, ...change.email() });
  });
  return userId;
}

/** Changes a clinic's standing, records it, and tells its admins by email. */
async function setStanding(
  ctx: Context,
  rawId: string,
  action: ListingAction,
  set: { verification?: 'verified' | 'rejected'; published: boolean; rejectionReason: string | null },
  email: (name: string) => { subject: string; body: string },
) {
  const id = parseId(rawId, 'Clinic');
  if (!id) throw notFound('clinic');
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(clinics).where(eq(clinics.id, id)).for('update');
    if (!before) throw notFound('clinic');
    await tx
      .update(clinics)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(clinics.id, id));
    await recordChange(tx, {
      clinicId: id,
      actorId: viewerOf(ctx).userId,
      action,
      changes: diff(before, set),
    });
    const admins = await tx.query.clinicMembers.findMany({
      where: { clinicId: id, role: 'admin' },
      with: { user: { columns: { email: true } } },
    });
    const message = email(before.name);
    for (const a of admins) await enqueueEmail(tx, { to: a.user.email, ...message });
  });
  return id;
}

builder.mutationFields((t) => ({
  verifyClinic: t.drizzleField({
    type: Clinic,
    authScopes: platformOnly,
    description: 'Verifies a clinic and publishes its listing. Platform admins only.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const id = await setStanding(
        ctx,
        String(args.id),
        'clinic.verify',
        { verification: 'verified', published: true, rejectionReason: null },
        (name) => ({
          subject: `${name} is verified and listed on kapmap`,
          body: `${name} is verified. Its listing is now public on kapmap: ${ctx.publicUrl}/clinics/${String(args.id)}`,
        }),
      );
      return ctx.db.query.clinics.findFirst(query({ where: { id } })).then(found);
    },
  }),
  rejectClinic: t.drizzleField({
    type: Clinic,
    authScopes: platformOnly,
    description:
      'Rejects a clinic, with a reason its admins see. It stays unpublished. Platform admins only.',
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    validate: reasonArgs,
    resolve: async (query, _root, args, ctx) => {
      const reason = args.reason.trim();
      const id = await setStanding(
        ctx,
        String(args.id),
        'clinic.reject',
        { verification: 'rejected', published: false, rejectionReason: reason },
        (name) => ({
          subject: `${name} could not be verified on kapmap`,
          body: `kapmap could not verify ${name}:\n\n${reason}\n\nFix the listing in the clinic portal and it will be reviewed again.`,
        }),
      );
      return ctx.db.query.clinics.findFirst(query({ where: { id } })).then(found);
    },
  }),
  unpublishClinic: t.drizzleField({
    type: Clinic,
    authScopes: platformOnly,
    description: 'Takes a listing out of public view, with a reason its admins see. Platform admins only.',
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    validate: reasonArgs,
    resolve: async (query, _root, args, ctx) => {
      const reason = args.reason.trim();
      const id = await setStanding(
        ctx,
        String(args.id),
        'clinic.unpublish',
        { published: false, rejectionReason: reason },
        (name) => ({
          subject: `${name} is no longer public on kapmap`,
          body: `A kapmap admin took the listing of ${name} out of public view:\n\n${reason}`,
        }),
      );
      return ctx.db.query.clinics.findFirst(query({ where: { id } })).then(found);
    },
  }),
  verifyProvider: t.drizzleField({
    type: ProviderProfile,
    authScopes: platformOnly,
    description:
      'Records that a referring provider’s NPI was checked, and emails them that they may send referrals. ' +
      'Platform admins only.',
    args: { userId: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const userId = await setProviderStanding(ctx, String(args.userId), {
        set: {
          verifiedAt: new Date(),
          verifiedBy: viewerOf(ctx).userId,
          rejectionReason: null,
          rejectedAt: null,
        },
        email: () => ({
          subject: 'You can now send referrals on kapmap',
          body:
            'A kapmap admin has verified your NPI. "Refer a patient" now appears on every clinic location:\n\n' +
            `${ctx.publicUrl}/`,
        }),
      });
      return ctx.db.query.providerProfiles.findFirst(query({ where: { userId } })).then(found);
    },
  }),
  rejectProvider: t.drizzleField({
    type: ProviderProfile,
    authScopes: platformOnly,
    description:
      'Declines a referring provider’s registration with a reason they see and are emailed; they may correct ' +
      'it and register again. Platform admins only.',
    args: { userId: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    validate: reasonArgs,
    resolve: async (query, _root, args, ctx) => {
      const reason = args.reason.trim();
      const userId = await setProviderStanding(ctx, String(args.userId), {
        set: { verifiedAt: null, verifiedBy: null, rejectionReason: reason, rejectedAt: new Date() },
        email: () => ({
          subject: 'kapmap could not verify your registration',
          body:
            `kapmap could not verify your registration as a referring provider:\n\n${reason}\n\n` +
            `Correct it and register again: ${ctx.publicUrl}/referrals/register`,
        }),
      });
      return ctx.db.query.providerProfiles.findFirst(query({ where: { userId } })).then(found);
    },
  }),
}));
