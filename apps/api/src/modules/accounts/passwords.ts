import { passwordLengthField } from '@kapmap/validation';
import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

/** OWASP's argon2id parameters (Password Storage Cheat Sheet): 19 MiB of memory, 2 passes, 1 lane. */
export const ARGON2_OPTIONS = {
  // Algorithm.Argon2id: the package's enum is a const enum, which this build's module syntax cannot import.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** The most common passwords (zxcvbn-ts's list, from leaked-password corpora), compared without case. */
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/**
 * A new password: OWASP ASVS 2.1's length rule (shared with the web forms) and a breached-password check.
 * No composition rules; spaces and any Unicode allowed.
 */
export const newPasswordField = passwordLengthField.superRefine((value, ctx) => {
  if (COMMON.has(value.toLowerCase()))
    ctx.addIssue({
      code: 'custom',
      message: 'This is one of the most common passwords, and the first one attackers try. Choose another.',
    });
});

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize('NFKC'));
  } catch {
    return false;
  }
}

/**
 * Verifies against a throwaway hash when there is no account, so that "no such email" takes as long as
 * "wrong password" and the timing does not tell which.
 */
let decoy: Promise<string> | undefined;
export async function spendVerifyTime(password: string): Promise<void> {
  decoy ??= hashPassword('kapmap decoy password, never a real one');
  await verifyPassword(await decoy, password);
}
