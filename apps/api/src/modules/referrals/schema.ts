import { conditions, type referrals } from '@kapmap/db/schema';
import {
  closingNoteField,
  DECLINE_REASONS,
  idempotencyKeyField,
  ReferralRequestSchema,
  referralMessageField,
  SCREENING_QUESTIONS,
} from '@kapmap/validation';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { builder } from '../../graphql/builder.js';
import { badUserInput, coded } from '../../graphql/errors.js';
import { found, viewerOf } from '../../graphql/guards.js';
import { capped, QUEUE_CAP, REFERENCE_CAP } from '../../graphql/limits.js';
import { validated } from '../../graphql/validated.js';
import { ProviderProfile } from '../accounts/schema.js';
import { parseId } from '../directory/clinic.js';
import { Condition, InsurancePayer, Route } from '../directory/reference.js';
import { referenceCodes } from '../directory/reference-codes.js';
import { clinicFor } from '../listings/access.js';
import { selectedFields } from './access-log.js';
import { referralBundle } from './fhir.js';
import { allowedSteps, type ReferralStatus, type ReferralStep } from './loop.js';
import {
  openClosingNote,
  openMessage,
  openPatient,
  partyReferral,
  postMessage,
  sendReferral,
  sidesOf,
  takeStep,
} from './store.js';

export const ReferralStatusEnum = builder.enumType('ReferralStatus', {
  description:
    'Where a referral stands: SENT → RECEIVED → ACCEPTED → SCHEDULED → COMPLETED; or DECLINED by the clinic, ' +
    'or CANCELLED by its sender.',
  values: {
    SENT: { value: 'sent' },
    RECEIVED: { value: 'received', description: 'Staff of the clinic have opened it.' },
    ACCEPTED: { value: 'accepted' },
    SCHEDULED: { value: 'scheduled', description: 'A first appointment is booked (see scheduledFor).' },
    COMPLETED: { value: 'completed' },
    DECLINED: { value: 'declined', description: 'The clinic will not see the patient (see declineReason).' },
    CANCELLED: { value: 'cancelled', description: 'Withdrawn by the provider who sent it.' },
  } as const,
});

const UrgencyEnum = builder.enumType('ReferralUrgency', {
  description: 'How soon the patient should be seen.',
  values: { ROUTINE: { value: 'routine' }, SOON: { value: 'soon' }, URGENT: { value: 'urgent' } } as const,
});

const ScreeningAnswerEnum = builder.enumType('ScreeningAnswer', {
  values: ['YES', 'NO', 'UNKNOWN'] as const,
});

const DeclineReasonEnum = builder.enumType('ReferralDeclineReason', {
  description: 'Why a clinic declined a referral.',
  values: Object.fromEntries(DECLINE_REASONS.map((r) => [r, { value: r.toLowerCase() }])) as Record<
    (typeof DECLINE_REASONS)[number],
    { value: string }
  >,
});

const ActionEnum = builder.enumType('ReferralAction', {
  description: 'A step of the loop: the referral page offers those in allowedActions.',
  values: {
    RECEIVE: { value: 'receive' },
    ACCEPT: { value: 'accept' },
    SCHEDULE: { value: 'schedule' },
    COMPLETE: { value: 'complete' },
    DECLINE: { value: 'decline' },
    CANCEL: { value: 'cancel' },
  } as const,
});

const SideEnum = builder.enumType('ReferralSide', {
  values: {
    SENDER: { value: 'sender', description: 'The referring provider who sent it.' },
    CLINIC: { value: 'clinic', description: 'Staff of the receiving clinic.' },
  } as const,
});

