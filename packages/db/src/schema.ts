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
  uniqueIndex,
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
  /** Why a platform admin rejected the clinic: shown to its admins. */
  rejectionReason: text('rejection_reason'),
  /** What verification checks, seen only by the clinic's members and platform admins. */
  licenseNumber: text('license_number'),
  /** USPS code of the state that issued the license. */
  licenseState: text('license_state'),
  medicalDirector: text('medical_director'),
  /** The organization's NPI (type 2), ten digits with a Luhn check digit. */
  organizationNpi: text('organization_npi'),
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
    /**
     * When the clinic closed this location: it leaves search, the map and its clinic's public page, and keeps
     * its referrals (and their history). `listed` is false from then on (the triggers see to it).
     */
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Telehealth and at-home programs: the USPS codes of the states they serve. */
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
    // The nearby search: nearest-neighbor ordering and radius filter both come from this index.
    index('locations_earth_idx').using('gist', t.earth),
    // The map's clusters: every public street location in view, read from the index alone (an index-only
    // scan) rather than from rows spread over the whole table. Its migration adds INCLUDE (lat, lng, id),
    // which drizzle cannot declare.
    index('locations_public_earth_idx')
      .using('gist', t.earth)
      .where(sql`${t.kind} = 'physical' AND ${t.listed}`),
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

/**
 * The map's grid, counted ahead: for every zoom from 0 to 13 (MAX_CLUSTER_ZOOM in @kapmap/geo/map-grid), each
 * cell of 8 × 2^zoom Web Mercator cells across the world that holds public street locations (physical and
 * listed, as locations_public_earth_idx), with how many, the sums of their latitudes and longitudes (for
 * their center), the box around them and the least id. An unfiltered map inside a search's radius reads the
 * cells on screen instead of every location in view (a few hundred rows, not 37,000 near Manhattan).
 * Kept by statement triggers on locations (migration `map_cells`): the changed rows' cells at zoom 13 are
 * counted again from locations, and each zoom below from the four cells under it. Never written by the app.
 */
export const mapCells = pgTable(
  'map_cells',
  {
    zoom: smallint('zoom').notNull(),
    x: integer('x').notNull(),
    y: integer('y').notNull(),
    count: integer('count').notNull(),
    sumLat: doublePrecision('sum_lat').notNull(),
    sumLng: doublePrecision('sum_lng').notNull(),
    south: doublePrecision('south').notNull(),
    north: doublePrecision('north').notNull(),
    west: doublePrecision('west').notNull(),
    east: doublePrecision('east').notNull(),
    firstId: uuid('first_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.zoom, t.x, t.y] })],
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

/* ------------------------------------------------------------------------------------------------------------
 * Accounts, roles and listings kept by their clinics (FHIR Practitioner / PractitionerRole where it lines up).
 * ---------------------------------------------------------------------------------------------------------- */

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stored trimmed and lower-cased: one account per address, whatever its case. */
    email: text('email').notNull(),
    /** An argon2id PHC string (parameters and salt included). */
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    /** Granted only by the `create-admin` command, never through the API. */
    isPlatformAdmin: boolean('is_platform_admin').notNull().default(false),
    ...timestamps,
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

/**
 * Signed-in sessions. The cookie carries a random token; only its SHA-256 is stored, so a leaked row
 * cannot be replayed. Idle and absolute expiry are enforced on every request.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

export const emailTokenPurpose = pgEnum('email_token_purpose', ['verify_email', 'reset_password']);

/** Single-use links sent by email: stored hashed, spent by setting `used_at`. */
export const emailTokens = pgTable(
  'email_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: emailTokenPurpose('purpose').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('email_tokens_token_hash_key').on(t.tokenHash),
    index('email_tokens_user_idx').on(t.userId),
  ],
);

/**
 * Every rate limit's counted events (sign-in attempts, emails asked for), one row each, by key: `signin:email:…`,
 * `reset:ip:…`, `report:clinic:…`. A limit is checked and its event recorded in one locked step; old rows are
 * pruned as new ones come.
 */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('rate_limit_hits_key_at_idx').on(t.key, t.at)],
);

