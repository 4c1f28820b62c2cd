import { describe, expect, it } from 'vitest';
import {
  ClinicInputSchema,
  isValidNpi,
  LocationInputSchema,
  passwordLengthField,
  SignUpSchema,
} from '../src/index.js';

const messages = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));

describe('the rules the API enforces and the forms check as you type', () => {
  it('counts a password’s length in characters, so eight emoji are long enough', () => {
    expect(passwordLengthField.safeParse('😀'.repeat(8)).success).toBe(true);
    expect(passwordLengthField.safeParse('😀'.repeat(7)).success).toBe(false);
    expect(passwordLengthField.safeParse('x'.repeat(257)).error?.issues[0]?.message).toBe(
      'Use at most 256 characters.',
    );
  });

  it('names each bad sign-up field with what to do', () => {
    expect(
      messages(SignUpSchema.safeParse({ displayName: ' ', email: 'no-at-sign', password: 'short' })),
    ).toEqual({
      displayName: 'Enter your name.',
      email: 'Enter an email address such as name@example.org.',
      password: 'Use at least 8 characters.',
    });
  });

  it('accepts an NPI only when its Luhn check digit matches', () => {
    expect(isValidNpi('1234567893')).toBe(true);
    expect(isValidNpi('1234567890')).toBe(false);
  });

  it('stores empty optional clinic fields as absent, and refuses a website that is not a web address', () => {
    expect(ClinicInputSchema.parse({ name: 'Calm Clinic', phone: '', website: '  ' })).toMatchObject({
      phone: null,
      website: null,
    });
    expect(messages(ClinicInputSchema.safeParse({ name: 'Calm', website: 'javascript:alert(1)' }))).toEqual({
      website: 'Enter the full address of the website, starting with https://.',
    });
  });

  it('accepts only an https:// website, as the schema says', () => {
    expect(
      messages(ClinicInputSchema.safeParse({ name: 'Calm', website: 'http://calm.example.org' })),
    ).toEqual({
      website: 'Enter the full address of the website, starting with https://.',
    });
    expect(ClinicInputSchema.parse({ name: 'Calm', website: 'https://calm.example.org' }).website).toBe(
      'https://calm.example.org',
    );
  });

  it('gives a website typed without a scheme https://', () => {
    expect(ClinicInputSchema.parse({ name: 'Calm', website: 'calm.example.org/about' }).website).toBe(
      'https://calm.example.org/about',
    );
    expect(ClinicInputSchema.parse({ name: 'Calm', website: 'www.calm.example.org' }).website).toBe(
      'https://www.calm.example.org',
    );
    expect(messages(ClinicInputSchema.safeParse({ name: 'Calm', website: 'not a site' }))).toEqual({
      website: 'Enter the full address of the website, starting with https://.',
    });
  });

  it('asks a street location for its address and a telehealth program for its states', () => {
    expect(Object.keys(messages(LocationInputSchema.safeParse({ name: 'Downtown' })))).toEqual([
      'addressLine1',
      'city',
      'state',
      'postalCode',
    ]);
    expect(messages(LocationInputSchema.safeParse({ name: 'Online', telehealth: true }))).toEqual({
      servesStates: 'Choose the states this program serves.',
    });
  });

  it('keeps prices in cents and catches a day that closes before it opens', () => {
    const r = LocationInputSchema.safeParse({
      name: 'Online',
      telehealth: true,
      servesStates: ['nc'],
      routes: [{ route: 'oral', priceUsd: 449.99 }],
      hours: [{ day: 1, opens: '17:00', closes: '09:00' }],
    });
    expect(messages(r)).toEqual({ 'hours.0.closes': 'A day closes after it opens.' });
    const ok = LocationInputSchema.parse({
      name: 'Online',
      telehealth: true,
      servesStates: ['nc'],
      routes: [{ route: 'at_home', priceUsd: 449.99 }],
    });
    expect(ok.routes[0]?.priceCents).toBe(44999);
    expect(ok.servesStates).toEqual(['NC']);
  });

  it('lets a telehealth program offer only the routes a patient takes at home', () => {
    const r = LocationInputSchema.safeParse({
      name: 'Online',
      telehealth: true,
      servesStates: ['NC'],
      routes: [{ route: 'lozenge' }, { route: 'iv' }, { route: 'intranasal_esketamine' }],
    });
    expect(Object.keys(messages(r))).toEqual(['routes.1.route', 'routes.2.route']);
    expect(messages(r)['routes.1.route']).toMatch(/only routes taken at home/);
    // A street location may offer any of them.
    expect(
      LocationInputSchema.safeParse({
        name: 'Downtown',
        addressLine1: '1 Main St',
        city: 'Raleigh',
        state: 'NC',
        postalCode: '27601',
        routes: [{ route: 'iv' }, { route: 'intranasal_esketamine' }],
      }).success,
    ).toBe(true);
  });
});

describe('what verification needs', () => {
  it('takes a license with its state, a medical director and an organization NPI, each checked', async () => {
    const { ClinicInputSchema: S } = await import('../src/index.js');
    expect(
      S.parse({
        name: 'Calm',
        licenseNumber: ' MC-12345 ',
        licenseState: 'nc',
        medicalDirector: 'Dr. Fictional Director',
        organizationNpi: '1245319599',
      }),
    ).toMatchObject({
      licenseNumber: 'MC-12345',
      licenseState: 'NC',
      medicalDirector: 'Dr. Fictional Director',
      organizationNpi: '1245319599',
    });
    expect(S.parse({ name: 'Calm', licenseState: '', organizationNpi: '  ' })).toMatchObject({
      licenseState: null,
      organizationNpi: null,
    });
    const bad = S.safeParse({ name: 'Calm', licenseState: 'ZZ', organizationNpi: '1245319590' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['licenseState', 'organizationNpi']);
  });
});
