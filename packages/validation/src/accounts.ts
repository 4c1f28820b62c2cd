import { US_STATES } from '@kapmap/geo/states';
import { z } from 'zod';

export const STATE_CODES: ReadonlySet<string> = new Set(Object.keys(US_STATES));

export const MIN_PASSWORD_LENGTH = 8;
/** ASVS asks that at least 64 characters be allowed; argon2 takes any length, so allow plenty. */
export const MAX_PASSWORD_LENGTH = 256;

/** Input rules for accounts. Each message names what to fix. */
export const emailField = z
  .string()
  .trim()
  .max(254, 'An email address has at most 254 characters.')
  .email('Enter an email address such as name@example.org.');

/**
 * A new password's length, counted in characters (not UTF-16 units). The API adds the common-password
 * check, whose list is too large to send to every browser.
 */
export const passwordLengthField = z.string().superRefine((value, ctx) => {
  const length = [...value].length;
  if (length < MIN_PASSWORD_LENGTH)
    ctx.addIssue({ code: 'custom', message: `Use at least ${MIN_PASSWORD_LENGTH} characters.` });
  else if (length > MAX_PASSWORD_LENGTH)
    ctx.addIssue({ code: 'custom', message: `Use at most ${MAX_PASSWORD_LENGTH} characters.` });
});

export const nameField = (what: string, max = 120) =>
  z
    .string()
    .trim()
    .min(1, `Enter ${what}.`)
    .max(max, `${what[0]?.toUpperCase()}${what.slice(1)} has at most ${max} characters.`);

/** A National Provider Identifier: 10 digits whose last is a Luhn check digit over "80840" + the first nine. */
export function isValidNpi(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi.slice(0, 9)}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === Number(npi[9]);
}

export const npiField = z
  .string()
  .trim()
  .regex(/^\d{10}$/, 'An NPI is 10 digits.')
  .refine(isValidNpi, 'This is not a valid NPI: its check digit does not match. Check for a typo.');

export const SignUpSchema = z.object({
  displayName: nameField('your name'),
  email: emailField,
  password: passwordLengthField,
});

/** Signing in checks only that something was entered: any rule here would tell what accounts may exist. */
export const SignInSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email address.'),
  password: z.string().min(1, 'Enter your password.'),
});

export const stateField = z
  .string()
  .trim()
  .toUpperCase()
  .refine((s) => STATE_CODES.has(s), 'Enter the two-letter code of a US state or territory, such as NC.');

export const ProviderProfileSchema = z.object({
  npi: npiField,
  name: nameField('your name'),
  practice: nameField('the practice’s name', 200),
  specialty: nameField('your specialty'),
  state: stateField,
});
