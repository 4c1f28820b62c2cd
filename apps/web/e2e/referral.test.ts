import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type App,
  apiClient,
  type Browser,
  e2eAvailable,
  ensureScreenshotDir,
  expectAccessible,
  launchBrowser,
  startApp,
} from './harness.js';

/**
 * A referral around the closed loop in real browsers, against the real server on PGlite: a physician
 * registers, is verified, searches near 27609 and refers a patient to a Raleigh clinic; the clinic's staff
 * find it in their inbox, accept and schedule it; the physician sees the new status and the timeline.
 * The clinic and its team are set up through the public API, as they would be from their own browsers.
 * Every person, clinic and patient here is fictional.
 */
const run = e2eAvailable();
let app: App;
let providerBrowser: Browser;
let staffBrowser: Browser;
let provider: Page;
let staff: Page;
const shots = run ? ensureScreenshotDir() : '';
const CLINIC = 'Oak City Sample Ketamine Therapy (fictional)';
const PASSWORD = 'a long fictional passphrase';
const admin = () => apiClient(app.url);

beforeAll(async () => {
  if (!run) return;
  [app, providerBrowser, staffBrowser] = await Promise.all([
    startApp({ admin: { email: 'admin@kapmap.example', name: 'Ada Admin' } }),
    launchBrowser(),
    launchBrowser(),
  ]);
  [provider, staff] = await Promise.all([providerBrowser.newPage(), staffBrowser.newPage()]);
});
afterAll(async () => {
  await providerBrowser?.close();
  await staffBrowser?.close();
  await app?.stop();
});

let platform: ReturnType<typeof apiClient>;
let referralUrl = '';

