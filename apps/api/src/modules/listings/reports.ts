import { clinicMembers, clinics, listingReports, locations, users } from '@kapmap/db/schema';
import { ListingReportSchema, resolutionField } from '@kapmap/validation';
import { and, eq, isNull, or } from 'drizzle-orm';
import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import { coded, notFound } from '../../graphql/errors.js';
import { found, viewerOf } from '../../graphql/guards.js';
import { capped, TEAM_CAP } from '../../graphql/limits.js';
import { validated } from '../../graphql/validated.js';
import { isUuid } from '../../graphql/visibility.js';
import { enqueueEmail } from '../accounts/outbox.js';
import { throttle } from '../accounts/rate-limit.js';
import { Clinic, parseId } from '../directory/clinic.js';
import { Location } from '../directory/location.js';

export const ListingReport = builder.drizzleObject('listingReports', {
  name: 'ListingReport',
  description:
    'Somebody’s word that a listing is wrong. Open until a clinic admin or platform admin resolves it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    what: t.exposeString('what', { description: 'What is wrong, in the reporter’s words.' }),
    contact: t.exposeString('contact', {
      nullable: true,
      description: 'How to reach the reporter, if they said.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    resolution: t.exposeString('resolution', { nullable: true }),
    clinic: t.relation('clinic', { type: Clinic }),
    location: t.relation('location', { type: Location, nullable: true }),
  }),
});

builder.drizzleObjectFields(Clinic, (t) => ({
  reports: t.relation('reports', {
    type: ListingReport,
    nullable: true,
    description: 'Reports that the listing is wrong, newest first. Clinic admins and platform admins only.',
    args: { open: t.arg.boolean({ defaultValue: true, description: 'Only those not yet resolved.' }) },
    ...capped(TEAM_CAP),
    authScopes: (c) => ({ clinicAdmin: c.id, platformAdmin: true }),
    unauthorizedResolver: () => null,
    query: (args) => ({
      where: args.open ? { resolvedAt: { isNull: true } } : {},
      orderBy: { createdAt: 'desc' },
      limit: TEAM_CAP,
    }),
  }),
}));

const ReportInput = builder.inputType('ListingReportInput', {
  fields: (t) => ({
    clinicId: t.id({ required: true }),
    locationId: t.id({ description: 'The location it is about, if one.' }),
    what: t.string({ required: true, description: 'What is wrong.' }),
    contact: t.string({ description: 'An email or phone number, if you are happy to be asked about it.' }),
  }),
});

// Loose: clinicId and locationId pass through to the resolver, which checks them against the data.
const ReportSchema = z.looseObject(ListingReportSchema.shape);

builder.mutationField('reportListing', (t) =>
  t.boolean({
    description:
      'Reports that a published listing is wrong. Anyone may, signed in or not. The clinic’s admins and the ' +
      'platform admins are emailed.',
    args: { input: t.arg({ type: ReportInput, required: true }) },
    validate: z.looseObject({ input: ReportSchema }),
    resolve: async (_root, { input }, ctx) => {
      const clinicId = parseId(String(input.clinicId), 'Clinic');
      const visible = clinicId
        ? await ctx.db
            .select({ name: clinics.name })
            .from(clinics)
            .where(and(eq(clinics.id, clinicId), eq(clinics.published, true)))
        : [];
      if (!clinicId || visible.length === 0) throw notFound('clinic');
      await throttle(ctx.db, [
        ['reportPerAddress', ctx.ip],
        ['reportPerListing', clinicId],
      ]);
      let locationId: string | null = null;
      if (input.locationId != null) {
        locationId = parseId(String(input.locationId), 'Location');
        const found = locationId
          ? await ctx.db
              .select({ id: locations.id })
              .from(locations)
              .where(and(eq(locations.id, locationId), eq(locations.clinicId, clinicId)))
          : [];
        if (found.length === 0)
          throw coded('BAD_USER_INPUT', 'That location is not one of this clinic’s.', 'locationId');
      }
      const { what, contact } = validated(ReportSchema, input);
      await ctx.db.transaction(async (tx) => {
        await tx.insert(listingReports).values({
          clinicId,
          locationId,
          what,
          contact: contact || null,
          reportedBy: ctx.viewer?.userId ?? null,
        });
        const recipients = await tx
          .selectDistinct({ email: users.email })
          .from(users)
          .leftJoin(
            clinicMembers,
            and(eq(clinicMembers.userId, users.id), eq(clinicMembers.clinicId, clinicId)),
          )
          .where(or(eq(users.isPlatformAdmin, true), eq(clinicMembers.role, 'admin')));
        for (const { email } of recipients)
          await enqueueEmail(tx, {
            to: email,
            subject: `Listing reported as wrong: ${visible[0]?.name}`,
            body: `Somebody reported that the kapmap listing of ${visible[0]?.name} is wrong:\n\n${what}\n\nSee it and resolve it at ${ctx.publicUrl}/portal/clinics/${clinicId}`,
          });
      });
      return true;
    },
  }),
);

builder.mutationField('resolveListingReport', (t) =>
  t.drizzleField({
    type: ListingReport,
    authScopes: { signedIn: true },
    description: 'Closes a report, saying what was done (the clinic’s admins, or platform admins).',
    args: { id: t.arg.id({ required: true }), resolution: t.arg.string({ required: true }) },
    validate: z.looseObject({
      resolution: resolutionField,
    }),
    resolve: async (query, _root, args, ctx) => {
      const id = String(args.id);
      const viewer = viewerOf(ctx);
      const [report] = isUuid(id)
        ? await ctx.db
            .select({ clinicId: listingReports.clinicId, resolvedAt: listingReports.resolvedAt })
            .from(listingReports)
            .where(eq(listingReports.id, id))
        : [];
      const role = report ? viewer.memberships.get(report.clinicId) : undefined;
      if (!report || (!viewer.isPlatformAdmin && !role)) throw notFound('report');
      if (!viewer.isPlatformAdmin && role !== 'admin')
        throw coded('FORBIDDEN', 'Only the clinic’s admins can resolve reports.');
      await ctx.db
        .update(listingReports)
        .set({ resolvedAt: new Date(), resolvedBy: viewer.userId, resolution: args.resolution.trim() })
        .where(and(eq(listingReports.id, id), isNull(listingReports.resolvedAt)));
      return ctx.db.query.listingReports.findFirst(query({ where: { id } })).then(found);
    },
  }),
);
