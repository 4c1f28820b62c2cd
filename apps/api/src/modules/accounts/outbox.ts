import type { Database } from '@kapmap/db/client';
import { emailOutbox } from '@kapmap/db/schema';
import { and, asc, eq, isNull, lt, lte, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';

export interface Email {
  to: string;
  subject: string;
  body: string;
  /** What someone waits for at the screen goes first (0); notifications after (the default, 1). */
  priority?: 0 | 1;
}

/** Account email: confirmations, resets and invitations, sent before any notification waiting. */
export const ACCOUNT_EMAIL = 0;

/** Sends one email; throws when it could not. */
export type Sender = (email: Email) => Promise<void>;

/**
 * Queues an email. Call it inside the transaction that makes the email true (a new account, an invitation),
 * so that either both happen or neither does; the worker sends it after the commit.
 */
export async function enqueueEmail(db: Pick<Database, 'insert'>, email: Email): Promise<void> {
  await db.insert(emailOutbox).values(email);
}

/** SMTP through nodemailer when `SMTP_URL` is set; otherwise each email is written to the server log. */
export function createSender(options: {
  smtpUrl?: string | undefined;
  from: string;
  log: (line: string) => void;
}) {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return (async (email) => {
      await transport.sendMail({
        from: options.from,
        to: email.to,
        subject: email.subject,
        text: email.body,
      });
    }) satisfies Sender;
  }
  return (async (email) => {
    options.log(`email to ${email.to}: ${email.subject}\n${email.body}`);
  }) satisfies Sender;
}

const MAX_ATTEMPTS = 8;
/** Waits 1, 2, 4, … minutes after each failure: about four hours in all before giving up. */
const backoffMs = (attempts: number) => 60_000 * 2 ** attempts;

/**
 * Sends what is waiting, oldest first. Rows are claimed with FOR UPDATE SKIP LOCKED, so several API
 * processes can run workers side by side without sending an email twice. Returns how many were sent.
 */
export async function drainOutbox(
  db: Database,
  send: Sender,
  batch = 20,
  onSendFailed: () => void = () => {},
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < batch; i++) {
    const done = await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(emailOutbox)
        .where(
          and(
            isNull(emailOutbox.sentAt),
            lt(emailOutbox.attempts, MAX_ATTEMPTS),
            lte(emailOutbox.nextAttemptAt, new Date()),
          ),
        )
        .orderBy(asc(emailOutbox.priority), asc(emailOutbox.nextAttemptAt))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!row) return false;
      try {
        await send({ to: row.to, subject: row.subject, body: row.body ?? '' });
        // The body holds single-use links: once sent, it is not kept.
        await tx
          .update(emailOutbox)
          .set({
            sentAt: new Date(),
            body: null,
            attempts: sql`${emailOutbox.attempts} + 1`,
            lastError: null,
          })
          .where(eq(emailOutbox.id, row.id));
        sent++;
      } catch (error) {
        onSendFailed();
        await tx
          .update(emailOutbox)
          .set({
            attempts: sql`${emailOutbox.attempts} + 1`,
            nextAttemptAt: new Date(Date.now() + backoffMs(row.attempts)),
            lastError: String(error).slice(0, 500),
          })
          .where(eq(emailOutbox.id, row.id));
      }
      return true;
    });
    if (!done) break;
  }
  return sent;
}

/** Drains the outbox every few seconds until stopped. */
export function startOutboxWorker(
  db: Database,
  send: Sender,
  options: {
    intervalMs?: number;
    onError?: (error: unknown) => void;
    /** An email could not be sent this time (it is tried again later). */
    onSendFailed?: () => void;
  } = {},
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => drainOutbox(db, send, 20, options.onSendFailed))
      .catch((error) => options.onError?.(error));
  }, options.intervalMs ?? 2_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
