import {
  clinics,
  locationConditions,
  locationInsurance,
  locationRoutes,
  locationServices,
  locations,
  referrals,
  services,
} from '@kapmap/db/schema';
import { haversineMeters } from '@kapmap/geo';
import { LocationInputSchema, MAX_PIN_DISTANCE_KM } from '@kapmap/validation';
import { and, count, eq, isNotNull, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { builder } from '../../graphql/builder.js';
import { REFERENCE_CACHE } from '../../graphql/cache-policy.js';
import { badUserInput, coded, notFound } from '../../graphql/errors.js';
import { found, viewerOf } from '../../graphql/guards.js';
import { validated } from '../../graphql/validated.js';
import { isUuid } from '../../graphql/visibility.js';
import { MAX_LOCATIONS_PER_CLINIC, parseId } from '../directory/clinic.js';
import { Location } from '../directory/location.js';
import { referenceCodes } from '../directory/reference-codes.js';
import { GeoPointInput } from '../directory/search-schema.js';
import { clinicFor } from './access.js';
import { diff, recordChange } from './audit.js';

type LocationValues = z.infer<typeof LocationInputSchema>;

const OpeningPeriodInput = builder.inputType('OpeningPeriodInput', {
  fields: (t) => ({
    day: t.int({ required: true, description: '0 = Sunday … 6 = Saturday.' }),
    opens: t.string({ required: true, description: 'HH:MM, 24-hour, local time.' }),
    closes: t.string({ required: true }),
  }),
});

const RouteOfferingInput = builder.inputType('RouteOfferingInput', {
  fields: (t) => ({
    route: t.string({ required: true, description: 'A route code from `routes`.' }),
    priceUsd: t.float({ description: 'Self-pay price per session, in US dollars (cents kept).' }),
    sessionMinutes: t.int(),
  }),
});

const LocationInput = builder.inputType('LocationInput', {
  description:
    'A whole location as it should be listed: saving replaces what was there. A street location needs its ' +
    'address; without coordinates it is placed at the center of its ZIP code. A telehealth program needs ' +
    'servesStates and has no address.',
  fields: (t) => ({
    name: t.string({ required: true }),
    telehealth: t.boolean({ defaultValue: false }),
    addressLine1: t.string(),
    addressLine2: t.string(),
    city: t.string(),
    state: t.string(),
    postalCode: t.string(),
    coordinates: t.field({
      type: GeoPointInput,
      description: 'The exact spot, e.g. where the pin was dragged.',
    }),
    servesStates: t.stringList(),
    phone: t.string(),
    email: t.string(),
    hours: t.field({ type: [OpeningPeriodInput] }),
    acceptingNewPatients: t.boolean({ defaultValue: true }),
    typicalWaitDays: t.int(),
    languages: t.stringList({ description: 'Language codes: en, es. Defaults to en.' }),
    minAge: t.int(),
    maxAge: t.int(),
    routes: t.field({ type: [RouteOfferingInput] }),
    conditions: t.stringList({ description: 'Condition codes from `conditions`.' }),
    services: t.stringList({ description: 'Service codes from `services`.' }),
    insurance: t.stringList({ description: 'Payer codes from `insurancePayers`.' }),
  }),
});

/** Reference codes and the ZIP code checked against the data; the point placed. Errors name the field. */
async function resolveLocation(ctx: Context, v: LocationValues) {
  const known = await referenceCodes(ctx);
  const serviceCodes = new Set(
    (await ctx.db.select({ code: services.code }).from(services)).map((s) => s.code),
  );
  const check = (list: string[], set: ReadonlySet<string>, field: string) => {
    const unknown = list.filter((c) => !set.has(c));
    if (unknown.length > 0)
      throw badUserInput(
        `Unknown ${field} code: ${unknown.join(', ')}. Known codes: ${[...set].join(', ')}.`,
        'input',
        `input.${field}`,
      );
  };
  check(
    v.routes.map((r) => r.route),
    known.routes,
    'routes',
  );
  check(v.conditions, known.conditions, 'conditions');
  check(v.services, serviceCodes, 'services');
  check(v.insurance, known.insurance, 'insurance');

  if (v.telehealth) return { lat: null, lng: null };
  const placed = await placeAddress(ctx, v, { locate: !v.coordinates, input: true });
  if (!v.coordinates) return placed.point;
  if (haversineMeters(placed.zip, v.coordinates) > MAX_PIN_DISTANCE_KM * 1000)
    throw badUserInput(
      `The pin is more than ${MAX_PIN_DISTANCE_KM} km from ZIP code ${v.postalCode}. Drag it onto the address, or check the ZIP code.`,
      'input',
      'input.coordinates',
    );
  return v.coordinates;
}

interface StreetAddress {
  addressLine1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
}

/**
 * Where an address goes on the map before anyone drags its pin: where the Mapbox geocoder finds the street
 * address when a token is configured (and it lies near the ZIP code), else the ZIP code's center.
 */
async function placeAddress(ctx: Context, a: StreetAddress, how: { locate: boolean; input: boolean }) {
  const zip = await ctx.geocoder.geocode(a.postalCode ?? '').catch(() => null);
  if (!zip || !/^\d{5}$/.test(a.postalCode ?? ''))
    throw how.input
      ? badUserInput(
          `kapmap does not know the ZIP code ${a.postalCode}. Check it.`,
          'input',
          'input.postalCode',
        )
      : badUserInput(`kapmap does not know the ZIP code ${a.postalCode}. Check it.`, 'postalCode');
  const street =
    how.locate && a.addressLine1 && ctx.geocoder.locateStreetAddress
      ? await ctx.geocoder.locateStreetAddress(
          `${a.addressLine1}, ${a.city ?? ''}, ${a.state ?? ''} ${a.postalCode}`,
        )
      : null;
  const exact = street && haversineMeters(zip, street) <= MAX_PIN_DISTANCE_KM * 1000 ? street : null;
  return {
    zip,
    point: exact ?? { lat: zip.lat, lng: zip.lng },
    precision: exact ? ('ADDRESS' as const) : ('POSTAL_CODE' as const),
  };
}

const PlacePrecision = builder.enumType('PlacePrecision', {
  values: {
    ADDRESS: { description: 'Where the geocoder found the street address.' },
    POSTAL_CODE: { description: 'The center of the ZIP code: drag the pin onto the address.' },
  },
});

const PlacedAddress = builder
  .objectRef<{ point: { lat: number; lng: number }; precision: 'ADDRESS' | 'POSTAL_CODE' }>('PlacedAddress')
  .implement({
    ...REFERENCE_CACHE,
    description: 'Where an address starts on the map, and how exactly.',
    fields: (t) => ({
      lat: t.float({ resolve: (p) => p.point.lat }),
      lng: t.float({ resolve: (p) => p.point.lng }),
      precision: t.field({ type: PlacePrecision, resolve: (p) => p.precision }),
    }),
  });

builder.queryField('placeAddress', (t) =>
  t.field({
    type: PlacedAddress,
    authScopes: { signedIn: true },
    description:
      'Where a street address goes on the map before its pin is dragged: found by the Mapbox geocoder when a ' +
      'token is configured, else the center of its ZIP code. Signed-in users only.',
    args: {
      addressLine1: t.arg.string(),
      city: t.arg.string(),
      state: t.arg.string(),
      postalCode: t.arg.string({ required: true }),
    },
    resolve: (_root, args, ctx) =>
      placeAddress(ctx, { ...args, postalCode: args.postalCode.trim() }, { locate: true, input: false }),
  }),
);

/** The listing as the audit compares it: one flat record per location. */
function auditable(v: LocationValues, point: { lat: number | null; lng: number | null }) {
  return {
    name: v.name,
    kind: v.telehealth ? 'telehealth' : 'physical',
    addressLine1: v.telehealth ? null : v.addressLine1,
    addressLine2: v.telehealth ? null : v.addressLine2,
    city: v.telehealth ? null : v.city,
    state: v.telehealth ? null : v.state,
    postalCode: v.telehealth ? null : v.postalCode,
    lat: point.lat,
    lng: point.lng,
    servesStates: v.telehealth ? v.servesStates : [],
    phone: v.phone,
    email: v.email,
    hours: v.hours,
    acceptingNewPatients: v.acceptingNewPatients,
    typicalWaitDays: v.typicalWaitDays,
    languages: v.languages,
    minAge: v.minAge,
    maxAge: v.maxAge,
  };
}

type Tx = Parameters<Parameters<Context['db']['transaction']>[0]>[0];

async function currentListing(tx: Tx, id: string) {
  const row = await tx.query.locations.findFirst({
    where: { id },
    with: { routeOfferings: true, conditionLinks: true, serviceLinks: true, insuranceLinks: true },
  });
  if (!row) return null;
  return {
    clinicId: row.clinicId,
    record: {
      name: row.name,
      kind: row.kind,
      addressLine1: row.addressLine1,
      addressLine2: row.addressLine2,
      city: row.city,
      state: row.state,
      postalCode: row.postalCode,
      lat: row.lat,
      lng: row.lng,
      servesStates: row.servesStates,
      phone: row.phone,
      email: row.email,
      hours: row.hours,
      acceptingNewPatients: row.acceptingNewPatients,
      typicalWaitDays: row.typicalWaitDays,
      languages: row.languages,
      minAge: row.minAge,
      maxAge: row.maxAge,
      routes: row.routeOfferings
        .map((r) => ({ route: r.routeCode, priceCents: r.priceCents, sessionMinutes: r.sessionMinutes }))
        .sort((a, b) => a.route.localeCompare(b.route)),
      conditions: row.conditionLinks.map((c) => c.conditionCode),
      services: row.serviceLinks.map((s) => s.serviceCode),
      insurance: row.insuranceLinks.map((i) => i.payerCode),
    },
  };
}

/** Writes the offerings of a location: what was there is replaced. */
async function writeOfferings(tx: Tx, locationId: string, v: LocationValues) {
  await tx.delete(locationRoutes).where(eq(locationRoutes.locationId, locationId));
  await tx.delete(locationConditions).where(eq(locationConditions.locationId, locationId));
  await tx.delete(locationServices).where(eq(locationServices.locationId, locationId));
  await tx.delete(locationInsurance).where(eq(locationInsurance.locationId, locationId));
  if (v.routes.length > 0)
    await tx.insert(locationRoutes).values(
      v.routes.map((r) => ({
        locationId,
        routeCode: r.route,
        priceCents: r.priceCents,
        sessionMinutes: r.sessionMinutes,
      })),
    );
  if (v.conditions.length > 0)
    await tx
      .insert(locationConditions)
      .values(v.conditions.map((conditionCode) => ({ locationId, conditionCode })));
  if (v.services.length > 0)
    await tx.insert(locationServices).values(v.services.map((serviceCode) => ({ locationId, serviceCode })));
  if (v.insurance.length > 0)
    await tx.insert(locationInsurance).values(v.insurance.map((payerCode) => ({ locationId, payerCode })));
}

function newRecord(v: LocationValues, point: { lat: number | null; lng: number | null }) {
  return {
    ...auditable(v, point),
    routes: [...v.routes].sort((a, b) => a.route.localeCompare(b.route)),
    conditions: v.conditions,
    services: v.services,
    insurance: v.insurance,
  };
}

/** The location's clinic, when the viewer is an admin of it; NOT_FOUND for everyone else. */
async function locationForAdmin(ctx: Context, rawId: string) {
  const id = parseId(rawId, 'Location');
  if (!id || !isUuid(id) || !ctx.viewer) throw notFound('location');
  const [row] = await ctx.db
    .select({ clinicId: locations.clinicId })
    .from(locations)
    .where(eq(locations.id, id));
  if (!row || !ctx.viewer.memberships.has(row.clinicId)) throw notFound('location');
  clinicFor(ctx, row.clinicId, 'admin', 'edit its locations');
  return { id, clinicId: row.clinicId };
}

builder.mutationField('createLocation', (t) =>
  t.drizzleField({
    type: Location,
    authScopes: { signedIn: true },
    description: 'Adds a location to a clinic (its admins). Stamps the listing as confirmed today.',
    args: { clinicId: t.arg.id({ required: true }), input: t.arg({ type: LocationInput, required: true }) },
    validate: z.looseObject({ input: LocationInputSchema }),
    resolve: async (query, _root, args, ctx) => {
      const clinicId = clinicFor(ctx, String(args.clinicId), 'admin', 'add locations');
      const v = validated(LocationInputSchema, args.input);
      const point = await resolveLocation(ctx, v);
      const id = await ctx.db.transaction(async (tx) => {
        // The clinic's row is locked first, so two concurrent adds cannot both pass the count.
        await tx.select({ id: clinics.id }).from(clinics).where(eq(clinics.id, clinicId)).for('update');
        const [held] = await tx
          .select({ n: count() })
          .from(locations)
          .where(eq(locations.clinicId, clinicId));
        if ((held?.n ?? 0) >= MAX_LOCATIONS_PER_CLINIC)
          throw coded(
            'CONFLICT',
            `A clinic can list at most ${MAX_LOCATIONS_PER_CLINIC} locations. Remove or close one first, or ask kapmap to list a larger network.`,
          );
        const [row] = await tx
          .insert(locations)
          .values({ clinicId, ...auditable(v, point), kind: v.telehealth ? 'telehealth' : 'physical' })
          .returning({ id: locations.id });
        if (!row) throw new Error('inserting a location returned no row');
        await writeOfferings(tx, row.id, v);
        await tx.update(clinics).set({ lastConfirmedAt: new Date() }).where(eq(clinics.id, clinicId));
        await recordChange(tx, {
          clinicId,
          locationId: row.id,
          actorId: viewerOf(ctx).userId,
          action: 'location.create',
          changes: diff(null, newRecord(v, point)),
        });
        return row.id;
      });
      return ctx.db.query.locations.findFirst(query({ where: { id } })).then(found);
    },
  }),
);

builder.mutationField('updateLocation', (t) =>
  t.drizzleField({
    type: Location,
    authScopes: { signedIn: true },
    description:
      'Replaces a location’s listing (its clinic’s admins). Stamps the listing as confirmed today.',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: LocationInput, required: true }) },
    validate: z.looseObject({ input: LocationInputSchema }),
    resolve: async (query, _root, args, ctx) => {
      const { id, clinicId } = await locationForAdmin(ctx, String(args.id));
      const v = validated(LocationInputSchema, args.input);
      const point = await resolveLocation(ctx, v);
      await ctx.db.transaction(async (tx) => {
        const before = await currentListing(tx, id);
        await tx
          .update(locations)
          .set({
            ...auditable(v, point),
            kind: v.telehealth ? 'telehealth' : 'physical',
            updatedAt: new Date(),
          })
          .where(eq(locations.id, id));
        await writeOfferings(tx, id, v);
        await tx.update(clinics).set({ lastConfirmedAt: new Date() }).where(eq(clinics.id, clinicId));
        await recordChange(tx, {
          clinicId,
          locationId: id,
          actorId: viewerOf(ctx).userId,
          action: 'location.update',
          changes: diff(before?.record ?? null, newRecord(v, point)),
        });
      });
      return ctx.db.query.locations.findFirst(query({ where: { id } })).then(found);
    },
  }),
);

