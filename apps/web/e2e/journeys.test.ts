import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, type Browser, e2eAvailable, launchBrowser, listSettled, startApp } from './harness.js';

/**
 * Searches as people make them: one after another, refined, moved, widened. After each step the map must
 * frame the results the list shows now, never those of the search before.
 */
const run = e2eAvailable();
let app: App;
let browser: Browser;

beforeAll(async () => {
  if (!run) return;
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const RESULTS = 'ol[aria-label="Clinics, nearest first"] > li';

/** Waits until the list shows the search in the URL and the map has been framed for that same search. */
async function settled(page: Page) {
  await listSettled(page);
  await page.locator('section.map[data-fitted="true"]').waitFor({ timeout: 30_000 });
}

interface View {
  west: number;
  south: number;
  east: number;
  north: number;
}

async function mapView(page: Page): Promise<View> {
  return page.evaluate(() => {
    const b = (
      window.__kapmapMap as {
        getBounds(): { getWest(): number; getSouth(): number; getEast(): number; getNorth(): number };
      }
    ).getBounds();
    return { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() };
  });
}

/** The listed results' coordinates, asked of the API as another client would. */
async function listedPoints(page: Page) {
  const ids = await page.locator(RESULTS).evaluateAll((lis) => lis.map((li) => li.dataset.locationId ?? ''));
  expect(ids.length).toBeGreaterThan(0);
  return Promise.all(
    ids.map(async (id) => {
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'query($id: ID!) { location(id: $id) { name coordinates { lat lng } } }',
          variables: { id },
        }),
      });
      const body = (await res.json()) as {
        data: { location: { name: string; coordinates: { lat: number; lng: number } } };
      };
      return body.data.location;
    }),
  );
}

/** Every listed result lies inside the map's view. */
async function expectMapFramesList(page: Page, step: string) {
  await settled(page);
  const view = await mapView(page);
  const outside = (await listedPoints(page)).filter(
    ({ coordinates: c }) =>
      c.lng < view.west || c.lng > view.east || c.lat < view.south || c.lat > view.north,
  );
  expect(outside.map((l) => `${step}: ${l.name} is off the map`)).toEqual([]);
  return view;
}

async function typeSearch(page: Page, place: string, how: 'Enter' | 'button') {
  const box = page.getByLabel('ZIP code or city');
  await box.fill(place);
  if (how === 'Enter') await box.press('Enter');
  else await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('place')).toBe(place);
}

async function drag(page: Page, dx: number, dy: number) {
  const box = await page.locator('.maplibregl-canvas').boundingBox();
  if (!box) throw new Error('no map canvas');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy, { steps: 8 });
  await page.mouse.up();
}

const searchArea = (page: Page) => page.getByRole('button', { name: 'Search this area' });