type Screening = Record<keyof typeof SCREENING_QUESTIONS, 'YES' | 'NO' | 'UNKNOWN'>;
const ScreeningRef = builder.objectRef<Screening>('ReferralScreening').implement({
  description: 'The safety questions KAP clinics ask before a first dose.',
  fields: (t) =>
    Object.fromEntries(
      Object.entries(SCREENING_QUESTIONS).map(([key, question]) => [
        key,
        t.field({
          type: ScreeningAnswerEnum,
          description: question,
          resolve: (s) => s[key as keyof Screening],
        }),
      ]),
    ) as never,
});

type PatientShape = ReturnType<typeof openPatient>;
const PatientRef = builder.objectRef<PatientShape>('ReferralPatient').implement({
  description:
    'The patient and their clinical details: protected health information, sealed at rest, readable only by ' +
    'the referral’s sender and the receiving clinic, and every read is logged.',
  fields: (t) => ({
    name: t.exposeString('name'),
    dateOfBirth: t.exposeString('dateOfBirth', { description: 'YYYY-MM-DD.' }),
    phone: t.exposeString('phone', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    homePostalCode: t.exposeString('homePostalCode'),
    reason: t.exposeString('reason', { description: 'Why the patient is referred.' }),
    clinicalNote: t.exposeString('clinicalNote', { nullable: true }),
    medications: t.exposeString('medications', { nullable: true, description: 'Current medications.' }),
    screening: t.field({ type: ScreeningRef, resolve: (p) => p.screening }),
  }),
});

/**
 * Every read of protected fields goes through here: only to a party of the referral, only in answer to a
 * POST (a GET's answer may be kept by a proxy or a browser's history), and only once its access-log row is
 * written.
 */
async function protectedRead<T>(
  ctx: Context,
  row: { id: string; senderId: string; clinicId: string },
  fields: string[],
  open: () => T,
): Promise<T> {
  if (sidesOf(ctx.viewer, row).size === 0) throw coded('NOT_FOUND', 'No referral with this ID.');
  if (ctx.httpMethod !== 'POST')
    throw coded(
      'BAD_REQUEST',
      'Patient data is sent only in answer to POST requests; send this query by POST.',
    );
  const value = open();
  await ctx.accessLog.record({ referralId: row.id, actorId: viewerOf(ctx).userId, fields });
  return value;
}

const ReferralEvent = builder.drizzleObject('referralEvents', {
  name: 'ReferralEvent',
  description: 'One step of the loop: who took it, and when (FHIR Task history).',
  fields: (t) => ({
    status: t.expose('toStatus', { type: ReferralStatusEnum, description: 'The status it reached.' }),
    fromStatus: t.expose('fromStatus', { type: ReferralStatusEnum, nullable: true }),
    at: t.expose('at', { type: 'DateTime' }),
    actorName: t.string({
      nullable: true,
      description: 'Who took it; null if their account has since been deleted.',
      select: { with: { actor: { columns: { displayName: true } } } },
      resolve: (e) => e.actor?.displayName ?? null,
    }),
  }),
});

const ReferralAccess = builder.drizzleObject('referralAccessLog', {
  name: 'ReferralAccess',
  description: 'One read of a referral’s protected fields: who, when, which fields.',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    fields: t.exposeStringList('fields'),
    actorName: t.string({
      nullable: true,
      select: { with: { actor: { columns: { displayName: true, email: true } } } },
      resolve: (e) => (e.actor ? `${e.actor.displayName} <${e.actor.email}>` : null),
    }),
  }),
});

type MessageRow = {
  id: string;
  bodySealed: string;
  at: Date;
  author: { displayName: string } | null;
  authorId: string | null;
};
const ReferralMessageRef = builder
  .objectRef<MessageRow & { body: string; side: 'sender' | 'clinic' | null }>('ReferralMessage')
  .implement({
    description: 'A short note between the sender and the clinic on one referral.',
    fields: (t) => ({
      id: t.exposeID('id'),
      body: t.exposeString('body'),
      at: t.expose('at', { type: 'DateTime' }),
      authorName: t.string({ nullable: true, resolve: (m) => m.author?.displayName ?? null }),
      side: t.field({
        type: SideEnum,
        nullable: true,
        description: 'Which side wrote it.',
        resolve: (m) => m.side,
      }),
    }),
  });

