import type { FieldChange } from '@kapmap/db/schema';
import { builder } from '../../graphql/builder.js';
import { capped, REFERENCE_CAP } from '../../graphql/limits.js';
import { Clinic } from '../directory/clinic.js';

const FieldChangeRef = builder.objectRef<FieldChange>('FieldChange').implement({
  description: 'One field’s value before and after a change, each as JSON (null when absent).',
  fields: (t) => ({
    field: t.exposeString('field'),
    oldValue: t.string({ nullable: true, resolve: (c) => (c.old === null ? null : JSON.stringify(c.old)) }),
    newValue: t.string({ nullable: true, resolve: (c) => (c.new === null ? null : JSON.stringify(c.new)) }),
  }),
});

export const ListingChange = builder.drizzleObject('listingChanges', {
  name: 'ListingChange',
  description:
    'A recorded change to a listing: who, when, what, and the fields with their old and new values.',
  fields: (t) => ({
    id: t.exposeID('id'),
    action: t.exposeString('action', {
      description:
        'clinic.create, clinic.update, clinic.confirm, clinic.verify, clinic.reject, clinic.unpublish, location.create, location.update, location.delete, location.close, location.reopen.',
    }),
    at: t.expose('at', { type: 'DateTime' }),
    locationId: t.globalID({
      nullable: true,
      description: 'The Location’s ID, as in `Clinic.locations`; null for changes to the clinic itself.',
      resolve: (c) => (c.locationId ? { type: 'Location', id: c.locationId } : null),
    }),
    actorName: t.string({
      nullable: true,
      description: 'Who made it; null when their account was deleted.',
      select: { with: { actor: { columns: { displayName: true } } } },
      resolve: (c) => c.actor?.displayName ?? null,
    }),
    changes: t.field({
      type: [FieldChangeRef],
      ...capped(REFERENCE_CAP),
      resolve: (c) => c.changes.slice(0, REFERENCE_CAP),
    }),
  }),
});

builder.drizzleObjectFields(Clinic, (t) => ({
  changes: t.relation('changes', {
    type: ListingChange,
    nullable: true,
    description: 'The listing’s history, newest first. Clinic admins only.',
    args: { first: t.arg.int({ defaultValue: 50, description: 'At most 200.' }) },
    authScopes: (c) => ({ clinicAdmin: c.id }),
    unauthorizedResolver: () => null,
    query: (args) => ({
      orderBy: { at: 'desc', id: 'desc' },
      limit: Math.min(Math.max(args.first ?? 50, 1), 200),
    }),
  }),
}));