describe.runIf(run)('searches one after another, in Chromium', () => {
  it('frames New York after Raleigh, and San Francisco after Raleigh with the Search button', async () => {
    const page = await browser.newPage(1280, 900);
    await page.goto(app.url);
    await typeSearch(page, '27609', 'Enter');
    const raleigh = await expectMapFramesList(page, '27609');
    await typeSearch(page, '10001', 'Enter');
    const ny = await expectMapFramesList(page, '27609 then 10001');
    expect(ny.north).toBeGreaterThan(40);
    expect(raleigh.north).toBeLessThan(37);

    await typeSearch(page, '27609', 'Enter');
    await expectMapFramesList(page, 'back to 27609');
    await typeSearch(page, '94110', 'button');
    const sf = await expectMapFramesList(page, '27609 then 94110');
    expect(sf.west).toBeLessThan(-122);

    // The map has context: a key to what is drawn, and town names from the gazetteer, offline.
    await expect(page.getByRole('list', { name: 'Map key' }).textContent()).resolves.toContain(
      'Where you searched from',
    );
    const towns = () =>
      page.evaluate(() =>
        (
          window.__kapmapMap as {
            queryRenderedFeatures(o?: object): { properties: { kind: string; name: string } }[];
          }
        )
          .queryRenderedFeatures({ layers: ['place-names'] })
          .filter((f) => f.properties.kind === 'town')
          .map((f) => f.properties.name),
      );
    await expect.poll(towns).toContain('San Francisco');
    // Each result offers directions in the person's own maps app.
    const directions = page
      .locator(RESULTS)
      .first()
      .getByRole('link', { name: /^Directions to / });
    expect(await directions.getAttribute('href')).toMatch(
      /^https:\/\/www\.google\.com\/maps\/dir\/\?api=1&destination=/,
    );
    await page.close();
  });

  it('searches the area the user moved to and keeps that view; a radius change searches again', async () => {
    const page = await browser.newPage(1280, 900);
    await page.goto(`${app.url}/?place=27609`);
    await expectMapFramesList(page, '27609');

    // Opening a filter panel or resizing the window is not moving the map.
    await page.getByText('Route', { exact: true }).click();
    await page.setViewportSize({ width: 1100, height: 850 });
    await page.waitForTimeout(500);
    await expect(searchArea(page).count()).resolves.toBe(0);

    await drag(page, -160, 40);
    await searchArea(page).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('near')).not.toBeNull();
    const before = await mapView(page);
    const after = await expectMapFramesList(page, 'search this area');
    // The view the user chose stays (it may only widen to show a result).
    expect(after.west).toBeLessThanOrEqual(before.west + 1e-6);
    expect(after.east).toBeGreaterThanOrEqual(before.east - 1e-6);
    await expect(searchArea(page).count()).resolves.toBe(0);
    // The radius shown is one the list offers.
    const radius = await page.getByLabel('Within').inputValue();
    expect(['10', '25', '50', '100', '250', '500']).toContain(radius);

    // A radius change applies at once, without pressing Search.
    await page.getByLabel('Within').selectOption('250');
    await expect.poll(() => new URL(page.url()).searchParams.get('radius')).toBe('250');
    await expectMapFramesList(page, 'radius 250');

    // A filter that changes the matches.
    await page.getByRole('checkbox', { name: 'IV infusion' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('routes')).toBe('iv');
    await expectMapFramesList(page, 'filter IV infusion');
    await page.close();
  });

  it('finds "New York, NY", offers places while typing, and offers choices for a city without its state', async () => {
    const page = await browser.newPage(1280, 900);
    await page.goto(app.url);
    await typeSearch(page, 'New York, NY', 'Enter');
    await settled(page);
    expect(await page.locator('h1.results-heading').textContent()).toMatch(/New York City, NY/);
    await expectMapFramesList(page, 'New York, NY');

    // Typing offers places; arrow down and Enter picks one and searches it.
    const box = page.getByRole('combobox', { name: 'ZIP code or city' });
    await box.fill('');
    // A slip fixed in the middle: the key lands where the cursor is, not at the end.
    await box.pressSequentially('Wnston-Sa', { delay: 20 });
    for (let i = 0; i < 'nston-Sa'.length; i++) await box.press('ArrowLeft');
    await box.press('i');
    await expect.poll(() => box.inputValue()).toBe('Winston-Sa');
    const option = page.getByRole('option', { name: /Winston-Salem, NC/ });
    // If the place is not offered, say what the box held and what the list offered instead.
    await option.waitFor().catch(async (e: Error) => {
      const offered = await page.getByRole('option').allTextContents();
      throw new Error(
        `${e.message}\nThe box held "${await box.inputValue()}"; offered: ${JSON.stringify(offered)}`,
      );
    });
    await box.press('ArrowDown');
    await box.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('place')).toBe('Winston-Salem, NC');
    await settled(page);

    // "Springfield" alone: the choices, beside the box; one click searches it.
    await typeSearch(page, 'Springfield', 'button');
    const alert = page.locator('.place-problem');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Which "Springfield"\?/);
    await page.getByRole('button', { name: 'Springfield, MO' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('place')).toBe('Springfield, MO');
    await settled(page);
    expect(await page.locator('h1.results-heading').textContent()).toMatch(/Springfield, MO/);
    await page.close();
  });

  it('goes "Back to results" near the clinic when its page was opened from a shared link', async () => {
    const page = await browser.newPage(375, 740);
    await page.goto(`${app.url}/?place=27609`);
    const first = page.locator(RESULTS).first();
    const id = await first.getAttribute('data-location-id');
    const link = (await first.locator('h3 a').getAttribute('href')) ?? '';
    await page.close();

    // A new tab with only the shared link in its history.
    const shared = await browser.newPage(375, 740);
    await shared.goto(`${app.url}${link}`);
    await shared.locator('section.location').first().waitFor();
    await shared.getByRole('link', { name: '← Back to results' }).click();
    await expect.poll(() => new URL(shared.url()).pathname).toBe('/');
    const url = new URL(shared.url());
    expect(url.searchParams.get('place')).toMatch(/^\d{5}$/);
    expect(url.searchParams.get('selected')).toBe(id);
    await shared.locator(`${RESULTS}[data-location-id="${id}"][aria-current="true"]`).waitFor();
    await shared.close();
  });

  it('lets a physician find the way in: the header entry, "I am a physician" at sign-up, then registration', async () => {
    const page = await browser.newPage(375, 740);
    await page.goto(app.url);
    await page.getByRole('link', { name: 'For referring physicians' }).first().click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await page.getByRole('radio', { name: /physician or clinician who refers/ }).check();
    await page.getByLabel('Your name').fill('Dr Journey Fictional');
    await page.getByLabel('Email').fill('journey@practice.example');
    await page.getByLabel('Password', { exact: true }).fill('a long fictional passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Register as a referring provider' }).waitFor();
    await page.close();
  });
});

