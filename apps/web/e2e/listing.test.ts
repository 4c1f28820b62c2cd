import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type App,
  type Browser,
  e2eAvailable,
  ensureScreenshotDir,
  expectAccessible,
  launchBrowser,
  rendered,
  startApp,
  waitForMap,
} from './harness.js';

/**
 * A clinic goes from sign-up to a verified public listing in a real browser, against the real server on
 * PGlite, with nobody touching the database. Every name and address here is fictional.
 */
const run = e2eAvailable();
let app: App;
let browser: Browser;
let page: Page;
const shots = run ? ensureScreenshotDir() : '';

beforeAll(async () => {
  if (!run) return;
  [app, browser] = await Promise.all([
    startApp({ admin: { email: 'admin@kapmap.example', name: 'Ada Admin' } }),
    launchBrowser(),
  ]);
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Where the location editor says its pin is. */
async function pinPosition(): Promise<{ lat: number; lng: number }> {
  const text = (await page.getByTestId('pin-position').textContent()) ?? '';
  const [lat, lng] = text.replace('Pin at ', '').split(',').map(Number);
  return { lat: lat ?? Number.NaN, lng: lng ?? Number.NaN };
}

/** Where the public map draws each location, read from the live map by location ID. */
async function drawnAt(): Promise<Record<string, [number, number]>> {
  return page.evaluate(() => {
    type F = { properties: { id: string }; geometry: { coordinates: [number, number] } };
    const map = window.__kapmapMap as { queryRenderedFeatures(o: { layers: string[] }): F[] };
    return Object.fromEntries(
      map.queryRenderedFeatures({ layers: ['points'] }).map((f) => [f.properties.id, f.geometry.coordinates]),
    );
  });
}

const pins: Record<string, { lat: number; lng: number }> = {};

describe.runIf(run)('a clinic listing itself, end to end in Chromium', () => {
  it('signs up, checking each field as it is typed', async () => {
    await page.goto(`${app.url}/sign-up`);
    await page.getByLabel('Your name').fill('Sam Sample');
    await page.getByLabel('Email').fill('sam@clinic.example');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password', { exact: true }).blur();
    await expect
      .poll(() => page.locator('.field-error').allTextContents())
      .toEqual(['Use at least 8 characters.']);
    await page.getByLabel('Password', { exact: true }).fill('a calm sample clinic phrase');
    await expect.poll(() => page.locator('.field-error').count()).toBe(0);
    await expectAccessible(page, 'sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${app.url}/portal`);
    await page.getByRole('heading', { name: 'Add your clinic' }).waitFor();
  });

  it('creates a clinic, which waits unpublished for verification', async () => {
    await page.getByLabel('Clinic name').fill('Big Sky Sample Ketamine Care (fictional)');
    await page.getByLabel('Website').fill('not a website');
    await page.getByLabel('Phone').click();
    await page.getByText('Enter the full address of the website, starting with https://.').waitFor();
    await page.getByLabel('Website').fill('https://big-sky-sample.example');
    await page.getByLabel('Phone').fill('(406) 555-0100');
    await page.getByRole('button', { name: 'Add clinic' }).click();
    await page.waitForURL(/\/portal\/clinics\//);
    await page.getByText('Waiting for verification').first().waitFor();
  });

  it('adds a location placed at its ZIP code, with the server’s error beside a ZIP code it does not know', async () => {
    await page.getByRole('link', { name: 'Add a location' }).click();
    await page.getByLabel('Name of this location').fill('Helena clinic');
    await page.getByLabel('Street address').fill('1 Sample Street');
    await page.getByLabel('City').fill('Helena');
    await page.getByLabel('State').fill('MT');
    await page.getByLabel('ZIP code').fill('00000');
    await page.getByLabel('ZIP code').blur();
    await page.getByText('kapmap does not know the ZIP code 00000. Check it.').waitFor();
    await page.getByLabel('ZIP code').fill('59601');
    await page.getByRole('button', { name: 'Place the pin from the address' }).click();
    await page.getByTestId('pin-position').waitFor();
    pins['Helena clinic'] = await pinPosition();
    expect(pins['Helena clinic']?.lat).toBeCloseTo(46.6, 0);
    await page.getByLabel('IV infusion', { exact: true }).check();
    await page
      .getByLabel(/Self-pay price per session/)
      .first()
      .fill('-5');
    await page
      .getByLabel(/Session length/)
      .first()
      .click();
    await page.getByText('A price cannot be negative.').waitFor();
    await page
      .getByLabel(/Self-pay price per session/)
      .first()
      .fill('450');
    await page.getByLabel('Treatment-resistant depression', { exact: true }).check();
    await page.getByRole('button', { name: 'Add location' }).click();
    await page.waitForURL(/\/portal\/clinics\/[^/]+$/);
    await page.getByRole('link', { name: 'Edit Helena clinic', exact: true }).waitFor();
  });

  it('adds a second location and drags its pin to the exact spot', async () => {
    await page.getByRole('link', { name: 'Add a location' }).click();
    await page.getByLabel('Name of this location').fill('East Helena clinic');
    await page.getByLabel('Street address').fill('2 Sample Avenue');
    await page.getByLabel('City').fill('East Helena');
    await page.getByLabel('State').fill('MT');
    await page.getByLabel('ZIP code').fill('59635');
    await page.getByLabel('ZIP code').blur();
    await page.getByTestId('pin-position').waitFor();
    const placed = await pinPosition();
    const marker = page.locator('.maplibregl-marker');
    await marker.waitFor();
    await page.locator('section.map[data-fitted="true"]').waitFor();
    const box = await marker.boundingBox();
    if (!box) throw new Error('no pin on the map');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 30, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => (await pinPosition()).lng).toBeGreaterThan(placed.lng);
    pins['East Helena clinic'] = await pinPosition();
    await page.screenshot({ path: `${shots}/portal-location-editor.png`, fullPage: true });
    await expectAccessible(page, 'location editor');
    await page.getByRole('button', { name: 'Add location' }).click();
    await page.waitForURL(/\/portal\/clinics\/[^/]+$/);
    await page.getByRole('link', { name: 'Edit East Helena clinic', exact: true }).waitFor();
    await page.screenshot({ path: `${shots}/portal-clinic.png`, fullPage: true });
    await expectAccessible(page, 'clinic portal');
  });

  it('is verified by a platform admin made with create-admin', async () => {
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.waitForURL(`${app.url}/`);
    await page.goto(app.adminLink ?? '');
    await page.getByRole('textbox', { name: 'New password' }).fill('the admin’s own long passphrase');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    // A platform admin lands where their work is.
    await page.waitForURL(`${app.url}/admin`);
    await page.getByRole('heading', { name: 'Big Sky Sample Ketamine Care (fictional)' }).waitFor();
    await page.screenshot({ path: `${shots}/admin.png`, fullPage: true });
    await expectAccessible(page, 'admin');
    await page
      .getByRole('button', { name: 'Verify and publish Big Sky Sample Ketamine Care (fictional)' })
      .click();
    await page
      .getByRole('heading', { name: 'Big Sky Sample Ketamine Care (fictional)' })
      .waitFor({ state: 'detached' });
  });

  it('appears in public search, each location where its pin was', async () => {
    await page.goto(`${app.url}/?place=59601`);
    const drawn = await waitForMap(page, 2, true);
    expect(drawn.points).toHaveLength(2);
    await page.screenshot({ path: `${shots}/public-search-new-clinic.png` });
    await page
      .getByText(/Helena clinic/)
      .first()
      .waitFor();
    const at = Object.values(await drawnAt());
    for (const pin of Object.values(pins)) {
      expect(at.some(([lng, lat]) => Math.abs(lng - pin.lng) < 1e-4 && Math.abs(lat - pin.lat) < 1e-4)).toBe(
        true,
      );
    }
    expect((await rendered(page)).points).toHaveLength(2);
    await page.screenshot({ path: `${shots}/public-search-new-clinic.png` });
  });
});