const partyColumns = { id: true, senderId: true, clinicId: true } as const;

/** Reference names for condition codes, read once per request. */
const conditionCache = new WeakMap<Context, Promise<(typeof conditions.$inferSelect)[]>>();
function allConditions(ctx: Context) {
  let hit = conditionCache.get(ctx);
  if (!hit) {
    // A drizzle query runs each time it is awaited: `.then` turns it into one promise, run once.
    hit = ctx.db
      .select()
      .from(conditions)
      .then((rows) => rows);
    conditionCache.set(ctx, hit);
  }
  return hit;
}

export const Referral = builder.drizzleNode('referrals', {
  name: 'Referral',
  select: {},
  description:
    'A referral of one patient from a referring provider to one location of a clinic (FHIR ServiceRequest, ' +
    'with its Task). Only its sender and the receiving clinic’s staff can reach it.',
  id: { column: (r) => r.id },
  fields: (t) => ({
    status: t.expose('status', { type: ReferralStatusEnum }),
    urgency: t.expose('urgency', { type: UrgencyEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was sent.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'Its last step or message.' }),
    scheduledFor: t.expose('scheduledFor', { type: 'DateTime', nullable: true }),
    declineReason: t.expose('declineReason', { type: DeclineReasonEnum, nullable: true }),
    clinic: t.relation('clinic'),
    location: t.relation('location'),
    route: t.relation('route', { type: Route, nullable: true, description: 'The preferred route, if any.' }),
    insurance: t.relation('payer', {
      type: InsurancePayer,
      nullable: true,
      description: 'The patient’s insurance; null when they will pay for themselves.',
    }),
    conditions: t.field({
      type: [Condition],
      ...capped(REFERENCE_CAP),
      select: { columns: { conditionCodes: true } },
      resolve: async (r, _args, ctx) => {
        const all = await allConditions(ctx);
        return r.conditionCodes.flatMap((code) => all.filter((c) => c.code === code));
      },
    }),
    sender: t.relation('senderProfile', {
      type: ProviderProfile,
      nullable: true,
      description: 'The referring provider.',
    }),
    senderEmail: t.string({
      description: 'How the clinic reaches the referring provider.',
      select: { with: { sender: { columns: { email: true } } } },
      resolve: (r) => r.sender.email,
    }),
    viewerSides: t.field({
      type: [SideEnum],
      description: 'Which sides of the referral the signed-in user is on.',
      select: { columns: partyColumns },
      resolve: (r, _args, ctx) => [...sidesOf(ctx.viewer, r)],
    }),
    allowedActions: t.field({
      type: [ActionEnum],
      description:
        'The steps the signed-in user may take now. COMPLETE only once the appointment time has passed.',
      select: { columns: { ...partyColumns, status: true, scheduledFor: true } },
      resolve: (r, _args, ctx) =>
        allowedSteps(sidesOf(ctx.viewer, r), r.status as ReferralStatus).filter(
          (step) =>
            step !== 'complete' || (r.scheduledFor !== null && r.scheduledFor.getTime() <= Date.now()),
        ),
    }),
    patient: t.field({
      type: PatientRef,
      description: 'Protected: every read is logged with the fields read.',
      select: { columns: { ...partyColumns, patientSealed: true } },
      resolve: (r, _args, ctx, info: GraphQLResolveInfo) =>
        protectedRead(
          ctx,
          r,
          selectedFields(info).map((f) => `patient.${f}`),
          () => openPatient(ctx.sealer, r),
        ),
    }),
    closingNote: t.string({
      nullable: true,
      description:
        'The clinic’s note on declining, or the sender’s on cancelling. Protected: reads are logged.',
      select: { columns: { ...partyColumns, closingNoteSealed: true } },
      resolve: (r, _args, ctx) =>
        r.closingNoteSealed === null
          ? null
          : protectedRead(ctx, r, ['closingNote'], () => openClosingNote(ctx.sealer, r)),
    }),
    events: t.relation('events', {
      type: ReferralEvent,
      description: `Its timeline, oldest first (the first ${QUEUE_CAP} steps).`,
      ...capped(QUEUE_CAP),
      query: { orderBy: { at: 'asc', id: 'asc' }, limit: QUEUE_CAP },
    }),
    messages: t.field({
      type: [ReferralMessageRef],
      description: `Notes between the sender and the clinic, oldest first (the first ${QUEUE_CAP}). Protected: reads are logged.`,
      ...capped(QUEUE_CAP),
      select: { columns: partyColumns },
      resolve: async (r, _args, ctx) => {
        const rows = await ctx.db.query.referralMessages.findMany({
          where: { referralId: r.id },
          orderBy: { at: 'asc', id: 'asc' },
          limit: QUEUE_CAP,
          with: { author: { columns: { displayName: true } } },
        });
        return protectedRead(ctx, r, ['messages'], () =>
          rows.map((m) => ({
            ...m,
            body: openMessage(ctx.sealer, m),
            side: m.authorId === r.senderId ? ('sender' as const) : m.authorId ? ('clinic' as const) : null,
          })),
        );
      },
    }),
    accessLog: t.relation('accessLog', {
      type: ReferralAccess,
      description: 'Who has read its protected fields, newest first.',
      ...capped(QUEUE_CAP),
      query: { orderBy: { at: 'desc', id: 'desc' }, limit: QUEUE_CAP },
    }),
    fhir: t.string({
      description:
        'The referral as a FHIR R4 Bundle (JSON): the ServiceRequest, its Task (status, businessStatus, ' +
        'statusReason) and the Patient, for an EHR. Protected: reads are logged.',
      select: {
        columns: {
          ...partyColumns,
          patientSealed: true,
          closingNoteSealed: true,
          status: true,
          urgency: true,
          createdAt: true,
          updatedAt: true,
          scheduledFor: true,
          declineReason: true,
          conditionCodes: true,
        },
        with: {
          senderProfile: true,
          clinic: { columns: { id: true, name: true } },
          location: { columns: { id: true, name: true } },
          route: true,
          payer: true,
          events: { orderBy: { at: 'asc' } },
        },
      },
      resolve: async (r, _args, ctx) => {
        const all = await allConditions(ctx);
        return protectedRead(ctx, r, ['fhir'], () =>
          JSON.stringify(
            referralBundle({
              referral: r,
              patient: openPatient(ctx.sealer, r),
              closingNote: openClosingNote(ctx.sealer, r),
              sender: r.senderProfile,
              clinic: r.clinic,
              location: r.location,
              route: r.route,
              payer: r.payer,
              conditions: all.filter((c) => r.conditionCodes.includes(c.code)),
              events: r.events,
            }),
            null,
            2,
          ),
        );
      },
    }),
  }),
});

