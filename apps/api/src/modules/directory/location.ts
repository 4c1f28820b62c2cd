import type { OpeningHours } from '@kapmap/db/schema';
import { builder } from '../../graphql/builder.js';
import { DIRECTORY_CACHE } from '../../graphql/cache-policy.js';
import { capped, REFERENCE_CAP } from '../../graphql/limits.js';
import { mayViewLocation, visibleLocations } from '../../graphql/visibility.js';
import { parseId } from './clinic.js';
import { Condition, InsurancePayer, Route, Service } from './reference.js';

export interface AddressShape {
  line1: string;
  line2: string | null;
  city: string;
  state: string;
  postalCode: string;
}

/** What a location's hours may hold (three periods a day, as the input rules allow). */
const MAX_OPENING_PERIODS = 21;

export const Address = builder.objectRef<AddressShape>('Address').implement({
  ...DIRECTORY_CACHE,
  description: 'A US street address (FHIR Address, HSDS physical_address).',
  fields: (t) => ({
    line1: t.exposeString('line1'),
    line2: t.exposeString('line2', { nullable: true }),
    city: t.exposeString('city'),
    state: t.exposeString('state', { description: 'USPS state code, such as NC.' }),
    postalCode: t.exposeString('postalCode', { description: 'Five-digit ZIP code.' }),
  }),
});

export const GeoPoint = builder.objectRef<{ lat: number; lng: number }>('GeoPoint').implement({
  ...DIRECTORY_CACHE,
  description: 'A point in WGS 84 degrees.',
  fields: (t) => ({ lat: t.exposeFloat('lat'), lng: t.exposeFloat('lng') }),
});

export const OpeningPeriod = builder.objectRef<OpeningHours[number]>('OpeningPeriod').implement({
  ...DIRECTORY_CACHE,
  description: 'One opening period in the location’s local time.',
  fields: (t) => ({
    day: t.exposeInt('day', { description: 'Day of the week, 0 = Sunday … 6 = Saturday.' }),
    opens: t.exposeString('opens', { description: 'HH:MM, 24-hour clock.' }),
    closes: t.exposeString('closes', { description: 'HH:MM, 24-hour clock.' }),
  }),
});

export const RouteOffering = builder.drizzleObject('locationRoutes', {
  ...DIRECTORY_CACHE,
  name: 'RouteOffering',
  // Load only the columns a query asks for, and the price always (see Location).
  select: { columns: { priceCents: true } },
  description: 'A route of administration a location offers, with its self-pay price and session length.',
  fields: (t) => ({
    route: t.relation('route', { type: Route }),
    priceUsd: t.float({
      nullable: true,
      description: 'Self-pay price per session in US dollars; null when the clinic does not publish one.',
      resolve: (o) => (o.priceCents === null ? null : o.priceCents / 100),
    }),
    sessionMinutes: t.exposeInt('sessionMinutes', {
      nullable: true,
      description: 'Typical length of a session, in minutes.',
    }),
  }),
});

export const Location = builder.drizzleNode('locations', {
  ...DIRECTORY_CACHE,
  name: 'Location',
  // Load only the columns a query asks for, and what deciding who may see it needs. A field made of columns
  // (address, coordinates) selects them itself and reads them from the row with no lookup of the selection
  // mapper's per row (patches/@pothos__plugin-drizzle@0.20.0.patch).
  select: { columns: { id: true, clinicId: true, listed: true, kind: true } },
  authScopes: (location, ctx) => mayViewLocation(ctx, location),
  description:
    'A site where a clinic offers KAP (FHIR Location, HSDS location), or a telehealth or at-home program, ' +
    'which has no address and serves whole states.',
  id: { column: (l) => l.id },
  fields: (t) => ({
    name: t.exposeString('name'),
    clinic: t.relation('clinic'),
    isTelehealth: t.boolean({
      resolve: (l) => l.kind === 'telehealth',
    }),
    address: t.field({
      type: Address,
      nullable: true,
      description: 'Null for telehealth programs.',
      select: {
        columns: { addressLine1: true, addressLine2: true, city: true, state: true, postalCode: true },
      },
      resolve: (l) =>
        l.kind === 'physical' && l.addressLine1 && l.city && l.state && l.postalCode
          ? {
              line1: l.addressLine1,
              line2: l.addressLine2,
              city: l.city,
              state: l.state,
              postalCode: l.postalCode,
            }
          : null,
    }),
    coordinates: t.field({
      type: GeoPoint,
      nullable: true,
      description: 'Null for telehealth programs.',
      select: { columns: { lat: true, lng: true } },
      resolve: (l) => (l.lat === null || l.lng === null ? null : { lat: l.lat, lng: l.lng }),
    }),
    servesStates: t.exposeStringList('servesStates', {
      description: 'Telehealth programs: USPS codes of the states served. Empty for street locations.',
    }),
    offeredRoutes: t.relation('routeOfferings', {
      type: RouteOffering,
      ...capped(REFERENCE_CAP),
      query: { orderBy: { routeCode: 'asc' }, limit: REFERENCE_CAP },
    }),
    acceptedConditions: t.relation('conditions', {
      type: Condition,
      ...capped(REFERENCE_CAP),
      query: { orderBy: { sortOrder: 'asc' }, limit: REFERENCE_CAP },
    }),
    services: t.relation('services', {
      type: Service,
      ...capped(REFERENCE_CAP),
      query: { orderBy: { sortOrder: 'asc' }, limit: REFERENCE_CAP },
    }),
    acceptedInsurance: t.relation('insurancePayers', {
      type: InsurancePayer,
      ...capped(REFERENCE_CAP),
      query: { orderBy: { sortOrder: 'asc' }, limit: REFERENCE_CAP },
    }),
    acceptingNewPatients: t.exposeBoolean('acceptingNewPatients'),
    closedAt: t.expose('closedAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When its clinic closed it: only its clinic and the parties to its referrals still see it.',
    }),
    typicalWaitDays: t.exposeInt('typicalWaitDays', {
      nullable: true,
      description: 'Typical wait for a first appointment, in days.',
    }),
    phone: t.exposeString('phone', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    hours: t.field({
      type: [OpeningPeriod],
      ...capped(MAX_OPENING_PERIODS),
      select: { columns: { hours: true } },
      resolve: (l) => l.hours.slice(0, MAX_OPENING_PERIODS),
    }),
    languages: t.exposeStringList('languages', { description: 'BCP 47 language codes spoken: en, es, ...' }),
    minAge: t.exposeInt('minAge', { nullable: true, description: 'Youngest age served, in years.' }),
    maxAge: t.exposeInt('maxAge', {
      nullable: true,
      description: 'Oldest age served, in years; null for no limit.',
    }),
  }),
});

builder.queryField('location', (t) =>
  t.drizzleField({
    type: Location,
    nullable: true,
    description:
      'A location by ID: of a published clinic for everybody, of an unpublished one for its members and ' +
      'platform admins; null otherwise.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const id = parseId(String(args.id), 'Location');
      if (id === null) return null;
      const row = await ctx.db.query.locations.findFirst(query({ where: { id, ...visibleLocations(ctx) } }));
      return row ?? null;
    },
  }),
);