/** Email waiting to be sent by the outbox worker; written in the same transaction as what caused it. */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    /** Emptied once sent: links in it are credentials. */
    body: text('body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    attempts: smallint('attempts').notNull().default(0),
    /** After a failure the worker waits before trying again, longer each time. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    /**
     * 0 for what a person is waiting for at the screen (confirm an address, reset a password, an invitation);
     * 1 for notifications. The worker sends lower first, so an account email never waits behind a backlog.
     */
    priority: smallint('priority').notNull().default(1),
  },
  (t) => [
    index('email_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.sentAt} IS NULL`),
    index('email_outbox_priority_due_idx').on(t.priority, t.nextAttemptAt).where(sql`${t.sentAt} IS NULL`),
  ],
);

/** A referring provider's professional details (FHIR Practitioner). */
export const providerProfiles = pgTable(
  'provider_profiles',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** National Provider Identifier: ten digits with a Luhn check digit. */
    npi: text('npi').notNull(),
    name: text('name').notNull(),
    practice: text('practice').notNull(),
    specialty: text('specialty').notNull(),
    /** USPS code of the state they practice in. */
    state: text('state').notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    verifiedBy: uuid('verified_by').references(() => users.id, { onDelete: 'set null' }),
    /** Why a platform admin could not verify the registration; the provider sees it. Cleared on re-registering. */
    rejectionReason: text('rejection_reason'),
    rejectedAt: timestamp('rejected_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [uniqueIndex('provider_profiles_npi_key').on(t.npi)],
);

export const clinicRole = pgEnum('clinic_role', ['staff', 'admin']);

/** Who works for which clinic, and as what (FHIR PractitionerRole). */
export const clinicMembers = pgTable(
  'clinic_members',
  {
    clinicId: uuid('clinic_id')
      .notNull()
      .references(() => clinics.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: clinicRole('role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.clinicId, t.userId] }), index('clinic_members_user_idx').on(t.userId)],
);

/** An emailed invitation to join a clinic: single use, expiring, stored hashed. */
export const clinicInvitations = pgTable(
  'clinic_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clinicId: uuid('clinic_id')
      .notNull()
      .references(() => clinics.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: clinicRole('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('clinic_invitations_token_hash_key').on(t.tokenHash),
    index('clinic_invitations_clinic_idx').on(t.clinicId),
  ],
);

/** "This listing is wrong", from anyone; open until a clinic admin or a platform admin resolves it. */
export const listingReports = pgTable(
  'listing_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clinicId: uuid('clinic_id')
      .notNull()
      .references(() => clinics.id, { onDelete: 'cascade' }),
    locationId: uuid('location_id').references(() => locations.id, { onDelete: 'set null' }),
    what: text('what').notNull(),
    contact: text('contact'),
    reportedBy: uuid('reported_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by').references(() => users.id, { onDelete: 'set null' }),
    resolution: text('resolution'),
  },
  (t) => [index('listing_reports_clinic_idx').on(t.clinicId, t.createdAt)],
);

/** One field's change: its value before and after. */
export type FieldChange = { field: string; old: unknown; new: unknown };

/** The audit trail of a listing: who changed what, when, from which value to which. */
export const listingChanges = pgTable(
  'listing_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clinicId: uuid('clinic_id')
      .notNull()
      .references(() => clinics.id, { onDelete: 'cascade' }),
    /** The location changed, if any; kept as a plain id so that a removed location's history stays. */
    locationId: uuid('location_id'),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /** `clinic.create`, `clinic.update`, `clinic.confirm`, `location.create`, … , `clinic.verify`. */
    action: text('action').notNull(),
    changes: jsonb('changes').$type<FieldChange[]>().notNull().default([]),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('listing_changes_clinic_idx').on(t.clinicId, t.at)],
);

/* ------------------------------------------------------------------------------------------------------------
 * Closed-loop referrals (FHIR ServiceRequest with its Task). Protected health information is never stored in
 * clear: each `*_sealed` column holds AES-256-GCM ciphertext written by the API (`k<key id>.<iv>.<tag>.<data>`,
 * base64url), bound to its row's id, so a copied ciphertext cannot be read as another referral's.
 * ---------------------------------------------------------------------------------------------------------- */

/** The loop: sent → received → accepted → scheduled → completed; or declined by the clinic; or cancelled by the sender. */
export const referralStatus = pgEnum('referral_status', [
  'sent',
  'received',
  'accepted',
  'scheduled',
  'completed',
  'declined',
  'cancelled',
]);
export const referralUrgency = pgEnum('referral_urgency', ['routine', 'soon', 'urgent']);
export const referralDeclineReason = pgEnum('referral_decline_reason', [
  'not_a_candidate',
  'not_accepting_new_patients',
  'insurance_not_accepted',
  'outside_service_area',
  'unable_to_contact',
  'other',
]);

export const referrals = pgTable(
  'referrals',
  {
    id: uuid('id').primaryKey(),
    senderId: uuid('sender_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    clinicId: uuid('clinic_id')
      .notNull()
      .references(() => clinics.id, { onDelete: 'restrict' }),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id, { onDelete: 'restrict' }),
    /** Chosen by the sender's client for each send: a retried send finds the referral its first try made. */
    idempotencyKey: text('idempotency_key').notNull(),
    status: referralStatus('status').notNull().default('sent'),
    urgency: referralUrgency('urgency').notNull(),
    conditionCodes: text('condition_codes').array().notNull().default(sql`'{}'::text[]`),
    routeCode: text('route_code').references(() => routes.code),
    /** A payer code, or null when the patient will pay for themselves. */
    payerCode: text('payer_code').references(() => insurancePayers.code),
    /** The patient's identity, contact, reason, note, medications and safety screening, sealed (JSON inside). */
    patientSealed: text('patient_sealed').notNull(),
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }),
    declineReason: referralDeclineReason('decline_reason'),
    /** The clinic's note on declining, or the sender's on cancelling: it may name the patient, so it is sealed. */
    closingNoteSealed: text('closing_note_sealed'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('referrals_sender_idempotency_key').on(t.senderId, t.idempotencyKey),
    index('referrals_sender_idx').on(t.senderId, t.updatedAt),
    index('referrals_clinic_idx').on(t.clinicId, t.status, t.updatedAt),
    index('referrals_location_idx').on(t.locationId),
    check('referrals_scheduled_has_date', sql`${t.status} <> 'scheduled' OR ${t.scheduledFor} IS NOT NULL`),
    check('referrals_declined_has_reason', sql`${t.status} <> 'declined' OR ${t.declineReason} IS NOT NULL`),
  ],
);

/** Every step of a referral's loop (FHIR Task history): who took it, when, from which status to which. */
export const referralEvents = pgTable(
  'referral_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    fromStatus: referralStatus('from_status'),
    toStatus: referralStatus('to_status').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One event per status reached: a step repeated by a racing request cannot be recorded twice.
    uniqueIndex('referral_events_referral_status_key').on(t.referralId, t.toStatus),
    index('referral_events_referral_idx').on(t.referralId, t.at),
  ],
);

/** Short notes between the sender and the clinic on one referral. The text is sealed. */
export const referralMessages = pgTable(
  'referral_messages',
  {
    id: uuid('id').primaryKey(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    bodySealed: text('body_sealed').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('referral_messages_referral_idx').on(t.referralId, t.at)],
);

/** Who read which protected fields of which referral, and when: one row per read, never updated. */
export const referralAccessLog = pgTable(
  'referral_access_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /** `patient.name`, `patient.dateOfBirth`, `messages`, `fhir`, … */
    fields: text('fields').array().notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('referral_access_log_referral_idx').on(t.referralId, t.at)],
);
