import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../src/env.js';

describe('configuration', () => {
  it('starts on PGlite at port 4000 with demo data when nothing is set', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ PORT: 4000, DEMO_DATA: true });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PGLITE_DIR).toMatch(/\.data[/\\]pglite$/);
  });

  it('reads PORT, DATABASE_URL and DEMO_DATA', () => {
    const env = loadEnv({
      PORT: '8080',
      DATABASE_URL: 'postgres://kapmap@db:5432/kapmap',
      DEMO_DATA: 'false',
    });
    expect(env).toMatchObject({
      PORT: 8080,
      DATABASE_URL: 'postgres://kapmap@db:5432/kapmap',
      DEMO_DATA: false,
    });
  });

  it('takes a read replica only beside a PostgreSQL primary', () => {
    expect(
      loadEnv({
        DATABASE_URL: 'postgres://kapmap@db:5432/kapmap',
        DATABASE_READ_URL: 'postgres://kapmap@replica:5432/kapmap',
      }).DATABASE_READ_URL,
    ).toBe('postgres://kapmap@replica:5432/kapmap');
    expect(() => loadEnv({ DATABASE_READ_URL: 'postgres://kapmap@replica:5432/kapmap' })).toThrow(
      /DATABASE_READ_URL=.*needs DATABASE_URL/,
    );
  });

  it('serves the web app from a relative WEB_ROOT as the folder it names from where kapmap started', () => {
    expect(loadEnv({ WEB_ROOT: 'apps/web/dist' }).WEB_ROOT).toBe(join(process.cwd(), 'apps', 'web', 'dist'));
    expect(loadEnv({ WEB_ROOT: '/srv/kapmap/web' }).WEB_ROOT).toBe('/srv/kapmap/web');
  });

  it('migrates on start unless MIGRATE_ON_START=false leaves it to `kapmap migrate`', () => {
    expect(loadEnv({}).MIGRATE_ON_START).toBe(true);
    expect(loadEnv({ MIGRATE_ON_START: 'false' }).MIGRATE_ON_START).toBe(false);
  });

  it('names every bad value with what it should be, all at once', () => {
    let error: unknown;
    try {
      loadEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', DEMO_DATA: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT="eighty": must be a port number/);
    expect(message).toMatch(/DATABASE_URL="mysql:\/\/x": must be a PostgreSQL URL/);
    expect(message).toMatch(/DEMO_DATA="maybe": must be true or false/);
  });

  it('takes a Mapbox token, and refuses something that is not one', () => {
    expect(loadEnv({ MAPBOX_TOKEN: 'pk.eyJ1Ijoia2FwbWFwIn0.abc-123' }).MAPBOX_TOKEN).toBe(
      'pk.eyJ1Ijoia2FwbWFwIn0.abc-123',
    );
    expect(() => loadEnv({ MAPBOX_TOKEN: 'my token' })).toThrow(
      /MAPBOX_TOKEN="my token": must be a Mapbox access token/,
    );
  });

  it('refuses a port out of range', () => {
    expect(() => loadEnv({ PORT: '70000' })).toThrow(/PORT="70000": must be from 1 to 65535/);
  });

  it('will not start in production without SMTP_URL, so no email and its links is written to the log', () => {
    expect(() => loadEnv({ NODE_ENV: 'production', PHI_KEY: 'a'.repeat(64) })).toThrow(
      /SMTP_URL="": is required with NODE_ENV=production/,
    );
  });
});
