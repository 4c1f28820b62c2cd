import { z } from 'zod';
import { npiField, STATE_CODES, stateField } from './accounts.js';
import { LANGUAGES } from './languages.js';

/** Input rules for listings. Each message says what to enter instead. */
export const optionalText = (what: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${what} has at most ${max} characters.`)
    .nullish()
    .transform((v) => (v ? v : null));

export const websiteField = z
  .string()
  .trim()
  .max(500, 'A web address has at most 500 characters.')
  // People type "oakcityketamine.com": it means the https:// site. A scheme that is there is kept (and
  // http:// is then refused below, with a message saying so).
  .transform((v) => (v && !/^[a-z][a-z0-9+.-]*:/i.test(v) ? `https://${v.replace(/^\/+/, '')}` : v))
  .refine((v) => {
    if (!v) return true;
    try {
      const url = new URL(v);
      // https only, as the schema says: a listing's link must not send patients to an unencrypted page.
      return url.protocol === 'https:' && url.hostname.includes('.');
    } catch {
      return false;
    }
  }, 'Enter the full address of the website, starting with https://.')
  .nullish()
  .transform((v) => (v ? v : null));

export const phoneField = z
  .string()
  .trim()
  .refine(
    (v) => !v || /^\+?1?\D*\d{3}\D*\d{3}\D*\d{4}$/.test(v),
    'Enter a US phone number with its area code: (919) 555-0100.',
  )
  .nullish()
  .transform((v) => (v ? v : null));

export const optionalEmailField = z
  .string()
  .trim()
  .max(254, 'An email address has at most 254 characters.')
  .refine(
    (v) => !v || z.string().email().safeParse(v).success,
    'Enter an email address such as intake@clinic.org.',
  )
  .nullish()
  .transform((v) => (v ? v : null));

/** An empty optional field is absent; otherwise it must pass its rule. */
const blankToNull = z
  .string()
  .trim()
  .nullish()
  .transform((v) => (v ? v : null));

export const ClinicInputSchema = z.object({
  name: z.string().trim().min(2, 'Enter the clinic’s name.').max(200, 'The name has at most 200 characters.'),
  description: optionalText('The description', 2000),
  website: websiteField,
  phone: phoneField,
  email: optionalEmailField,
  // What a platform admin checks before publishing: the license, who directs the care, the organization.
  licenseNumber: optionalText('The license number', 60),
  licenseState: blankToNull.pipe(stateField.nullable()),
  medicalDirector: optionalText('The medical director’s name', 200),
  organizationNpi: blankToNull.pipe(npiField.nullable()),
});

/** A pin dragged further than this from its ZIP code's center is more likely a slip than the address. */
export const MAX_PIN_DISTANCE_KM = 60;
export const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

export const ageField = z
  .number()
  .int()
  .min(0, 'Ages cannot be negative.')
  .max(120)
  .nullish()
  .transform((v) => v ?? null);

const codes = z
  .array(z.string().trim())
  .max(50)
  .nullish()
  .transform((v) => [...new Set(v ?? [])]);

export const LocationInputSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(2, 'Enter the location’s name, such as "Raleigh clinic".')
      .max(200, 'The name has at most 200 characters.'),
    telehealth: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
    addressLine1: optionalText('The street address', 200),
    addressLine2: optionalText('The second address line', 200),
    city: optionalText('The city', 100),
    state: z
      .string()
      .trim()
      .toUpperCase()
      .refine((s) => !s || STATE_CODES.has(s), 'Enter the two-letter code of a US state, such as NC.')
      .nullish()
      .transform((v) => v || null),
    postalCode: z
      .string()
      .trim()
      .refine((s) => !s || /^\d{5}$/.test(s), 'Enter a 5-digit ZIP code.')
      .nullish()
      .transform((v) => v || null),
    coordinates: z
      .object({
        lat: z.number().min(-90, 'lat must be from -90 to 90.').max(90, 'lat must be from -90 to 90.'),
        lng: z.number().min(-180, 'lng must be from -180 to 180.').max(180, 'lng must be from -180 to 180.'),
      })
      .nullish()
      .transform((v) => v ?? null),
    servesStates: z
      .array(
        z
          .string()
          .trim()
          .toUpperCase()
          .refine((s) => STATE_CODES.has(s), 'Use two-letter state codes, such as NC.'),
      )
      .max(60)
      .nullish()
      .transform((v) => [...new Set(v ?? [])]),
    phone: phoneField,
    email: optionalEmailField,
    hours: z
      .array(
        z
          .object({
            day: z
              .number()
              .int()
              .min(0, 'day is 0 (Sunday) to 6 (Saturday).')
              .max(6, 'day is 0 (Sunday) to 6 (Saturday).'),
            opens: z.string().regex(TIME_PATTERN, 'Times are 24-hour HH:MM, such as 09:00.'),
            closes: z.string().regex(TIME_PATTERN, 'Times are 24-hour HH:MM, such as 17:30.'),
          })
          .refine((h) => h.opens < h.closes, { message: 'A day closes after it opens.', path: ['closes'] }),
      )
      .max(21)
      .nullish()
      .transform((v) => v ?? []),
    acceptingNewPatients: z
      .boolean()
      .nullish()
      .transform((v) => v ?? true),
    typicalWaitDays: z
      .number()
      .int('The wait is a whole number of days.')
      .min(0, 'The wait cannot be negative.')
      .max(365, 'The wait is at most 365 days.')
      .nullish()
      .transform((v) => v ?? null),
    // Chosen from LANGUAGES by name. None chosen is "not stated": nothing is published that nobody entered.
    languages: z
      .array(
        z
          .string()
          .trim()
          .refine((code) => code in LANGUAGES, 'Choose languages from the list.'),
      )
      .max(30)
      .nullish()
      .transform((v) => (v ? [...new Set(v)] : [])),
    minAge: ageField,
    maxAge: ageField,
    routes: z
      .array(
        z
          .object({
            route: z.string().trim(),
            priceUsd: z
              .number()
              .min(0, 'A price cannot be negative.')
              .max(100_000, 'A price is at most $100,000.')
              .nullish()
              .transform((v) => (v == null ? null : Math.round(v * 100))),
            sessionMinutes: z
              .number()
              .int()
              .min(1, 'A session lasts at least a minute.')
              .max(1440)
              .nullish()
              .transform((v) => v ?? null),
          })
          // Stored in cents: no rounding error in sums.
          .transform(({ priceUsd, ...r }) => ({ ...r, priceCents: priceUsd })),
      )
      .max(20)
      .nullish()
      .transform((v) => v ?? []),
    conditions: codes,
    services: codes,
    insurance: codes,
  })
  .superRefine((l, ctx) => {
    if (l.telehealth) {
      if (l.servesStates.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['servesStates'],
          message: 'Choose the states this program serves.',
        });
      l.routes.forEach((r, i) => {
        if (!TELEHEALTH_ROUTES.has(r.route))
          ctx.addIssue({
            code: 'custom',
            path: ['routes', i, 'route'],
            message:
              'A telehealth program can offer only routes taken at home: lozenges, oral ketamine or an at-home program.',
          });
      });
    } else {
      for (const [field, message] of [
        ['addressLine1', 'Enter the street address.'],
        ['city', 'Enter the city.'],
        ['state', 'Enter the state.'],
        ['postalCode', 'Enter the ZIP code.'],
      ] as const)
        if (!l[field]) ctx.addIssue({ code: 'custom', path: [field], message });
    }
    if (l.minAge !== null && l.maxAge !== null && l.minAge > l.maxAge)
      ctx.addIssue({
        code: 'custom',
        path: ['maxAge'],
        message: 'The oldest age served is at least the youngest.',
      });
    const routes = l.routes.map((r) => r.route);
    if (new Set(routes).size !== routes.length)
      ctx.addIssue({ code: 'custom', path: ['routes'], message: 'List each route once.' });
  });

/**
 * The routes a telehealth or at-home program can deliver: those a patient takes at home. IV and IM need a
 * clinic's room and monitoring, and Spravato (intranasal esketamine) may be given only in a certified
 * healthcare setting under its REMS.
 */
export const TELEHEALTH_ROUTES: ReadonlySet<string> = new Set(['lozenge', 'oral', 'at_home']);

/** The reason a clinic is told when it is rejected or unpublished. */
export const reasonField = z
  .string()
  .trim()
  .min(5, 'Say why, so the clinic can fix it.')
  .max(1000, 'Keep it under 1,000 characters.');

export const ListingReportSchema = z.object({
  what: z
    .string()
    .trim()
    .min(5, 'Say what is wrong, in a few words.')
    .max(2000, 'Keep it under 2,000 characters.'),
  contact: z.string().trim().max(200, 'Keep the contact under 200 characters.').nullish(),
});

export const resolutionField = z
  .string()
  .trim()
  .min(2, 'Say what was done.')
  .max(1000, 'Keep it under 1,000 characters.');