/** What platform admins see of a referral, for support: its status, clinic and dates, never the patient. */
const ReferralSupportView = builder.drizzleObject('referrals', {
  variant: 'ReferralSupportView',
  select: {},
  description:
    'A referral as platform admins see it for support: status, clinic, location and dates. Nothing about ' +
    'the patient, and no notes or messages.',
  fields: (t) => ({
    id: t.id({
      description: 'The referral’s global ID, as the parties see it.',
      resolve: (r) => encodeGlobalID('Referral', r.id),
    }),
    status: t.expose('status', { type: ReferralStatusEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    scheduledFor: t.expose('scheduledFor', { type: 'DateTime', nullable: true }),
    clinic: t.relation('clinic'),
    location: t.relation('location'),
    events: t.relation('events', {
      type: ReferralEvent,
      ...capped(QUEUE_CAP),
      query: { orderBy: { at: 'asc', id: 'asc' }, limit: QUEUE_CAP },
    }),
    accessLog: t.relation('accessLog', {
      type: ReferralAccess,
      ...capped(QUEUE_CAP),
      query: { orderBy: { at: 'desc', id: 'desc' }, limit: QUEUE_CAP },
    }),
  }),
});

/* ---------------------------------------------------------------- queries */

builder.queryFields((t) => ({
  referral: t.drizzleField({
    type: Referral,
    nullable: true,
    authScopes: { signedIn: true },
    description:
      'A referral the signed-in user sent or whose clinic received it; null otherwise, exactly as for an ID ' +
      'that does not exist. Opening a SENT referral as the clinic’s staff marks it RECEIVED.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      let referral: Awaited<ReturnType<typeof partyReferral>>;
      try {
        referral = await partyReferral(ctx, String(args.id));
      } catch {
        return null;
      }
      if (referral.sides.has('clinic') && referral.status === 'sent')
        await takeStep(ctx, referral.id, 'receive').catch((error: unknown) => {
          // Another of the clinic's staff opened it at the same moment: it is received either way.
          if ((error as { extensions?: { code?: string } }).extensions?.code !== 'CONFLICT') throw error;
        });
      return ctx.db.query.referrals.findFirst(query({ where: { id: referral.id } })).then((r) => r ?? null);
    },
  }),
  sentReferrals: t.drizzleField({
    type: [Referral],
    ...capped(QUEUE_CAP),
    authScopes: { signedIn: true },
    description:
      'The referrals the signed-in provider has sent, most recently active first ("My referrals").',
    args: {
      status: t.arg({ type: [ReferralStatusEnum], description: 'Only these statuses; all when absent.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.referrals.findMany(
        query({
          where: {
            senderId: viewerOf(ctx).userId,
            ...(args.status?.length ? { status: { in: args.status } } : {}),
          },
          orderBy: { updatedAt: 'desc', id: 'desc' },
          limit: QUEUE_CAP,
        }),
      ),
  }),
  referralInbox: t.drizzleField({
    type: [Referral],
    ...capped(QUEUE_CAP),
    authScopes: { signedIn: true },
    description:
      'The referrals a clinic has received, most recently active first, for its staff and admins. Filter by ' +
      'status and by location.',
    args: {
      clinicId: t.arg.id({ required: true }),
      status: t.arg({ type: [ReferralStatusEnum], description: 'Only these statuses; all when absent.' }),
      locationId: t.arg.id({ description: 'Only referrals to this location of the clinic.' }),
    },
    resolve: (query, _root, args, ctx) => {
      const clinicId = clinicFor(ctx, String(args.clinicId), 'member', 'read its referrals');
      let locationId: string | null = null;
      if (args.locationId != null) {
        locationId = parseId(String(args.locationId), 'Location');
        if (!locationId) throw badUserInput('That is not a location ID.', 'locationId');
      }
      return ctx.db.query.referrals.findMany(
        query({
          where: {
            clinicId,
            ...(locationId ? { locationId } : {}),
            ...(args.status?.length ? { status: { in: args.status } } : {}),
          },
          orderBy: { updatedAt: 'desc', id: 'desc' },
          limit: QUEUE_CAP,
        }),
      );
    },
  }),
  referralForSupport: t.drizzleField({
    type: ReferralSupportView,
    nullable: true,
    authScopes: { platformAdmin: true },
    description:
      'A referral’s status, clinic and dates, for support. Platform admins only; never the patient.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      const id = parseId(String(args.id), 'Referral');
      return id ? ctx.db.query.referrals.findFirst(query({ where: { id } })).then((r) => r ?? null) : null;
    },
  }),
}));

/* ---------------------------------------------------------------- mutations */

const ScreeningInput = builder.inputType('ReferralScreeningInput', {
  fields: (t) =>
    Object.fromEntries(
      Object.entries(SCREENING_QUESTIONS).map(([key, question]) => [
        key,
        t.field({ type: ScreeningAnswerEnum, required: true, description: question }),
      ]),
    ) as never,
});

const PatientInput = builder.inputType('ReferralPatientInput', {
  description: 'The patient: sealed before it is stored.',
  fields: (t) => ({
    name: t.string({ required: true }),
    dateOfBirth: t.string({ required: true, description: 'YYYY-MM-DD.' }),
    phone: t.string({ description: 'A phone number or an email is needed, or both.' }),
    email: t.string(),
    homePostalCode: t.string({ required: true, description: 'The five-digit ZIP code where they live.' }),
    reason: t.string({ required: true, description: 'Why you are referring them.' }),
    clinicalNote: t.string(),
    medications: t.string({ description: 'Current medications.' }),
    screening: t.field({ type: ScreeningInput, required: true }),
  }),
});

const SendInput = builder.inputType('SendReferralInput', {
  fields: (t) => ({
    locationId: t.id({ required: true, description: 'The location the patient is referred to.' }),
    idempotencyKey: t.string({
      required: true,
      description:
        'A fresh random key (a UUID) for each referral the user means to send, reused on every retry of it: ' +
        'a send retried with the same key returns the referral the first one made.',
    }),
    urgency: t.field({ type: UrgencyEnum, required: true }),
    conditions: t.stringList({ required: true, description: 'Condition codes (see Query.conditions).' }),
    route: t.string({ description: 'The preferred route’s code, if any.' }),
    insurance: t.string({
      description: 'The patient’s payer code; absent when they will pay for themselves.',
    }),
    patient: t.field({ type: PatientInput, required: true }),
  }),
});

const SendSchema = ReferralRequestSchema.extend({
  urgency: z.enum(['routine', 'soon', 'urgent']),
  idempotencyKey: idempotencyKeyField,
  locationId: z.unknown(),
});

async function checkCodes(ctx: Context, v: z.output<typeof SendSchema>) {
  const codes = await referenceCodes(ctx);
  const unknown = v.conditions.find((c) => !codes.conditions.has(c));
  if (unknown) throw badUserInput(`"${unknown}" is not a condition code.`, 'input', 'input.conditions');
  if (v.route && !codes.routes.has(v.route))
    throw badUserInput(`"${v.route}" is not a route code.`, 'input', 'input.route');
  if (v.insurance && !codes.insurance.has(v.insurance))
    throw badUserInput(`"${v.insurance}" is not a payer code.`, 'input', 'input.insurance');
}

function stepField(step: ReferralStep, description: string) {
  return builder.mutationField(`${step}Referral`, (t) =>
    t.drizzleField({
      type: Referral,
      authScopes: { signedIn: true },
      description,
      args: { id: t.arg.id({ required: true }) },
      resolve: async (query, _root, args, ctx) =>
        ctx.db.query.referrals
          .findFirst(query({ where: { id: await takeStep(ctx, String(args.id), step) } }))
          .then(found),
    }),
  );
}

builder.mutationFields((t) => ({
  sendReferral: t.drizzleField({
    type: Referral,
    authScopes: { provider: true },
    description:
      'Sends a referral (verified referring providers). Sent again with the same idempotency key, it returns ' +
      'the referral the first send made. The clinic’s staff are emailed a link, with nothing about the patient.',
    args: { input: t.arg({ type: SendInput, required: true }) },
    validate: z.looseObject({ input: SendSchema }),
    resolve: async (query, _root, args, ctx) => {
      if (!viewerOf(ctx).provider?.verified)
        throw coded(
          'FORBIDDEN',
          'Your NPI has not been verified yet. You can send referrals once a kapmap admin has checked it.',
        );
      const v = validated(SendSchema, args.input);
      await checkCodes(ctx, v);
      const id = await sendReferral(ctx, {
        locationId: String(args.input.locationId),
        idempotencyKey: v.idempotencyKey,
        urgency: v.urgency,
        conditions: [...new Set(v.conditions)],
        route: v.route ?? null,
        insurance: v.insurance ?? null,
        patient: v.patient,
      });
      return ctx.db.query.referrals.findFirst(query({ where: { id } })).then(found);
    },
  }),
  scheduleReferral: t.drizzleField({
    type: Referral,
    authScopes: { signedIn: true },
    description: 'Records the first appointment of an accepted referral (the clinic’s staff).',
    args: {
      id: t.arg.id({ required: true }),
      at: t.arg({ type: 'DateTime', required: true, description: 'When the first appointment is.' }),
    },
    resolve: async (query, _root, args, ctx) => {
      const now = Date.now();
      if (args.at.getTime() < now - 86_400_000)
        throw badUserInput('Choose an appointment date from today on.', 'at');
      if (args.at.getTime() > now + 2 * 365 * 86_400_000)
        throw badUserInput('Choose an appointment date within the next two years.', 'at');
      return ctx.db.query.referrals
        .findFirst(
          query({
            where: { id: await takeStep(ctx, String(args.id), 'schedule', { scheduledFor: args.at }) },
          }),
        )
        .then(found);
    },
  }),
  declineReferral: t.drizzleField({
    type: Referral,
    authScopes: { signedIn: true },
    description: 'Declines a referral with a reason code and a note (the clinic’s staff).',
    args: {
      id: t.arg.id({ required: true }),
      reason: t.arg({ type: DeclineReasonEnum, required: true }),
      note: t.arg.string({
        description: 'Needed when the reason is OTHER. Sealed: it may name the patient.',
      }),
    },
    validate: z.looseObject({ note: closingNoteField }),
    resolve: async (query, _root, args, ctx) => {
      const note = validated(closingNoteField, args.note);
      if (args.reason === 'other' && !note)
        throw badUserInput('Say in the note why the clinic is declining.', 'note');
      return ctx.db.query.referrals
        .findFirst(
          query({
            where: {
              id: await takeStep(ctx, String(args.id), 'decline', {
                declineReason: args.reason as (typeof referrals.$inferInsert)['declineReason'],
                closingNote: note,
              }),
            },
          }),
        )
        .then(found);
    },
  }),
  cancelReferral: t.drizzleField({
    type: Referral,
    authScopes: { signedIn: true },
    description: 'Withdraws a referral before it is completed (its sender).',
    args: { id: t.arg.id({ required: true }), note: t.arg.string({ description: 'Why, if you wish.' }) },
    validate: z.looseObject({ note: closingNoteField }),
    resolve: async (query, _root, args, ctx) =>
      ctx.db.query.referrals
        .findFirst(
          query({
            where: {
              id: await takeStep(ctx, String(args.id), 'cancel', {
                closingNote: validated(closingNoteField, args.note),
              }),
            },
          }),
        )
        .then(found),
  }),
  sendReferralMessage: t.drizzleField({
    type: Referral,
    authScopes: { signedIn: true },
    description:
      'Adds a note to a referral for the other side ("please send the last PHQ-9"), who is emailed that ' +
      'there is one. Returns the referral: read its messages for the thread.',
    args: { referralId: t.arg.id({ required: true }), body: t.arg.string({ required: true }) },
    validate: z.looseObject({ body: referralMessageField }),
    resolve: async (query, _root, args, ctx) => {
      const { referralId } = await postMessage(
        ctx,
        String(args.referralId),
        validated(referralMessageField, args.body),
      );
      return ctx.db.query.referrals.findFirst(query({ where: { id: referralId } })).then(found);
    },
  }),
}));

stepField('receive', 'Marks a referral received (the clinic’s staff; opening it does this too).');
stepField('accept', 'Accepts a received referral (the clinic’s staff).');
stepField('complete', 'Marks a scheduled referral completed (the clinic’s staff).');
