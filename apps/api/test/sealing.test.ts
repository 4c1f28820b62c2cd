import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env.js';
import { createSealer, keyFromFile, parseKey } from '../src/modules/referrals/sealing.js';

describe('sealing patient data', () => {
  const sealer = createSealer(randomBytes(32));

  it('opens what it sealed, and the sealed text holds nothing of the value', () => {
    const sealed = sealer.seal('Quentin Fictional, born 1981-07-14', 'referral:1');
    expect(sealed).not.toMatch(/Quentin|1981/);
    expect(sealer.open(sealed, 'referral:1')).toBe('Quentin Fictional, born 1981-07-14');
    expect(sealer.seal('same', 'r')).not.toBe(sealer.seal('same', 'r'));
  });

  it('fails loudly under the wrong key, naming both keys', () => {
    const other = createSealer(randomBytes(32));
    const sealed = sealer.seal('secret', 'referral:1');
    expect(() => other.open(sealed, 'referral:1')).toThrow(
      new RegExp(`sealed under key ${sealer.keyId}, but the configured PHI_KEY is key ${other.keyId}`),
    );
  });

  it('refuses a value copied into another row, or altered', () => {
    const sealed = sealer.seal('secret', 'referral:1');
    expect(() => sealer.open(sealed, 'referral:2')).toThrow(/failed its integrity check/);
    const [id, iv, tag, data = ''] = sealed.split('.');
    // Every byte of the ciphertext, each with one bit flipped (a character swap in the text could be a no-op).
    const bytes = Buffer.from(data, 'base64url');
    for (let at = 0; at < bytes.length; at++) {
      const altered = Buffer.from(bytes);
      altered[at] = (altered[at] ?? 0) ^ 1;
      const flipped = `${id}.${iv}.${tag}.${altered.toString('base64url')}`;
      expect(() => sealer.open(flipped, 'referral:1')).toThrow(/failed its integrity check/);
    }
  });

  it('reads a key as hex or base64, and refuses one of the wrong length', () => {
    const key = randomBytes(32);
    expect(parseKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseKey(key.toString('base64')).equals(key)).toBe(true);
    expect(() => parseKey('c2hvcnQ=')).toThrow(/32 random bytes/);
  });

  it('generates the embedded default’s key once, readable by its owner only, and reads it back after', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kapmap-key-')), 'data', 'phi.key');
    const first = keyFromFile(file);
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = keyFromFile(file);
    expect(again).toEqual({ key: first.key, created: false });
    expect(readFileSync(file, 'utf8').trim()).toBe(first.key.toString('base64'));
  });

  it('will not start in production without PHI_KEY, and takes one given', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(
      /PHI_KEY="": is required with NODE_ENV=production/,
    );
    const key = randomBytes(32).toString('base64');
    expect(
      loadEnv({ NODE_ENV: 'production', PHI_KEY: key, SMTP_URL: 'smtp://mail.example.org:587' }).PHI_KEY,
    ).toBe(key);
    expect(() => loadEnv({ PHI_KEY: 'password1' })).toThrow(/PHI_KEY="password1": must be 32 random bytes/);
  });
});
