import { randomUUID } from 'node:crypto';
import type { Database } from '@kapmap/db/client';
import {
  clinicMembers,
  clinics,
  locations,
  referralEvents,
  referralMessages,
  referrals,
  users,
} from '@kapmap/db/schema';
import type { ReferralPatient } from '@kapmap/validation';
import { and, desc, eq, inArray, lte } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { coded, notFound } from '../../graphql/errors.js';
import { viewerOf } from '../../graphql/guards.js';
import { enqueueEmail } from '../accounts/outbox.js';
import type { Viewer } from '../accounts/sessions.js';
import { parseId } from '../directory/clinic.js';
import { type ReferralStatus, type ReferralStep, refusal, type Side, STEPS } from './loop.js';
import { openJson, type Sealer, sealJson } from './sealing.js';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** The parts of a referral row that decide who may do what with it. */
export interface ReferralParties {
  id: string;
  senderId: string;
  clinicId: string;
  status: ReferralStatus;
  scheduledFor: Date | null;
}

/** Which sides of a referral the viewer stands on: its sender, the receiving clinic's staff, both or neither. */
export function sidesOf(viewer: Viewer | null, r: Pick<ReferralParties, 'senderId' | 'clinicId'>): Set<Side> {
  const sides = new Set<Side>();
  if (!viewer) return sides;
  if (viewer.userId === r.senderId) sides.add('sender');
  if (viewer.memberships.has(r.clinicId)) sides.add('clinic');
  return sides;
}

/**
 * A referral the viewer is a party to, by its ID. Anyone else, platform admins included, gets NOT_FOUND,
 * exactly as for an ID that does not exist.
 */
export async function partyReferral(
  ctx: Context,
  rawId: string,
  db: Pick<Database, 'select'> = ctx.db,
): Promise<ReferralParties & { sides: Set<Side> }> {
  const id = parseId(rawId, 'Referral');
  const [row] = id
    ? await db
        .select({
          id: referrals.id,
          senderId: referrals.senderId,
          clinicId: referrals.clinicId,
          status: referrals.status,
          scheduledFor: referrals.scheduledFor,
        })
        .from(referrals)
        .where(eq(referrals.id, id))
    : [];
  const sides = sidesOf(ctx.viewer, row ?? { senderId: '', clinicId: '' });
  if (!row || sides.size === 0) throw notFound('referral');
  return { ...row, sides };
}

/** Opens the patient data of a row. Fails loudly (SealError) under the wrong key or on altered data. */
export function openPatient(sealer: Sealer, row: { id: string; patientSealed: string }): ReferralPatient {
  return openJson<ReferralPatient>(sealer, row.patientSealed, `referral:${row.id}`);
}

/** The server refuses to start under a key that cannot open the newest referral. */
export async function checkSealerOpens(db: Database, sealer: Sealer): Promise<void> {
  const [row] = await db
    .select({ id: referrals.id, patientSealed: referrals.patientSealed })
    .from(referrals)
    .orderBy(desc(referrals.createdAt))
    .limit(1);
  if (row) openPatient(sealer, row);
}

/** Who to tell on the other side: the sender, or every member of the receiving clinic. */
async function otherSide(
  tx: Tx,
  referral: { senderId: string; clinicId: string },
  to: Side,
): Promise<string[]> {
  if (to === 'sender') {
    const rows = await tx.select({ email: users.email }).from(users).where(eq(users.id, referral.senderId));
    return rows.map((r) => r.email);
  }
  const rows = await tx
    .select({ email: users.email })
    .from(clinicMembers)
    .innerJoin(users, eq(users.id, clinicMembers.userId))
    .where(eq(clinicMembers.clinicId, referral.clinicId));
  return rows.map((r) => r.email);
}

/**
 * Queues an email to the other side of a referral. It carries the referral's link and the clinic's name,
 * never anything about the patient: email is not a safe place for health information.
 */
