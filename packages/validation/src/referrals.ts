import { z } from 'zod';
import { optionalEmailField, optionalText, phoneField } from './listings.js';

/** Input rules for referrals: the form checks them as the provider types, and the API enforces them. */

export const URGENCIES = ['ROUTINE', 'SOON', 'URGENT'] as const;
export const SCREENING_ANSWERS = ['YES', 'NO', 'UNKNOWN'] as const;
export const DECLINE_REASONS = [
  'NOT_A_CANDIDATE',
  'NOT_ACCEPTING_NEW_PATIENTS',
  'INSURANCE_NOT_ACCEPTED',
  'OUTSIDE_SERVICE_AREA',
  'UNABLE_TO_CONTACT',
  'OTHER',
] as const;

/** The safety questions KAP clinics ask before a first dose, in the order a form asks them. */
export const SCREENING_QUESTIONS = {
  uncontrolledHypertension: 'Uncontrolled high blood pressure',
  psychosisOrMania: 'History of psychosis or mania',
  pregnancy: 'Pregnant or could be pregnant',
  substanceUseDisorder: 'Active substance use disorder',
  priorKetamine: 'Has had ketamine treatment before',
} as const;
export type ScreeningQuestion = keyof typeof SCREENING_QUESTIONS;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date of birth as YYYY-MM-DD: a real calendar day, in the past, less than 125 years ago. */
export const dateOfBirthField = z
  .string()
  .trim()
  .refine((v) => {
    if (!ISO_DATE.test(v)) return false;
    const date = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(v);
  }, 'Enter the date of birth as a date, such as 1984-03-09.')
  .refine((v) => new Date(`${v}T00:00:00Z`).getTime() < Date.now(), 'The date of birth is in the future.')
  .refine(
    (v) => new Date(`${v}T00:00:00Z`).getUTCFullYear() > new Date().getUTCFullYear() - 125,
    'Check the year of birth: that is more than 125 years ago.',
  );

const answer = z.enum(SCREENING_ANSWERS, { message: 'Answer yes, no or unknown.' });

export const ScreeningSchema = z.object({
  uncontrolledHypertension: answer,
  psychosisOrMania: answer,
  pregnancy: answer,
  substanceUseDisorder: answer,
  priorKetamine: answer,
});

/**
 * Everything about the patient a referral carries, all of it protected health information: who they are,
 * how to reach them, why they are referred, the clinical note, medications and the safety screening.
 */
export const ReferralPatientSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(2, 'Enter the patient’s full name.')
      .max(200, 'The name has at most 200 characters.'),
    dateOfBirth: dateOfBirthField,
    phone: phoneField,
    email: optionalEmailField,
    homePostalCode: z
      .string()
      .trim()
      .regex(/^\d{5}$/, 'Enter the five-digit ZIP code where the patient lives.'),
    reason: z
      .string()
      .trim()
      .min(3, 'Say in a few words why you are referring the patient.')
      .max(500, 'The reason has at most 500 characters.'),
    clinicalNote: optionalText('The clinical note', 4000),
    medications: optionalText('The medication list', 2000),
    screening: ScreeningSchema,
  })
  .superRefine((p, ctx) => {
    if (!p.phone && !p.email)
      ctx.addIssue({
        code: 'custom',
        path: ['phone'],
        message: 'Give a phone number or an email address, so the clinic can reach the patient.',
      });
  });

export type ReferralPatient = z.output<typeof ReferralPatientSchema>;

/** What a referral asks for, beside the patient: none of it names the patient. */
export const ReferralRequestSchema = z.object({
  patient: ReferralPatientSchema,
  conditions: z
    .array(z.string().trim().min(1))
    .min(1, 'Choose at least one condition the referral is for.')
    .max(20, 'Choose at most 20 conditions.'),
  route: z.string().trim().min(1).nullish(),
  /** A payer code; absent or null when the patient will pay for themselves. */
  insurance: z.string().trim().min(1).nullish(),
  urgency: z.enum(URGENCIES, { message: 'Choose how soon the patient should be seen.' }),
});

export const idempotencyKeyField = z
  .string()
  .trim()
  .regex(
    /^[\w-]{16,100}$/,
    'The idempotency key must be 16 to 100 letters, digits, - or _ (a UUID will do).',
  );

export const referralMessageField = z
  .string()
  .trim()
  .min(1, 'Write a message first.')
  .max(2000, 'A message has at most 2,000 characters.');

export const closingNoteField = optionalText('The note', 1000);
