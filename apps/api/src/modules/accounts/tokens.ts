import { createHash, randomBytes } from 'node:crypto';

/**
 * A secret for a cookie or an emailed link: 256 random bits, base64url. Only its SHA-256 is stored, so a
 * database row, leaked or read by an operator, cannot be used as the secret itself.
 */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Addresses compare trimmed and lower-cased: one account per address. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** How long emailed links work. */
export const VERIFY_EMAIL_TTL_MS = 48 * 60 * 60_000;
export const RESET_PASSWORD_TTL_MS = 60 * 60_000;
