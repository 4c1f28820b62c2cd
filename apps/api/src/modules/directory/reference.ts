import { LANGUAGES } from '@kapmap/validation';
import { builder } from '../../graphql/builder.js';
import { REFERENCE_CACHE } from '../../graphql/cache-policy.js';
import { capped, REFERENCE_CAP } from '../../graphql/limits.js';

export const Route = builder.drizzleObject('routes', {
  ...REFERENCE_CACHE,
  name: 'Route',
  // Load only the columns a query asks for.
  select: {},
  description:
    'A route of administration of ketamine (IV infusion, intramuscular, intranasal esketamine, ...).',
  fields: (t) => ({
    code: t.exposeString('code', {
      description: 'Stable code, used in filters: iv, im, intranasal_esketamine, ...',
    }),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
  }),
});

export const Condition = builder.drizzleObject('conditions', {
  ...REFERENCE_CACHE,
  name: 'Condition',
  // Load only the columns a query asks for.
  select: {},
  description: 'A condition a location accepts patients for.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Stable code, used in filters: trd, ptsd, ocd, ...' }),
    name: t.exposeString('name'),
    icd10: t.exposeString('icd10', { description: 'The ICD-10-CM code that best represents the condition.' }),
  }),
});

export const Service = builder.drizzleObject('services', {
  ...REFERENCE_CACHE,
  name: 'Service',
  // Load only the columns a query asks for.
  select: {},
  description:
    'A service around the dose: screening, psychotherapy during the session, integration, monitoring.',
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
  }),
});

export const InsurancePayer = builder.drizzleObject('insurancePayers', {
  ...REFERENCE_CACHE,
  name: 'InsurancePayer',
  // Load only the columns a query asks for.
  select: {},
  description: 'A payer a location accepts; `self_pay` stands for paying out of pocket.',
  fields: (t) => ({
    code: t.exposeString('code', {
      description: 'Stable code, used in filters: self_pay, medicare, aetna, ...',
    }),
    name: t.exposeString('name'),
  }),
});

builder.queryFields((t) => ({
  routes: t.drizzleField({
    type: [Route],
    ...capped(REFERENCE_CAP),
    description: 'Every route of administration, in display order.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.query.routes.findMany(query({ orderBy: { sortOrder: 'asc' }, limit: REFERENCE_CAP })),
  }),
  conditions: t.drizzleField({
    type: [Condition],
    ...capped(REFERENCE_CAP),
    description: 'Every condition, in display order.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.query.conditions.findMany(query({ orderBy: { sortOrder: 'asc' }, limit: REFERENCE_CAP })),
  }),
  services: t.drizzleField({
    type: [Service],
    ...capped(REFERENCE_CAP),
    description: 'Every service a location can list, in display order.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.query.services.findMany(query({ orderBy: { sortOrder: 'asc' }, limit: REFERENCE_CAP })),
  }),
  insurancePayers: t.drizzleField({
    type: [InsurancePayer],
    ...capped(REFERENCE_CAP),
    description: 'Every payer a location can accept, self-pay first.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.query.insurancePayers.findMany(query({ orderBy: { sortOrder: 'asc' }, limit: REFERENCE_CAP })),
  }),
}));

/** A language a location can offer care in: the names clinics choose from and patients filter by. */
const Language = builder.objectRef<{ code: string; name: string }>('Language').implement({
  ...REFERENCE_CACHE,
  description: 'A language care is offered in.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'ISO 639-1 (or 639-3 where there is none): en, es, ase.' }),
    name: t.exposeString('name', { description: 'In English: Spanish, American Sign Language.' }),
  }),
});

const LANGUAGE_LIST = Object.entries(LANGUAGES).map(([code, name]) => ({ code, name }));

builder.queryField('languages', (t) =>
  t.field({
    type: [Language],
    ...capped(REFERENCE_CAP),
    description: 'Every language a listing can name, most spoken in the US first.',
    resolve: () => LANGUAGE_LIST.slice(0, REFERENCE_CAP),
  }),
);
