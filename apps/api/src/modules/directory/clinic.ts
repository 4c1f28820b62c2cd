import { decodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../graphql/builder.js';
import { DIRECTORY_CACHE } from '../../graphql/cache-policy.js';
import { capped } from '../../graphql/limits.js';
import { isUuid, mayViewClinic, visibleClinics, visibleLocations } from '../../graphql/visibility.js';

/** A clinic keeps at most this many locations: every list of them, and every query's cost, is bounded by it. */
export const MAX_LOCATIONS_PER_CLINIC = 100;

export const Clinic = builder.drizzleNode('clinics', {
  ...DIRECTORY_CACHE,
  name: 'Clinic',
  // Load only the columns a query asks for, and what deciding who may see it needs. A field made of columns
  // (lastConfirmedAt, notRecentlyConfirmed) selects them itself and reads them from the row with no lookup of
  // the selection mapper's per row (patches/@pothos__plugin-drizzle@0.20.0.patch).
  select: { columns: { id: true, published: true, verification: true } },
  authScopes: (clinic, ctx) => mayViewClinic(ctx, clinic),
  description:
    'An organization that offers ketamine-assisted psychotherapy (FHIR Organization, HSDS organization).',
  id: { column: (c) => c.id },
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    website: t.exposeString('website', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    verified: t.boolean({
      description: 'Whether kapmap has verified that the clinic exists and is licensed.',
      resolve: (c) => c.verification === 'verified',
    }),
    isSample: t.exposeBoolean('isSample', {
      description: 'True for fictional demo data: show a "sample data" badge.',
    }),
    lastConfirmedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the clinic last confirmed that its listing is true.',
      select: { columns: { lastConfirmedAt: true } },
      resolve: (c) => c.lastConfirmedAt,
    }),
    locations: t.relation('locations', {
      description: `Its sites: street locations first, then telehealth programs, each by name. A clinic has at most ${MAX_LOCATIONS_PER_CLINIC}.`,
      ...capped(MAX_LOCATIONS_PER_CLINIC),
      // Closed locations only for their clinic's members (and platform admins): the public page leaves them out.
      query: (_args, ctx) => ({
        where: visibleLocations(ctx),
        orderBy: { kind: 'asc', name: 'asc', id: 'asc' },
        limit: MAX_LOCATIONS_PER_CLINIC,
      }),
    }),
  }),
});

/** A global ID of the given type, or a bare UUID, to a row id; null for anything malformed. */
export function parseId(raw: string, typename: string): string | null {
  if (isUuid(raw)) return raw;
  try {
    const { typename: t, id } = decodeGlobalID(raw);
    return t === typename && isUuid(id) ? id : null;
  } catch {
    return null;
  }
}

builder.queryField('clinic', (t) =>
  t.drizzleField({
    type: Clinic,
    nullable: true,
    description:
      'A clinic by ID: published ones for everybody, unpublished ones for their members and platform admins; ' +
      'null otherwise, exactly as for an ID that does not exist.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      const id = parseId(String(args.id), 'Clinic');
      if (id === null) return null;
      return ctx.db.query.clinics
        .findFirst(query({ where: { id, ...visibleClinics(ctx) } }))
        .then((c) => c ?? null);
    },
  }),
);