describe.runIf(run)('the first platform admin, from the server’s log', () => {
  it('opens the setup link the server printed, makes the admin and lands on the admin page', async () => {
    // This run's server started on a fresh database with no admin: it printed a single-use link.
    const link = app.output().match(/https?:\/\/\S+\/setup\?token=[\w-]+/)?.[0];
    expect(link?.startsWith(`${app.url}/setup?token=`)).toBe(true);
    const page = await browser.newPage(1280, 900);
    await page.goto(link ?? '');
    await page.getByRole('heading', { name: 'Set up the first platform admin' }).waitFor();
    await page.getByLabel('Your name').fill('Ada Admin');
    await page.getByLabel('Email').fill('ada.admin@kapmap.example');
    await page.getByLabel('Password', { exact: true }).fill('the admin’s own long passphrase');
    await page.getByRole('button', { name: 'Create the admin account' }).click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin');
    await page.close();
  });
});

describe.runIf(run)('sorting the list, in Chromium', () => {
  it('sorts the list by shortest wait and keeps the order in a shared link', async () => {
    const page = await browser.newPage(1280, 900);
    await page.goto(`${app.url}/?place=27609&radius=50`);
    await page.locator(RESULTS).first().waitFor();
    await page.getByLabel('Sort by').selectOption('WAIT');
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('WAIT');
    const list = page.locator('ol[aria-label="Clinics, shortest wait first"] > li');
    await list.first().waitFor();
    await settled(page);
    const waits = (await list.allTextContents()).map((t) => {
      const m = /Same-day|Typical wait (\d+) (day|week)/.exec(t);
      if (!m) return Number.POSITIVE_INFINITY;
      if (m[0] === 'Same-day') return 0;
      return Number(m[1]) * (m[2] === 'week' ? 7 : 1);
    });
    expect(waits.length).toBeGreaterThan(1);
    expect([...waits].sort((a, b) => a - b)).toEqual(waits);
    await page.close();
  });
});