async function notify(
  ctx: Context,
  tx: Tx,
  referral: { id: string; senderId: string; clinicId: string },
  to: Side,
  subject: (clinic: string) => string,
) {
  const [clinic] = await tx
    .select({ name: clinics.name })
    .from(clinics)
    .where(eq(clinics.id, referral.clinicId));
  const link = `${ctx.publicUrl}/referrals/${referral.id}`;
  for (const email of await otherSide(tx, referral, to))
    await enqueueEmail(tx, {
      to: email,
      subject: subject(clinic?.name ?? 'a clinic'),
      body:
        `${subject(clinic?.name ?? 'a clinic')}.\n\nSign in to kapmap to see it: ${link}\n\n` +
        'For the patient’s privacy, this email holds no details about them.',
    });
}

export interface SendInput {
  locationId: string;
  idempotencyKey: string;
  urgency: 'routine' | 'soon' | 'urgent';
  conditions: string[];
  route: string | null;
  insurance: string | null;
  patient: ReferralPatient;
}

/**
 * Sends a referral, once: a retry with the same idempotency key (the same click sent twice, a timeout
 * retried) returns the referral the first try made, however many arrive at once. The referral, its first
 * event and the clinic's notifications are written in one transaction: all of them, or none.
 */
export async function sendReferral(ctx: Context, input: SendInput): Promise<string> {
  const viewer = viewerOf(ctx);
  const existing = () =>
    ctx.db
      .select({ id: referrals.id })
      .from(referrals)
      .where(and(eq(referrals.senderId, viewer.userId), eq(referrals.idempotencyKey, input.idempotencyKey)));
  // A retry finds what its first try made, even if the location has since stopped taking referrals.
  const [before] = await existing();
  if (before) return before.id;

  const locationId = parseId(input.locationId, 'Location');
  const [location] = locationId
    ? await ctx.db
        .select({ id: locations.id, clinicId: locations.clinicId })
        .from(locations)
        .where(and(eq(locations.id, locationId), eq(locations.listed, true)))
    : [];
  if (!location) throw coded('NOT_FOUND', 'No listed location with this ID.', 'locationId');
  const id = randomUUID();
  const created = await ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(referrals)
      .values({
        id,
        senderId: viewer.userId,
        clinicId: location.clinicId,
        locationId: location.id,
        idempotencyKey: input.idempotencyKey,
        urgency: input.urgency,
        conditionCodes: input.conditions,
        routeCode: input.route,
        payerCode: input.insurance,
        patientSealed: sealJson(ctx.sealer, input.patient, `referral:${id}`),
      })
      .onConflictDoNothing({ target: [referrals.senderId, referrals.idempotencyKey] })
      .returning({ id: referrals.id });
    if (inserted.length === 0) return false;
    await tx.insert(referralEvents).values({ referralId: id, actorId: viewer.userId, toStatus: 'sent' });
    await notify(
      ctx,
      tx,
      { id, senderId: viewer.userId, clinicId: location.clinicId },
      'clinic',
      URGENCY_SUBJECT[input.urgency],
    );
    return true;
  });
  if (created) return id;
  // A concurrent send with this key committed first: answer with its referral.
  const [winner] = await existing();
  if (!winner) throw new Error('a referral that conflicted on its idempotency key could not be read');
  return winner.id;
}

/** What a clinic's inbox shows first: how soon the patient should be seen, in words. */
const URGENCY_SUBJECT: Record<(typeof referrals.$inferInsert)['urgency'], (clinic: string) => string> = {
  routine: (c) => `New referral to ${c}`,
  soon: (c) => `New referral to ${c}, to be seen soon`,
  urgent: (c) => `New urgent referral to ${c}`,
};

const SUBJECT: Record<ReferralStep, (clinic: string) => string> = {
  receive: (c) => `${c} has opened your referral`,
  accept: (c) => `${c} accepted your referral`,
  schedule: (c) => `${c} scheduled your referred patient`,
  complete: (c) => `${c} completed your referral`,
  decline: (c) => `${c} declined your referral`,
  cancel: (c) => `A referral to ${c} was canceled by its sender`,
};

