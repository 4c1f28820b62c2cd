import { type SQL, sql } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Names follow FHIR and Open Referral HSDS where that costs nothing: a clinic is an HSDS organization
 * (FHIR Organization), a location an HSDS location / FHIR Location, and what a location offers is
 * HSDS service_at_location (FHIR HealthcareService).
 */

export const clinicVerification = pgEnum('clinic_verification', ['pending', 'verified', 'rejected']);
export const locationKind = pgEnum('location_kind', ['physical', 'telehealth']);

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export const clinics = pgTable('clinics', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  description: text('description'),
  website: text('website'),
  phone: text('phone'),
  email: text('email'),
  verification: clinicVerification('verification').notNull().default('pending'),
  /** Only published clinics, and their locations, are visible to the public. */
  published: boolean('published').notNull().default(false),
  /** Fictional rows from the demo seed or the generator: shown with a "sample data" badge. */
  isSample: boolean('is_sample').notNull().default(false),
  lastConfirmedAt: timestamp('last_confirmed_at', { withTimezone: true }),
  ...timestamps,
});

/** earthdistance's `earth` (a cube): a point as x, y, z on its sphere. Read only by SQL, never by the app. */
const earth = customType<{ data: string; driverData: string }>({ dataType: () => 'earth' });

/** Opening hours per weekday (0 = Sunday), in the location's local time, as `HH:MM` strings. */
export type OpeningHours = { day: number; opens: string; closes: string }[];

export const locations = pgTable(
  'locations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clinicId: uuid('clinic_id')
      .notNull()
      .references(() => clinics.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: locationKind('kind').notNull().default('physical'),
    addressLine1: text('address_line1'),
    addressLine2: text('address_line2'),
    city: text('city'),
    state: text('state'),
    postalCode: text('postal_code'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    /** The point on earthdistance's sphere, stored so that search and counting do not recompute it per row. */
    earth: earth('earth').generatedAlwaysAs((): SQL => sql`ll_to_earth(lat, lng)`),
    /**
     * Whether the public may see this location: its clinic is published. Kept by triggers (migration
     * `listed`), so the search filters on a column of the row instead of probing clinics row by row.
     */
    listed: boolean('listed').notNull().default(false),
    /** Telehealth and at-home programmes: the USPS codes of the states they serve. */
    servesStates: text('serves_states').array().notNull().default(sql`'{}'::text[]`),
    phone: text('phone'),
    email: text('email'),
    hours: jsonb('hours').$type<OpeningHours>().notNull().default([]),
    acceptingNewPatients: boolean('accepting_new_patients').notNull().default(true),
    typicalWaitDays: smallint('typical_wait_days'),
    languages: text('languages').array().notNull().default(sql`'{en}'::text[]`),
    minAge: smallint('min_age'),
    maxAge: smallint('max_age'),
    ...timestamps,
  },
  (t) => [
    index('locations_clinic_id_idx').on(t.clinicId),
    // The nearby search: nearest-neighbour ordering and radius filter both come from this index.
    index('locations_earth_idx').using('gist', t.earth),
    index('locations_serves_states_idx').using('gin', t.servesStates),
    check(
      'locations_kind_shape',
      sql`(${t.kind} = 'physical' AND ${t.lat} IS NOT NULL AND ${t.lng} IS NOT NULL)
        OR (${t.kind} = 'telehealth' AND ${t.lat} IS NULL AND ${t.lng} IS NULL AND cardinality(${t.servesStates}) > 0)`,
    ),
    check('locations_lat_range', sql`${t.lat} BETWEEN -90 AND 90`),
    check('locations_lng_range', sql`${t.lng} BETWEEN -180 AND 180`),
    check('locations_wait_nonnegative', sql`${t.typicalWaitDays} >= 0`),
  ],
);

/** Routes of administration, reference data keyed by a stable code. */
export const routes = pgTable('routes', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  sortOrder: smallint('sort_order').notNull(),
});

export const conditions = pgTable('conditions', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  icd10: text('icd10').notNull(),
  sortOrder: smallint('sort_order').notNull(),
});

/** Services around the dose: screening, psychotherapy during the session, integration, monitoring. */
export const services = pgTable('services', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  sortOrder: smallint('sort_order').notNull(),
});

export const insurancePayers = pgTable('insurance_payers', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  sortOrder: smallint('sort_order').notNull(),
});

export const locationRoutes = pgTable(
  'location_routes',
  {
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id, { onDelete: 'cascade' }),
    routeCode: text('route_code')
      .notNull()
      .references(() => routes.code),
    /** Self-pay price per session, in US cents. */
    priceCents: integer('price_cents'),
    sessionMinutes: smallint('session_minutes'),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.routeCode] }),
    index('location_routes_route_idx').on(t.routeCode, t.locationId),
    check('location_routes_price_nonnegative', sql`${t.priceCents} >= 0`),
    check('location_routes_minutes_positive', sql`${t.sessionMinutes} > 0`),
  ],
);

export const locationConditions = pgTable(
  'location_conditions',
  {
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id, { onDelete: 'cascade' }),
    conditionCode: text('condition_code')
      .notNull()
      .references(() => conditions.code),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.conditionCode] }),
    index('location_conditions_condition_idx').on(t.conditionCode, t.locationId),
  ],
);

export const locationServices = pgTable(
  'location_services',
  {
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id, { onDelete: 'cascade' }),
    serviceCode: text('service_code')
      .notNull()
      .references(() => services.code),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.serviceCode] }),
    index('location_services_service_idx').on(t.serviceCode, t.locationId),
  ],
);

export const locationInsurance = pgTable(
  'location_insurance',
  {
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id, { onDelete: 'cascade' }),
    payerCode: text('payer_code')
      .notNull()
      .references(() => insurancePayers.code),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.payerCode] }),
    index('location_insurance_payer_idx').on(t.payerCode, t.locationId),
  ],
);
