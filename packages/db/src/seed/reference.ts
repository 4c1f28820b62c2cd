/** Reference data: stable codes that clients and filters use. Changing a code is a breaking API change. */

export const ROUTES = [
  {
    code: 'iv',
    name: 'IV infusion',
    description: 'Intravenous ketamine infusion, usually 40 to 60 minutes, in a monitored room.',
  },
  {
    code: 'im',
    name: 'Intramuscular injection',
    description: 'Ketamine injected into a muscle, with onset within minutes.',
  },
  {
    code: 'intranasal_esketamine',
    name: 'Intranasal esketamine (Spravato)',
    description:
      'FDA-approved esketamine nasal spray, given only at REMS-certified sites with two hours of observation.',
  },
  {
    code: 'lozenge',
    name: 'Sublingual or buccal lozenge (troche)',
    description: 'Ketamine held under the tongue or in the cheek until it dissolves.',
  },
  { code: 'oral', name: 'Oral', description: 'Ketamine taken by mouth, compounded as a liquid or capsule.' },
  {
    code: 'at_home',
    name: 'At-home program supervised by telehealth',
    description: 'Lozenges taken at home with a sitter present and a clinician on a video call.',
  },
] as const;

export const CONDITIONS = [
  { code: 'trd', name: 'Treatment-resistant depression', icd10: 'F33.2' },
  { code: 'mdd', name: 'Major depressive disorder', icd10: 'F32.9' },
  { code: 'bipolar_depression', name: 'Bipolar depression', icd10: 'F31.30' },
  { code: 'anxiety', name: 'Anxiety disorders', icd10: 'F41.9' },
  { code: 'ptsd', name: 'Post-traumatic stress disorder (PTSD)', icd10: 'F43.10' },
  { code: 'ocd', name: 'Obsessive-compulsive disorder (OCD)', icd10: 'F42.9' },
  { code: 'chronic_pain', name: 'Chronic pain syndromes', icd10: 'G89.4' },
  { code: 'suicidal_ideation', name: 'Suicidal ideation', icd10: 'R45.851' },
  { code: 'postpartum_depression', name: 'Postpartum depression', icd10: 'F53.0' },
  { code: 'substance_use', name: 'Substance use disorders', icd10: 'F19.20' },
] as const;

export const SERVICES = [
  {
    code: 'screening',
    name: 'Pre-treatment evaluation and screening',
    description: 'Medical and psychiatric assessment before the first dose.',
  },
  {
    code: 'psychotherapy',
    name: 'Psychotherapy during the session',
    description: 'A therapist present or guiding during the dosing session.',
  },
  {
    code: 'integration',
    name: 'Integration therapy',
    description: 'Therapy sessions after dosing to work with what came up.',
  },
  {
    code: 'monitoring',
    name: 'Vital-sign monitoring',
    description: 'Blood pressure, heart rate and oxygen monitored during and after the dose.',
  },
] as const;

export const INSURANCE_PAYERS = [
  { code: 'self_pay', name: 'Self-pay' },
  { code: 'medicare', name: 'Medicare' },
  { code: 'medicaid', name: 'Medicaid' },
  { code: 'tricare', name: 'TRICARE' },
  { code: 'va_community_care', name: 'VA Community Care' },
  { code: 'aetna', name: 'Aetna' },
  { code: 'bcbs', name: 'Blue Cross Blue Shield' },
  { code: 'cigna', name: 'Cigna' },
  { code: 'unitedhealthcare', name: 'UnitedHealthcare' },
  { code: 'humana', name: 'Humana' },
  { code: 'kaiser', name: 'Kaiser Permanente' },
  { code: 'optum', name: 'Optum Behavioral Health' },
] as const;

export type RouteCode = (typeof ROUTES)[number]['code'];
export type ConditionCode = (typeof CONDITIONS)[number]['code'];
export type ServiceCode = (typeof SERVICES)[number]['code'];
export type PayerCode = (typeof INSURANCE_PAYERS)[number]['code'];