/**
 * Takes one step of the loop. The status is changed only if it is still one the step may start from
 * (checked in the UPDATE itself), so two racing requests cannot both take it; the event and the
 * notification go in the same transaction. Refused steps change nothing and say why.
 */
export async function takeStep(
  ctx: Context,
  rawId: string,
  step: ReferralStep,
  set: Partial<Pick<typeof referrals.$inferInsert, 'scheduledFor' | 'declineReason'>> & {
    closingNote?: string | null;
  } = {},
): Promise<string> {
  const viewer = viewerOf(ctx);
  const rule = STEPS[step];
  const refuse = (r: ReferralParties & { sides: Set<Side> }) => {
    const why = refusal(step, r.sides, r.status);
    if (why) throw coded(r.sides.has(rule.side) ? 'CONFLICT' : 'FORBIDDEN', why);
  };
  const referral = await partyReferral(ctx, rawId);
  refuse(referral);
  // The visit is what completes a referral: not before its appointment time.
  const notYet = (r: { scheduledFor: Date | null }) => {
    if (step === 'complete' && r.scheduledFor && r.scheduledFor.getTime() > Date.now())
      throw coded(
        'CONFLICT',
        `This referral can be marked completed once its appointment (${r.scheduledFor.toISOString()}) has passed.`,
      );
  };
  notYet(referral);
  await ctx.db.transaction(async (tx) => {
    const { closingNote, ...columns } = set;
    const updated = await tx
      .update(referrals)
      .set({
        ...columns,
        ...(closingNote
          ? { closingNoteSealed: ctx.sealer.seal(closingNote, `referral-note:${referral.id}`) }
          : {}),
        status: rule.to,
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(referrals.id, referral.id),
          inArray(referrals.status, [...rule.from]),
          step === 'complete' ? lte(referrals.scheduledFor, new Date()) : undefined,
        ),
      )
      .returning({ id: referrals.id });
    if (updated.length === 0) {
      // Another request moved it first (or rescheduled it): say where it stands now.
      const now = await partyReferral(ctx, referral.id, tx);
      refuse(now);
      notYet(now);
      throw coded('CONFLICT', 'This referral changed while you were working on it. Reload it and try again.');
    }
    await tx.insert(referralEvents).values({
      referralId: referral.id,
      actorId: viewer.userId,
      fromStatus: referral.status,
      toStatus: rule.to,
    });
    await notify(ctx, tx, referral, rule.side === 'clinic' ? 'sender' : 'clinic', SUBJECT[step]);
  });
  return referral.id;
}

/** Opens the sealed closing note of a declined or cancelled referral. */
export function openClosingNote(sealer: Sealer, row: { id: string; closingNoteSealed: string | null }) {
  return row.closingNoteSealed ? sealer.open(row.closingNoteSealed, `referral-note:${row.id}`) : null;
}

/**
 * A note from one side to the other on a referral; the other side is told by email that there is one.
 * Returns the referral's row id and the message's.
 */
export async function postMessage(
  ctx: Context,
  rawId: string,
  body: string,
): Promise<{ referralId: string; messageId: string }> {
  const viewer = viewerOf(ctx);
  const referral = await partyReferral(ctx, rawId);
  const id = randomUUID();
  await ctx.db.transaction(async (tx) => {
    await tx.insert(referralMessages).values({
      id,
      referralId: referral.id,
      authorId: viewer.userId,
      bodySealed: ctx.sealer.seal(body, `referral-message:${id}`),
    });
    await tx.update(referrals).set({ updatedAt: new Date() }).where(eq(referrals.id, referral.id));
    const to: Side = referral.sides.has('sender') ? 'clinic' : 'sender';
    await notify(ctx, tx, referral, to, (clinic) =>
      to === 'clinic'
        ? `New message on a referral to ${clinic}`
        : `${clinic} sent a message about your referral`,
    );
  });
  return { referralId: referral.id, messageId: id };
}

export function openMessage(sealer: Sealer, row: { id: string; bodySealed: string }): string {
  return sealer.open(row.bodySealed, `referral-message:${row.id}`);
}
