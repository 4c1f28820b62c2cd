import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type App,
  apiClient,
  type Browser,
  e2eAvailable,
  ensureScreenshotDir,
  launchBrowser,
  startApp,
} from './harness.js';

/**
 * Every page as each person who uses it sees it, on a small phone (320 px), a common phone (375 px) and a
 * desktop (1280 px): nothing scrolls sideways, every control is big enough to tap, and a screenshot of each is
 * kept to be looked at. The scene is set through the public API, as the people would from their own browsers.
 * Every person, clinic and patient here is fictional.
 */
const run = e2eAvailable();
let app: App;
let browser: Browser;
const PASSWORD = 'a long fictional passphrase';

type Role = 'anonymous' | 'staff' | 'provider' | 'admin';
const roles: Partial<Record<Role, Browser>> = {};
const ids = { clinic: '', location: '', referral: '' };

async function signInBrowser(email: string): Promise<Browser> {
  const b = await launchBrowser();
  const page = await b.newPage();
  await page.goto(`${app.url}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  await page.close();
  return b;
}

beforeAll(async () => {
  if (!run) return;
  [app, browser] = await Promise.all([
    startApp({ admin: { email: 'admin@kapmap.example', name: 'Ada Admin' } }),
    launchBrowser(),
  ]);
  roles.anonymous = browser;
  const platform = apiClient(app.url);
  await platform(`mutation ($i: ResetPasswordInput!) { resetPassword(input: $i) { id } }`, {
    i: { token: new URL(app.adminLink ?? '').searchParams.get('token'), newPassword: PASSWORD },
  });
  const owner = apiClient(app.url);
  await owner(`mutation ($i: SignUpInput!) { signUp(input: $i) { id } }`, {
    i: { email: 'stella@oakcity.example', password: PASSWORD, displayName: 'Stella Staff' },
  });
  const { createClinic } = await owner(
    `mutation { createClinic(input: { name: "Oak City Sample Ketamine Therapy (fictional)", phone: "(919) 555-0177" }) { id } }`,
  );
  ids.clinic = createClinic.id;
  const { createLocation } = await owner(
    `mutation ($c: ID!) { createLocation(clinicId: $c, input: { name: "North Hills (fictional)", addressLine1: "4100 Sample Blvd", city: "Raleigh", state: "NC", postalCode: "27609", conditions: ["trd", "ptsd"], routes: [{ route: "iv" }], insurance: ["aetna"] }) { id } }`,
    { c: ids.clinic },
  );
  ids.location = createLocation.id;
  await owner(
    `mutation ($c: ID!) { inviteClinicMember(clinicId: $c, email: "theo@oakcity.example", role: STAFF) { id } }`,
    { c: ids.clinic },
  );
  await platform(`mutation ($id: ID!) { verifyClinic(id: $id) { id } }`, { id: ids.clinic });

  const doctor = apiClient(app.url);
  const { signUp } = await doctor(`mutation ($i: SignUpInput!) { signUp(input: $i) { id } }`, {
    i: { email: 'priya@practice.example', password: PASSWORD, displayName: 'Dr Priya Fictional' },
  });
  await doctor(`mutation ($i: ProviderProfileInput!) { registerAsProvider(input: $i) { npi } }`, {
    i: {
      name: 'Dr Priya Fictional',
      npi: '1234567893',
      practice: 'Sample Family Medicine (fictional)',
      specialty: 'Family medicine',
      state: 'NC',
    },
  });
  await platform(`mutation ($id: ID!) { verifyProvider(userId: $id) { verified } }`, { id: signUp.id });
  const { sendReferral } = await doctor(
    `mutation ($i: SendReferralInput!) { sendReferral(input: $i) { id } }`,
    {
      i: {
        locationId: ids.location,
        idempotencyKey: crypto.randomUUID(),
        urgency: 'ROUTINE',
        conditions: ['trd'],
        insurance: 'aetna',
        route: 'iv',
        patient: {
          name: 'Morgan Fictional-Patient',
          dateOfBirth: '1979-05-02',
          homePostalCode: '27612',
          phone: '(919) 555-0199',
          reason: 'Treatment-resistant depression (fictional)',
          screening: {
            uncontrolledHypertension: 'NO',
            psychosisOrMania: 'NO',
            pregnancy: 'NO',
            substanceUseDisorder: 'NO',
            priorKetamine: 'NO',
          },
        },
      },
    },
  );
  ids.referral = sendReferral.id;
  [roles.staff, roles.provider, roles.admin] = await Promise.all([
    signInBrowser('stella@oakcity.example'),
    signInBrowser('priya@practice.example'),
    signInBrowser('admin@kapmap.example'),
  ]);
});
afterAll(async () => {
  for (const b of new Set(Object.values(roles))) await b?.close();
  await app?.stop();
});

interface PageCase {
  name: string;
  role: Role;
  path: () => string;
  /** What shows once the page has loaded. */
  ready: (page: Page) => Promise<unknown>;
}

const heading = (name: string | RegExp) => (page: Page) =>
  page.getByRole('heading', { name, level: 1 }).first().waitFor();

const PAGES: PageCase[] = [
  {
    name: 'search',
    role: 'anonymous',
    path: () => '/?place=27609',
    ready: async (p) => {
      await p.locator('ol[aria-label="Clinics, nearest first"] > li').first().waitFor();
      // Beside the list from 901 px (styles.css), the map is in the screenshot: wait until it shows the results.
      if ((p.viewportSize()?.width ?? 0) > 900) await p.locator('section.map[data-fitted="true"]').waitFor();
    },
  },
  { name: 'home', role: 'anonymous', path: () => '/', ready: heading(/Find a ketamine/) },
  {
    name: 'clinic',
    role: 'anonymous',
    path: () => `/clinics/${ids.clinic}`,
    ready: async (p) => {
      await p.locator('section.location').first().waitFor();
      await p.locator('section.map[data-fitted="true"]').waitFor();
    },
  },
  {
    name: 'report',
    role: 'anonymous',
    path: () => `/clinics/${ids.clinic}`,
    ready: async (p) => {
      await p.locator('section.location').first().waitFor();
      await p.getByText('Something here wrong? Tell us').first().click();
      await p.getByRole('textbox').last().waitFor();
    },
  },
  { name: 'sign-up', role: 'anonymous', path: () => '/sign-up', ready: heading(/Create/) },
  { name: 'sign-in', role: 'anonymous', path: () => '/sign-in', ready: heading(/Sign in/) },
  { name: 'portal', role: 'staff', path: () => `/portal/clinics/${ids.clinic}`, ready: heading(/Oak City/) },
  {
    name: 'location-editor',
    role: 'staff',
    path: () => `/portal/locations/${ids.location}`,
    ready: (p) => p.getByLabel('Street address').first().waitFor(),
  },
  {
    name: 'inbox',
    role: 'staff',
    path: () => `/portal/clinics/${ids.clinic}/referrals`,
    ready: (p) => p.getByText('Morgan Fictional-Patient').first().waitFor(),
  },
  {
    name: 'referral',
    role: 'staff',
    path: () => `/referrals/${ids.referral}`,
    ready: (p) => p.getByText('Morgan Fictional-Patient').first().waitFor(),
  },
  {
    name: 'referral-form',
    role: 'provider',
    path: () => `/refer/${ids.location}`,
    ready: heading('Refer a patient'),
  },
  { name: 'my-referrals', role: 'provider', path: () => '/referrals', ready: heading('My referrals') },
  { name: 'admin', role: 'admin', path: () => '/admin', ready: heading(/admin/i) },
];

/** Buttons, fields and links outside running text smaller than 24 × 24 px (WCAG 2.5.8). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const targets = document.querySelectorAll<HTMLElement>(
      'button, input:not([type=hidden]), select, textarea, a[href], summary, [role=option]',
    );
    for (const el of targets) {
      if (el.closest('.maplibregl-ctrl-attrib, .maplibregl-canvas-container')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not shown
      // Links inside a sentence are exempt; a checkbox or radio counts with its label.
      if (el.tagName === 'A' && el.closest('p, li > span, td, dd')) continue;
      const label = el.closest('label');
      const box = (el as HTMLInputElement).type === 'checkbox' || (el as HTMLInputElement).type === 'radio';
      const rect = box && label ? label.getBoundingClientRect() : r;
      if (rect.height < 24 - 0.5 || rect.width < 24 - 0.5)
        out.push(
          `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40)}" ${Math.round(rect.width)}×${Math.round(rect.height)}`,
        );
    }
    return out;
  });
}

