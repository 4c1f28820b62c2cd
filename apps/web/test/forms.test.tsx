import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CombinedError } from '@urql/core';
import { describe, expect, it, vi } from 'vitest';
import { serverProblem } from '../src/forms/resolver.js';
import { ClinicForm, emptyClinic } from '../src/portal/ClinicForm.js';
import { type Choices, toFormPath, toFormValues, toLocationInput } from '../src/portal/location-form.js';

const badInput = (message: string, path: string) =>
  new CombinedError({
    graphQLErrors: [{ message, extensions: { code: 'BAD_USER_INPUT', path, field: path.split('.').at(-1) } }],
  });

describe('the clinic profile form', () => {
  it('says what is wrong with a field as soon as the person leaves it, with the API’s own rule', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn(async () => null);
    render(<ClinicForm initial={emptyClinic} submitLabel="Add clinic" onSave={onSave} />);
    await user.type(screen.getByLabelText('Website'), 'clinic dot org');
    await user.tab();
    expect(
      await screen.findByText('Enter the full address of the website, starting with https://.'),
    ).toBeVisible();
    expect(screen.getByLabelText('Website')).toHaveAttribute('aria-invalid', 'true');
    await user.click(screen.getByRole('button', { name: 'Add clinic' }));
    expect(await screen.findByText('Enter the clinic’s name.')).toBeVisible();
    expect(onSave).not.toHaveBeenCalled();
  });

  it('shows the server’s error beside the field it names, and keeps what was typed', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn(async () =>
      badInput('This phone number is listed by another clinic.', 'input.phone'),
    );
    render(<ClinicForm initial={emptyClinic} submitLabel="Add clinic" onSave={onSave} />);
    await user.type(screen.getByLabelText('Clinic name'), 'Calm Sample Clinic');
    await user.type(screen.getByLabelText('Phone'), '(919) 555-0100');
    await user.click(screen.getByRole('button', { name: 'Add clinic' }));
    const message = await screen.findByText('This phone number is listed by another clinic.');
    expect(screen.getByLabelText('Phone')).toHaveAccessibleDescription(
      expect.stringContaining(message.textContent ?? ''),
    );
    expect(screen.getByLabelText('Clinic name')).toHaveValue('Calm Sample Clinic');
  });
});

describe('reading the API’s errors', () => {
  it('puts a coded error without a field above the form, and an unreachable server in words', () => {
    const failed = new CombinedError({
      graphQLErrors: [{ message: 'Wrong email or password.', extensions: { code: 'SIGN_IN_FAILED' } }],
    });
    expect(serverProblem(failed)).toEqual({
      field: null,
      code: 'SIGN_IN_FAILED',
      message: 'Wrong email or password.',
    });
    expect(serverProblem(new CombinedError({ networkError: new Error('offline') })).message).toMatch(
      /could not be reached/,
    );
    expect(serverProblem(badInput('Enter a 5-digit ZIP code.', 'input.postalCode')).field).toBe('postalCode');
  });
});

const choices: Choices = {
  routes: [
    { code: 'iv', name: 'IV infusion' },
    { code: 'im', name: 'Intramuscular injection' },
    { code: 'oral', name: 'Oral' },
  ],
  conditions: [{ code: 'trd', name: 'Treatment-resistant depression' }],
  services: [],
  insurancePayers: [{ code: 'self_pay', name: 'Self-pay' }],
};

describe('the location form and the API’s LocationInput', () => {
  it('sends only the routes ticked and the days open, with empty numbers as absent', () => {
    const v = toFormValues(choices, null);
    v.routes[2] = { code: 'oral', offered: true, priceUsd: '120.50', sessionMinutes: '' };
    v.hours[2] = { open: true, opens: '10:00', closes: '16:00' };
    const input = toLocationInput({ ...v, typicalWaitDays: '', languages: ['en', 'es'] });
    expect(input.routes).toEqual([{ route: 'oral', priceUsd: 120.5, sessionMinutes: null }]);
    expect(input.hours).toEqual([{ day: 2, opens: '10:00', closes: '16:00' }]);
    expect(input.typicalWaitDays).toBeNull();
    expect(input.languages).toEqual(['en', 'es']);
  });

  it('starts a new location with nothing stated: no hours, ages or languages nobody entered', () => {
    const input = toLocationInput(toFormValues(choices, null));
    expect(input.hours).toEqual([]);
    expect(input.languages).toEqual([]);
    expect(input.minAge ?? null).toBeNull();
    expect(input.maxAge ?? null).toBeNull();
  });

  it('puts an error about the n-th route sent beside the route row it came from', () => {
    const v = toFormValues(choices, null);
    v.routes[0] = { ...v.routes[0], code: 'iv', offered: true, priceUsd: '1', sessionMinutes: '' };
    v.routes[2] = { ...v.routes[2], code: 'oral', offered: true, priceUsd: '-1', sessionMinutes: '' };
    for (const day of [1, 2, 3]) v.hours[day] = { open: true, opens: '09:00', closes: '17:00' };
    expect(toFormPath(v, ['routes', 1, 'priceUsd'])).toEqual(['routes', 2, 'priceUsd']);
    // Monday is the first open day: the first period sent.
    expect(toFormPath(v, ['hours', 0, 'closes'])).toEqual(['hours', 1, 'closes']);
    expect(toFormPath(v, ['servesStates', 3])).toEqual(['servesStates']);
  });
});

describe('where sign-in goes next', () => {
  it('follows only a path on this site, never another origin', async () => {
    const { safeNext } = await import('../src/account/viewer.js');
    expect(safeNext('/portal/clinics/abc?x=1')).toBe('/portal/clinics/abc?x=1');
    expect(safeNext('//evil.example/')).toBe('/portal');
    expect(safeNext('/\\evil.example/')).toBe('/portal');
    expect(safeNext('https://evil.example/')).toBe('/portal');
    expect(safeNext(null)).toBe('/portal');
  });
});
