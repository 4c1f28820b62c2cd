import { decodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../graphql/builder.js';
import { isUuid, visibleClinics } from '../../graphql/visibility.js';

export const Clinic = builder.drizzleNode('clinics', {
  name: 'Clinic',
  // Load only the columns a query asks for.
  select: {},
  description:
    'An organisation that offers ketamine-assisted psychotherapy (FHIR Organization, HSDS organization).',
  id: { column: (c) => c.id },
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    website: t.exposeString('website', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    verified: t.boolean({
      description: 'Whether kapmap has verified that the clinic exists and is licensed.',
      select: { columns: { verification: true } },
      resolve: (c) => c.verification === 'verified',
    }),
    isSample: t.exposeBoolean('isSample', {
      description: 'True for fictional demo data: show a "sample data" badge.',
    }),
    lastConfirmedAt: t.expose('lastConfirmedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the clinic last confirmed that its listing is true.',
    }),
    locations: t.relation('locations', {
      description: 'Its sites: street locations first, then telehealth programmes, each by name.',
      query: { orderBy: { kind: 'asc', name: 'asc', id: 'asc' } },
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
