import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, passwordProblem } from './passwords.js';

/** Input rules shared by the account mutations: each message names what to fix. */
export const emailField = z
  .string()
  .trim()
  .max(254, 'An email address has at most 254 characters.')
  .email('Enter an email address such as name@example.org.');

export const newPasswordField = z
  .string()
  .max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`)
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
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