builder.mutationField('deleteLocation', (t) =>
  t.id({
    authScopes: { signedIn: true },
    description:
      'Removes a location from its clinic (its admins); returns its ID. Its history stays in the audit.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { id, clinicId } = await locationForAdmin(ctx, String(args.id));
      const [referred] = await ctx.db
        .select({ id: referrals.id })
        .from(referrals)
        .where(eq(referrals.locationId, id))
        .limit(1);
      if (referred)
        throw coded(
          'CONFLICT',
          'Patients have been referred to this location, and their referrals must keep it. Close it instead: it leaves search and the map, and its referrals stay.',
        );
      await ctx.db.transaction(async (tx) => {
        const before = await currentListing(tx, id);
        await tx.delete(locations).where(eq(locations.id, id));
        await tx.update(clinics).set({ lastConfirmedAt: new Date() }).where(eq(clinics.id, clinicId));
        await recordChange(tx, {
          clinicId,
          locationId: id,
          actorId: viewerOf(ctx).userId,
          action: 'location.delete',
          changes: before
            ? diff(before.record, Object.fromEntries(Object.keys(before.record).map((k) => [k, null])))
            : [],
        });
      });
      return String(args.id);
    },
  }),
);

/** Closes or reopens a location, recorded in the listing's history. */
async function setClosed(ctx: Context, rawId: string, closed: boolean): Promise<string> {
  const { id, clinicId } = await locationForAdmin(ctx, rawId);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(locations)
      .set({ closedAt: closed ? new Date() : null, updatedAt: new Date() })
      .where(and(eq(locations.id, id), closed ? isNull(locations.closedAt) : isNotNull(locations.closedAt)))
      .returning({ id: locations.id });
    if (!row) return; // already as asked: nothing to record
    await recordChange(tx, {
      clinicId,
      locationId: id,
      actorId: viewerOf(ctx).userId,
      action: closed ? 'location.close' : 'location.reopen',
    });
  });
  return id;
}

builder.mutationFields((t) => ({
  closeLocation: t.drizzleField({
    type: Location,
    authScopes: { signedIn: true },
    description:
      'Closes a location (its clinic’s admins): it leaves search, the map and the public clinic page at once, ' +
      'and keeps its referrals, which both sides can still read and close. Closing a closed one changes nothing.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const id = await setClosed(ctx, String(args.id), true);
      return ctx.db.query.locations.findFirst(query({ where: { id } })).then(found);
    },
  }),
  reopenLocation: t.drizzleField({
    type: Location,
    authScopes: { signedIn: true },
    description:
      'Reopens a closed location (its clinic’s admins): listed again while its clinic is published.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const id = await setClosed(ctx, String(args.id), false);
      return ctx.db.query.locations.findFirst(query({ where: { id } })).then(found);
    },
  }),
}));