describe.runIf(run)('a referral around the loop, end to end in Chromium', () => {
  it('sets the scene: a verified Raleigh clinic with a staff member, through the API', async () => {
    platform = admin();
    const token = new URL(app.adminLink ?? '').searchParams.get('token');
    await platform(`mutation ($i: ResetPasswordInput!) { resetPassword(input: $i) { id } }`, {
      i: { token, newPassword: 'the admin’s own long passphrase' },
    });
    const clinicAdmin = apiClient(app.url);
    await clinicAdmin(`mutation ($i: SignUpInput!) { signUp(input: $i) { id } }`, {
      i: { email: 'stella@oakcity.example', password: PASSWORD, displayName: 'Stella Staff' },
    });
    const { createClinic } = await clinicAdmin(
      `mutation ($n: String!) { createClinic(input: { name: $n, phone: "(919) 555-0177" }) { id } }`,
      { n: CLINIC },
    );
    await clinicAdmin(
      `mutation ($c: ID!) { createLocation(clinicId: $c, input: { name: "North Hills (fictional)", addressLine1: "4100 Sample Blvd", city: "Raleigh", state: "NC", postalCode: "27609", conditions: ["trd", "ptsd"], routes: [{ route: "iv" }, { route: "im" }], insurance: ["aetna", "bcbs"] }) { id } }`,
      { c: createClinic.id },
    );
    await platform(`mutation ($id: ID!) { verifyClinic(id: $id) { id } }`, { id: createClinic.id });
  });

  it('registers a physician as a referring provider, whose NPI an admin then verifies', async () => {
    await provider.goto(`${app.url}/sign-up?next=${encodeURIComponent('/referrals/register')}`);
    await provider.getByLabel('Your name').fill('Dr Priya Fictional');
    await provider.getByLabel('Email').fill('priya@practice.example');
    await provider.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await provider.getByRole('button', { name: 'Create account' }).click();
    await provider.getByRole('heading', { name: 'Register as a referring provider' }).waitFor();
    await provider.getByLabel('NPI', { exact: true }).fill('1234567890');
    await provider.getByLabel('Practice', { exact: true }).click();
    await provider
      .getByText('This is not a valid NPI: its check digit does not match. Check for a typo.')
      .waitFor();
    await provider.getByLabel('NPI', { exact: true }).fill('1234567893');
    await provider.getByLabel('Practice', { exact: true }).fill('Sample Family Medicine (fictional)');
    await provider.getByLabel('Specialty').fill('Family medicine');
    await provider.getByLabel('State you practice in').fill('nc');
    await provider.getByRole('button', { name: 'Register' }).click();
    await provider.getByRole('heading', { name: 'My referrals' }).waitFor();
    await provider.getByText(/waiting for a kapmap admin to verify it/).waitFor();
    const { providersAwaitingVerification } = await platform(
      `{ providersAwaitingVerification { userId npi } }`,
    );
    const priya = providersAwaitingVerification.find((p: { npi: string }) => p.npi === '1234567893');
    await platform(`mutation ($id: ID!) { verifyProvider(userId: $id) { verified } }`, { id: priya.userId });
  });

  it('searches near 27609 and sends a referral, warned where it does not fit the listing', async () => {
    await provider.goto(`${app.url}/?place=27609`);
    const refer = provider.getByRole('link', {
      name: `Refer a patient to ${CLINIC}, North Hills (fictional)`,
    });
    await refer.waitFor({ timeout: 30_000 });
    await refer.click();
    await provider.getByRole('heading', { name: 'Refer a patient' }).waitFor();
    await provider.getByLabel('Full name').fill('Morgan Fictional-Patient');
    await provider.getByLabel('Date of birth').fill('1979-05-02');
    await provider.getByLabel('Phone').fill('(919) 555-0199');
    await provider.getByLabel('Home ZIP code').fill('27612');
    await provider.getByLabel('Obsessive-compulsive disorder (OCD)').check();
    await provider.getByLabel('Preferred route').selectOption({ label: 'Intranasal esketamine (Spravato)' });
    await provider
      .getByText(/does not list Obsessive-compulsive disorder \(OCD\)/)
      .first()
      .waitFor();
    // Each warning stands beside the field that causes it (and again in the summary before sending).
    await provider
      .locator('.field:has(#route) .field-warning', { hasText: /does not offer Intranasal esketamine/ })
      .waitFor();
    await provider.getByLabel('Obsessive-compulsive disorder (OCD)').uncheck();
    await provider.getByLabel('Treatment-resistant depression').check();
    await provider.getByLabel('Preferred route').selectOption({ label: 'IV infusion' });
    await provider.getByLabel('Soon (within weeks)').check();
    await provider
      .getByLabel('Reason for referral')
      .fill('Depression unresponsive to three trials (fictional)');
    await provider.getByLabel('Clinical note').fill('PHQ-9 21 (fictional).');
    // Sending with the screening unanswered points at what is missing.
    await provider.getByRole('button', { name: 'Send referral' }).click();
    await expect.poll(() => provider.getByText('Answer yes, no or unknown.').count()).toBe(5);
    // Insurance is never assumed: it must be chosen, self-pay included.
    await provider.getByText('Choose the patient’s insurance, or Self-pay.').waitFor();
    await provider.getByLabel('Insurance').selectOption({ label: 'Aetna' });
    for (const question of [
      'Uncontrolled high blood pressure',
      'History of psychosis or mania',
      'Pregnant or could be pregnant',
      'Active substance use disorder',
    ])
      await provider.getByRole('group', { name: question }).getByLabel('No', { exact: true }).check();
    await provider
      .getByRole('group', { name: 'Has had ketamine treatment before' })
      .getByLabel('Not known')
      .check();
    expect(await provider.getByText(/Check the fit before sending/).count()).toBe(0);
    await expectAccessible(provider, 'the referral form');
    await provider.screenshot({ path: `${shots}/referral-form.png`, fullPage: true });
    await provider.getByRole('button', { name: 'Send referral' }).click();
    await provider.getByText(/Referral sent/).waitFor();
    await provider.getByRole('heading', { name: 'Morgan Fictional-Patient' }).waitFor();
    expect(await provider.locator('.referral-head .badge').textContent()).toBe('Sent');
    expect(provider.url()).not.toContain('Morgan');
    referralUrl = provider.url();
  });

  it('shows the clinic’s staff the referral in their inbox; they accept and schedule it', async () => {
    await staff.goto(`${app.url}/sign-in`);
    await staff.getByLabel('Email').fill('stella@oakcity.example');
    await staff.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await staff.getByRole('link', { name: CLINIC }).click();
    await staff.getByRole('link', { name: 'Referral inbox' }).click();
    await staff.getByRole('heading', { name: `Referrals to ${CLINIC}` }).waitFor();
    await expectAccessible(staff, 'the referral inbox');
    await staff.screenshot({ path: `${shots}/referral-inbox.png`, fullPage: true });
    await staff.getByRole('link', { name: 'Morgan Fictional-Patient' }).click();
    await staff.getByRole('heading', { name: 'What you can do now' }).waitFor();
    // Opening it marked it received.
    expect(await staff.locator('.referral-head .badge').textContent()).toBe('Received');
    await staff.getByRole('button', { name: 'Accept referral' }).click();
    await expect.poll(() => staff.locator('.referral-head .badge').textContent()).toBe('Accepted');
    const when = new Date(Date.now() + 9 * 86_400_000);
    when.setHours(10, 30, 0, 0);
    const local = `${when.getFullYear()}-${String(when.getMonth() + 1).padStart(2, '0')}-${String(when.getDate()).padStart(2, '0')}T10:30`;
    await staff.getByLabel('First appointment').fill(local);
    await staff.getByRole('button', { name: 'Schedule' }).click();
    await expect.poll(() => staff.locator('.referral-head .badge').textContent()).toBe('Scheduled');
    await staff.getByLabel('New message').fill('Booked for the morning; please send the last PHQ-9.');
    await staff.getByRole('button', { name: 'Send message' }).click();
    await staff.getByText('Booked for the morning; please send the last PHQ-9.').waitFor();
    await expectAccessible(staff, 'the referral page');
    await staff.screenshot({ path: `${shots}/referral-clinic.png`, fullPage: true });
  });

  it('shows the provider the new status and the timeline', async () => {
    await provider.goto(`${app.url}/referrals`);
    const item = provider.getByRole('listitem').filter({ hasText: 'Morgan Fictional-Patient' });
    await item.waitFor();
    expect(await item.locator('.badge').first().textContent()).toBe('Scheduled');
    await item.getByRole('link', { name: 'Morgan Fictional-Patient' }).click();
    const timeline = provider.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('Scheduled').waitFor();
    expect((await timeline.locator('li strong').allTextContents()).map((s) => s.trim())).toEqual([
      'Sent',
      'Received',
      'Accepted',
      'Scheduled',
    ]);
    expect(await timeline.getByText('Stella Staff').count()).toBe(3);
    await provider.getByText('Booked for the morning; please send the last PHQ-9.').waitFor();
    await provider.screenshot({ path: `${shots}/referral-provider.png`, fullPage: true });
    // On a phone, the page is one column and still passes axe.
    await provider.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(provider, 'the referral page on a phone');
    expect(await provider.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await provider.screenshot({ path: `${shots}/referral-provider-phone.png`, fullPage: true });
    await provider.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows a platform admin the status, clinic and dates for support, and nothing about the patient', async () => {
    await staff.getByRole('button', { name: /Sign out/ }).click();
    await staff.getByRole('link', { name: 'Sign in' }).click();
    await staff.getByLabel('Email').fill('admin@kapmap.example');
    await staff.getByLabel('Password', { exact: true }).fill('the admin’s own long passphrase');
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await staff.getByRole('link', { name: 'Admin' }).waitFor();
    await staff.goto(referralUrl);
    await staff.getByRole('heading', { name: `Referral to ${CLINIC}` }).waitFor();
    expect(await staff.locator('.referral-head .badge').textContent()).toBe('Scheduled');
    expect(await staff.content()).not.toContain('Morgan');
    expect(await staff.content()).not.toContain('PHQ-9');
    await expectAccessible(staff, 'the support view of a referral');
  });

  it('lets the clinic close a location that has referrals: out of search, its referral kept', async () => {
    await staff.getByRole('button', { name: /Sign out/ }).click();
    await staff.getByRole('link', { name: 'Sign in' }).click();
    await staff.getByLabel('Email').fill('stella@oakcity.example');
    await staff.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await staff.getByRole('link', { name: 'Your clinics' }).first().click();
    await staff.getByRole('link', { name: CLINIC }).first().click();
    await staff.getByRole('heading', { name: CLINIC, level: 1 }).waitFor();
    staff.on('dialog', (d) => void d.accept());
    const site = staff.locator('li', { hasText: 'North Hills (fictional)' }).first();
    // Removing it is refused, and the refusal appears beside it, where the click was.
    await site.getByRole('button', { name: /^Remove/ }).click();
    await site
      .getByRole('alert')
      .filter({ hasText: /Close it instead/ })
      .waitFor();
    await site.getByRole('button', { name: /^Close/ }).click();
    await site.getByText('Closed: not in search or on the map').waitFor();

    await provider.goto(`${app.url}/?place=27609`);
    await provider.locator('ol[aria-label="Clinics, nearest first"] > li').first().waitFor();
    expect(await provider.getByText('North Hills (fictional)').count()).toBe(0);
    await provider.goto(referralUrl);
    await provider.getByRole('heading', { name: 'Morgan Fictional-Patient', level: 1 }).waitFor();
    expect(await provider.locator('.referral-head .badge').textContent()).toBe('Scheduled');
  });
});