/** The innermost elements that stick out past the right edge, to say what to fix. */
async function widest(page: Page, width: number): Promise<string> {
  return page.evaluate((w) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right <= w + 0.5 || r.width === 0) continue;
      if ([...el.children].some((c) => c.getBoundingClientRect().right > w + 0.5)) continue;
      out.push(`${el.tagName.toLowerCase()}.${el.className || ''} ${Math.round(r.right)}`);
      if (out.length === 4) break;
    }
    return out.join(', ');
  }, width);
}

// Chromium on 2 shared cores, beside the API's suite, once in a while takes over 30 s to capture one full-page
// screenshot (seen in CI at 375 px, fonts loaded, frame not delivered). What this block asserts (nothing scrolls
// sideways, targets are big enough) fails the same way twice when it is wrong, so one retry stays honest.
describe.runIf(run)('every page on a phone and a desktop', { retry: 1 }, () => {
  for (const width of [320, 375, 1280]) {
    it(`fits ${width} px without sideways scrolling, with targets big enough to tap`, async () => {
      const dir = ensureScreenshotDir();
      const problems: string[] = [];
      for (const c of PAGES) {
        const b = roles[c.role];
        if (!b) throw new Error(`no browser for ${c.role}`);
        const page = await b.newPage(width, width === 1280 ? 900 : 740);
        await page.goto(`${app.url}${c.path()}`);
        await c.ready(page);
        await page.waitForTimeout(300);
        const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
        if (scroll > width)
          problems.push(`${c.name}: ${scroll} px wide at ${width} px (${await widest(page, width)})`);
        if (width !== 1280) for (const t of await smallTargets(page)) problems.push(`${c.name}: ${t}`);
        if (width !== 320)
          await page.screenshot({ path: `${dir}/page-${c.name}-${width}.png`, fullPage: true });
        await page.close();
      }
      expect(problems).toEqual([]);
    });
  }

  it('shows the first result without scrolling after a search on a phone, and the map one tap away', async () => {
    const page = await browser.newPage(375, 740);
    await page.goto(app.url);
    await page.getByLabel('ZIP code or city').fill('27609');
    await page.getByLabel('ZIP code or city').press('Enter');
    const first = page.locator('ol[aria-label="Clinics, nearest first"] > li').first();
    await first.waitFor();
    const box = await first.boundingBox();
    expect(box?.y ?? 9999).toBeLessThan(740 - 60);
    await page.getByRole('button', { name: 'Map', exact: true }).click();
    await page.locator('section.map[data-fitted="true"]').waitFor();
    expect(await page.locator('.maplibregl-canvas').isVisible()).toBe(true);
    await page.screenshot({ path: `${ensureScreenshotDir()}/phone-map-375.png` });
    await page.getByRole('button', { name: 'List', exact: true }).click();
    expect(await first.isVisible()).toBe(true);
    await page.close();
  });

  it('opens the filters in a sheet on a phone, with a button that shows the count', async () => {
    const page = await browser.newPage(375, 740);
    await page.goto(`${app.url}/?place=27609`);
    await page.locator('ol[aria-label="Clinics, nearest first"] > li').first().waitFor();
    await page.getByRole('button', { name: /^Filters/ }).click();
    const sheet = page.getByRole('dialog', { name: 'Filters' });
    await sheet.waitFor();
    await sheet.getByText('Route', { exact: true }).click();
    await sheet.getByRole('checkbox', { name: 'IV infusion' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('routes')).toBe('iv');
    const show = sheet.getByRole('button', { name: /^Show \d+ results?$/ });
    await show.waitFor();
    await page.screenshot({ path: `${ensureScreenshotDir()}/phone-filters-375.png` });
    await show.click();
    await sheet.waitFor({ state: 'hidden' });
    await page.close();
  });
});
