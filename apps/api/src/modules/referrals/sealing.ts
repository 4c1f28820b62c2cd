import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Protected health information is sealed with AES-256-GCM before it reaches the database, and opened only
 * in the API process. Each sealed value is bound to its row (the row's id is the additional authenticated
 * data), so a ciphertext copied into another row, or altered in place, fails to open instead of being read.
 *
 * A sealed value reads `<key id>.<iv>.<tag>.<ciphertext>` (base64url). The key id is the first 8 hex digits
 * of the key's SHA-256: a value sealed under another key is refused with both ids named, not misread.
 */
export class SealError extends Error {
  override name = 'SealError';
}

export interface Sealer {
  /** The configured key's id (not the key): shown in errors and at start. */
  readonly keyId: string;
  seal(plain: string, boundTo: string): string;
  open(sealed: string, boundTo: string): string;
}

const b64 = (buf: Buffer) => buf.toString('base64url');

export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new SealError('The patient-data key must be 32 bytes (AES-256).');
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return {
    keyId,
    seal(plain, boundTo) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(boundTo));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [keyId, b64(iv), b64(cipher.getAuthTag()), b64(data)].join('.');
    },
    open(sealed, boundTo) {
      const [id, iv, tag, data] = sealed.split('.');
      if (!iv || !tag || data === undefined) throw new SealError('A sealed value is malformed.');
      if (id !== keyId)
        throw new SealError(
          `Patient data was sealed under key ${id}, but the configured PHI_KEY is key ${keyId}. ` +
            'Start the server with the key the data was written under.',
        );
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(boundTo));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new SealError(`A sealed value under key ${keyId} failed its integrity check: it was altered.`);
      }
    },
  };
}

/** Seals a JSON value. */
export function sealJson(sealer: Sealer, value: unknown, boundTo: string): string {
  return sealer.seal(JSON.stringify(value), boundTo);
}

export function openJson<T>(sealer: Sealer, sealed: string, boundTo: string): T {
  return JSON.parse(sealer.open(sealed, boundTo)) as T;
}

/** A key given as 64 hex digits or 44 base64 characters. */
export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new SealError(
      'PHI_KEY must be 32 random bytes, as 64 hex digits or base64 (openssl rand -base64 32).',
    );
  return key;
}

/**
 * The embedded default's key: read from `file`, or generated into it (readable by its owner only) on first
 * start. It sits in the data folder, beside the database it opens; a production server never uses it.
 */
export function keyFromFile(file: string): { key: Buffer; created: boolean } {
  if (existsSync(file)) return { key: parseKey(readFileSync(file, 'utf8')), created: false };
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, created: true };
}
