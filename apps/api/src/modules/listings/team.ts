import { clinicInvitations, clinicMembers, clinics, users } from '@kapmap/db/schema';
import { emailField } from '@kapmap/validation';
import { and, count, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import { coded, notFound } from '../../graphql/errors.js';
import { found, viewerOf } from '../../graphql/guards.js';
import { capped, TEAM_CAP } from '../../graphql/limits.js';
import { isUuid } from '../../graphql/visibility.js';
import { ACCOUNT_EMAIL, enqueueEmail } from '../accounts/outbox.js';
import { throttle } from '../accounts/rate-limit.js';
import { ClinicRoleEnum } from '../accounts/schema.js';
import { hashToken, newToken, normalizeEmail } from '../accounts/tokens.js';
import { Clinic } from '../directory/clinic.js';
import { clinicFor } from './access.js';
import { ClinicMembership } from './clinics.js';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

export const ClinicInvitation = builder.drizzleObject('clinicInvitations', {
  name: 'ClinicInvitation',
  description: 'An emailed invitation to join a clinic’s team.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    role: t.expose('role', { type: ClinicRoleEnum }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

builder.drizzleObjectFields(Clinic, (t) => ({
  pendingInvitations: t.relation('invitations', {
    type: ClinicInvitation,
    nullable: true,
    description: 'Invitations not yet accepted and not expired. Clinic admins only.',
    ...capped(TEAM_CAP),
    authScopes: (c) => ({ clinicAdmin: c.id }),
    unauthorizedResolver: () => null,
    query: () => ({
      where: { acceptedAt: { isNull: true }, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: 'asc' },
      limit: TEAM_CAP,
    }),
  }),
}));

builder.mutationField('inviteClinicMember', (t) =>
  t.drizzleField({
    type: ClinicInvitation,
    authScopes: { signedIn: true },
    description:
      'Emails a single-use invitation, valid for 7 days, to join the clinic as staff or admin (admins).',
    args: {
      clinicId: t.arg.id({ required: true }),
      email: t.arg.string({ required: true }),
      role: t.arg({ type: ClinicRoleEnum, required: true }),
    },
    validate: z.looseObject({ email: emailField }),
    resolve: async (query, _root, args, ctx) => {
      const clinicId = clinicFor(ctx, String(args.clinicId), 'admin', 'invite people');
      const email = normalizeEmail(args.email);
      await throttle(ctx.db, [
        ['invitationPerClinic', clinicId],
        ['invitationPerAddress', email],
      ]);
      const id = await ctx.db.transaction(async (tx) => {
        const [already] = await tx
          .select({ userId: clinicMembers.userId })
          .from(clinicMembers)
          .innerJoin(users, eq(users.id, clinicMembers.userId))
          .where(and(eq(clinicMembers.clinicId, clinicId), eq(users.email, email)));
        if (already) throw coded('CONFLICT', `${email} is already on this clinic’s team.`, 'email');
        const [clinic] = await tx
          .select({ name: clinics.name })
          .from(clinics)
          .where(eq(clinics.id, clinicId));
        const { token, hash } = newToken();
        const [row] = await tx
          .insert(clinicInvitations)
          .values({
            clinicId,
            email,
            role: args.role,
            tokenHash: hash,
            invitedBy: viewerOf(ctx).userId,
            expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
          })
          .returning({ id: clinicInvitations.id });
        await enqueueEmail(tx, {
          to: email,
          priority: ACCOUNT_EMAIL,
          subject: `${viewerOf(ctx).displayName} invites you to ${clinic?.name ?? 'a clinic'} on kapmap`,
          body:
            `${viewerOf(ctx).displayName} invites you to help keep ${clinic?.name ?? 'their clinic'}’s listing on kapmap, as ${args.role}.\n\n` +
            `Sign in or create an account with this address, then open:\n\n${ctx.publicUrl}/invitations/accept?token=${token}\n\n` +
            'The link works once, for 7 days.',
        });
        return found(row).id;
      });
      return ctx.db.query.clinicInvitations.findFirst(query({ where: { id } })).then(found);
    },
  }),
);

builder.mutationField('acceptClinicInvitation', (t) =>
  t.drizzleField({
    type: ClinicMembership,
    authScopes: { signedIn: true },
    description:
      'Joins a clinic with an invitation link. The signed-in account’s address must be the one invited; ' +
      'opening the link from that mailbox also confirms the address.',
    args: { token: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const viewer = viewerOf(ctx);
      const clinicId = await ctx.db.transaction(async (tx) => {
        const [invite] = await tx
          .select()
          .from(clinicInvitations)
          .where(
            and(
              eq(clinicInvitations.tokenHash, hashToken(args.token)),
              isNull(clinicInvitations.acceptedAt),
              gt(clinicInvitations.expiresAt, new Date()),
            ),
          )
          .for('update');
        if (!invite)
          throw coded(
            'LINK_INVALID',
            'This invitation has expired or was already used. Ask the clinic for a new one.',
            'token',
          );
        if (invite.email !== viewer.email)
          throw coded(
            'FORBIDDEN',
            `This invitation is for ${invite.email}. Sign in with that address to accept it.`,
          );
        await tx
          .update(clinicInvitations)
          .set({ acceptedAt: new Date(), acceptedBy: viewer.userId })
          .where(eq(clinicInvitations.id, invite.id));
        await tx
          .insert(clinicMembers)
          .values({ clinicId: invite.clinicId, userId: viewer.userId, role: invite.role })
          .onConflictDoUpdate({
            target: [clinicMembers.clinicId, clinicMembers.userId],
            set: { role: invite.role },
          });
        if (!viewer.emailVerified)
          await tx.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, viewer.userId));
        return invite.clinicId;
      });
      return ctx.db.query.clinicMembers
        .findFirst(query({ where: { clinicId, userId: viewer.userId } }))
        .then(found);
    },
  }),
);

builder.mutationField('removeClinicMember', (t) =>
  t.boolean({
    authScopes: { signedIn: true },
    description: 'Removes someone from the clinic’s team (admins). A clinic always keeps at least one admin.',
    args: { clinicId: t.arg.id({ required: true }), userId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const clinicId = clinicFor(ctx, String(args.clinicId), 'admin', 'change the team');
      const userId = String(args.userId);
      if (!isUuid(userId)) throw notFound('member');
      await ctx.db.transaction(async (tx) => {
        // One change to a clinic's team at a time, so that two admins cannot remove each other at once.
        await tx.select({ id: clinics.id }).from(clinics).where(eq(clinics.id, clinicId)).for('update');
        const [member] = await tx
          .select({ role: clinicMembers.role })
          .from(clinicMembers)
          .where(and(eq(clinicMembers.clinicId, clinicId), eq(clinicMembers.userId, userId)))
          .for('update');
        if (!member) throw notFound('member');
        if (member.role === 'admin') {
          const [admins] = await tx
            .select({ n: count() })
            .from(clinicMembers)
            .where(and(eq(clinicMembers.clinicId, clinicId), eq(clinicMembers.role, 'admin')));
          if ((admins?.n ?? 0) <= 1)
            throw coded('CONFLICT', 'A clinic needs at least one admin: make someone else admin first.');
        }
        await tx
          .delete(clinicMembers)
          .where(and(eq(clinicMembers.clinicId, clinicId), eq(clinicMembers.userId, userId)));
      });
      return true;
    },
  }),
);
