import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type App,
  type Browser,
  cspViolations,
  e2eAvailable,
  ensureScreenshotDir,
  expectAccessible,
  launchBrowser,
  listSettled,
  rendered,
  startApp,
  waitForMap,
} from './harness.js';

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

/** The cards of the result list: clinic and address text, by location ID. */
async function cards(page: Page) {
  await listSettled(page);
  return page.locator('ol[aria-label="Clinics, nearest first"] > li').evaluateAll((lis) =>
    lis.map((li) => ({
      id: li.getAttribute('data-location-id') ?? '',
      text: li.textContent ?? '',
    })),
  );
}

async function heading(page: Page) {
  return (await page.locator('h1.results-heading').textContent()) ?? '';
}

/** Waits for the heading's count of matches (it comes from the map's points query) and returns it. */
async function total(page: Page): Promise<number> {
  await listSettled(page);
  await page.waitForFunction(() =>
    /^\d+ clinic location/.test(document.querySelector('h1.results-heading')?.textContent ?? ''),
  );
  return Number((await heading(page)).split(' ')[0]);
}

async function searchFor(page: Page, place: string) {
  await page.goto(app.url);
  await page.getByLabel('ZIP code or city').fill(place);
  await page.getByLabel('ZIP code or city').press('Enter');
  await page.locator('ol[aria-label="Clinics, nearest first"] > li').first().waitFor();
}

describe.runIf(run)('the map web app in Chromium', () => {
  it('lists Raleigh-area clinics for 27609 and draws every match on the offline map', async () => {
    const page = await browser.newPage();
    await searchFor(page, '27609');
    expect(page.url()).toContain('place=27609');
    const list = await cards(page);
    expect(list.length).toBeGreaterThanOrEqual(5);
    for (const c of list) expect(c.text).toMatch(/, NC/);
    expect(list[0]?.text).toContain('Raleigh');
    const count = await total(page);
    expect(count).toBe(list.length); // 10 demo locations within 25 miles: one page holds them all
    expect(await heading(page)).toContain('Raleigh, NC 27609');

    // Fitted to the results, every match is drawn: as its own point, or counted in a cluster where points crowd.
    const map = await waitForMap(page, count);
    const listed = new Set(list.map((c) => c.id));
    for (const id of map.points) expect(listed.has(id)).toBe(true);
    if (map.clusters.length > 0) {
      // Clicking a cluster zooms in until its points come apart.
      const xy = await page.evaluate(() => {
        const m = window.__kapmapMap as {
          queryRenderedFeatures(o: object): { geometry: { coordinates: [number, number] } }[];
          project(c: [number, number]): { x: number; y: number };
          getCanvas(): HTMLCanvasElement;
        };
        const f = m.queryRenderedFeatures({ layers: ['clusters'] })[0];
        const p = m.project(f?.geometry.coordinates ?? [0, 0]);
        const box = m.getCanvas().getBoundingClientRect();
        return { x: box.left + p.x, y: box.top + p.y };
      });
      const before = map.points.length;
      await page.mouse.click(xy.x, xy.y);
      await expect.poll(async () => (await rendered(page)).points.length).toBeGreaterThan(before);
    }

    // County lines join the offline basemap once the map is up.
    await expect
      .poll(() =>
        page.evaluate(() =>
          Boolean((window.__kapmapMap as { getLayer(id: string): unknown }).getLayer('county-lines')),
        ),
      )
      .toBe(true);
    // Every name shares one layer, each kind shown at its zooms: counties and towns close in, states from afar.
    const namesShown = () =>
      page.evaluate(() => {
        const m = window.__kapmapMap as {
          queryRenderedFeatures(o: object): { properties: { kind: string } }[];
        };
        return [
          ...new Set(m.queryRenderedFeatures({ layers: ['place-names'] }).map((f) => f.properties.kind)),
        ].sort();
      });
    await page.evaluate(() =>
      (window.__kapmapMap as { jumpTo(o: object): void }).jumpTo({ center: [-78.64, 35.78], zoom: 8.5 }),
    );
    await expect.poll(namesShown).toEqual(['county', 'town']);

    // Zoomed out, they cluster, and the cluster's count is drawn as text without any glyph server.
    await page.evaluate(() => (window.__kapmapMap as { jumpTo(o: object): void }).jumpTo({ zoom: 5 }));
    await expect.poll(namesShown).toEqual(['state', 'town']);
    const clustered = await waitForMap(page, count);
    expect(clustered.clusters.length).toBeGreaterThan(0);
    // Every cluster drawn has its count drawn on it (a label is placed a frame or more after its circle, and a
    // circle near a tile edge can be reported once per tile: compare which counts are shown, not how many times).
    const shown = (r: { clusters: number[]; labels: number[] }) => ({
      circles: [...new Set(r.clusters)].sort((a, b) => a - b),
      labels: [...new Set(r.labels)].sort((a, b) => a - b),
    });
    await expect
      .poll(async () => {
        const now = shown(await rendered(page));
        return now.circles.length > 0 ? now.labels : 'no clusters';
      })
      .toEqual(shown(clustered).circles);
    await page.close();
  });

  it('draws the API’s clusters for its view, zooms into one when clicked, and never shows the last search’s', async () => {
    const page = await browser.newPage();
    const asked: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/graphql')
        asked.push(url.searchParams.get('operationName') ?? r.postData() ?? '');
    });
    await page.goto(`${app.url}/?place=Raleigh%2C+NC&radius=100`);
    const count = await total(page);
    const fitted = await waitForMap(page, count);
    // The map asks the API what to draw; it no longer fetches every point to cluster them itself.
    expect(asked.some((a) => a.includes('SearchMap'))).toBe(true);
    expect(asked.some((a) => a.includes('SearchPoints'))).toBe(false);
    const raleigh = new Set(fitted.points);

    // Zoomed out, the API's cells count every match; a click on one zooms to the box around its locations.
    await page.evaluate(() => (window.__kapmapMap as { jumpTo(o: object): void }).jumpTo({ zoom: 6 }));
    const out = await waitForMap(page, count);
    expect(out.clusters.length).toBeGreaterThan(0);
    await page.screenshot({ path: `${ensureScreenshotDir()}/clusters-1280.png` });
    // The fullest cluster drawn: clicked, it zooms to its box, where its locations come apart.
    const target = await page.evaluate(() => {
      const m = window.__kapmapMap as {
        queryRenderedFeatures(
          o: object,
        ): { properties: { point_count: number }; geometry: { coordinates: [number, number] } }[];
        project(c: [number, number]): { x: number; y: number };
        getCanvas(): HTMLCanvasElement;
      };
      const [f] = m
        .queryRenderedFeatures({ layers: ['clusters'] })
        .sort((a, b) => b.properties.point_count - a.properties.point_count);
      const p = m.project(f?.geometry.coordinates ?? [0, 0]);
      const box = m.getCanvas().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y, count: f?.properties.point_count ?? 0 };
    });
    await page.mouse.click(target.x, target.y);
    await expect.poll(async () => (await rendered(page)).zoom, { timeout: 20_000 }).toBeGreaterThan(7);
    await expect
      .poll(
        async () => {
          const r = await rendered(page);
          const drawn = r.points.length + r.clusters.reduce((a, b) => a + b, 0);
          return drawn >= target.count && Math.max(0, ...r.clusters) < target.count;
        },
        { timeout: 20_000 },
      )
      .toBe(true);

    // Every frame drawn once the list shows Denver's results shows none of Raleigh's locations (maplibre swaps
    // a source's data a frame or two after it is given, so the frames while Denver's load are not counted).
    await page.evaluate(() => {
      const m = window.__kapmapMap as {
        on(e: string, f: () => void): void;
        queryRenderedFeatures(o: object): { properties: { id: string } }[];
      };
      const w = window as unknown as { __drawn: { search: string; ids: string[] }[] };
      w.__drawn = [];
      m.on('render', () =>
        w.__drawn.push({
          // The search the list shows, once it shows it: from then on the map must be that search's.
          search:
            document.querySelector('.list-pane')?.getAttribute('aria-busy') === 'false'
              ? (document.querySelector('.list-pane')?.getAttribute('data-search') ?? '')
              : '',
          ids: m.queryRenderedFeatures({ layers: ['points'] }).map((f) => String(f.properties.id)),
        }),
      );
    });
    await page.getByLabel('ZIP code or city').fill('Denver, CO');
    await page.getByLabel('ZIP code or city').press('Enter');
    await page.waitForURL(/Denver/);
    await waitForMap(page, await total(page));
    const frames = await page.evaluate(
      () => (window as unknown as { __drawn: { search: string; ids: string[] }[] }).__drawn,
    );
    const denverFrames = frames.filter((f) => f.search.includes('Denver'));
    expect(denverFrames.length).toBeGreaterThan(0);
    expect(denverFrames.flatMap((f) => f.ids.filter((id) => raleigh.has(id)))).toEqual([]);
    await page.close();
  });

  it('highlights the map point of a list item, and selects a list item from its point', async () => {
    const page = await browser.newPage();
    await searchFor(page, '27609');
    const drawn = await waitForMap(page, await total(page));
    const [secondId, firstId] = drawn.points;
    const second = { id: secondId };
    await page
      .locator(`li[data-location-id="${second?.id}"]`)
      .getByRole('button', { name: 'Show on map' })
      .click();
    await expect.poll(() => new URL(page.url()).searchParams.get('selected')).toBe(second?.id);
    await expect
      .poll(() =>
        page.evaluate(() =>
          (window.__kapmapMap as { queryRenderedFeatures(o: object): { properties: { id: string } }[] })
            .queryRenderedFeatures({ layers: ['points-active'] })
            .map((f) => f.properties.id),
        ),
      )
      .toEqual([second?.id]);

    // Clicking another location's point on the map selects its card.
    const first = { id: firstId };
    const xy = await page.evaluate((id) => {
      const map = window.__kapmapMap as {
        queryRenderedFeatures(
          o: object,
        ): { properties: { id: string }; geometry: { coordinates: [number, number] } }[];
        project(c: [number, number]): { x: number; y: number };
        getCanvas(): HTMLCanvasElement;
      };
      const f = map.queryRenderedFeatures({ layers: ['points'] }).find((p) => p.properties.id === id);
      if (!f) return null;
      const p = map.project(f.geometry.coordinates);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    }, first?.id);
    expect(xy).not.toBeNull();
    await page.mouse.click(xy?.x ?? 0, xy?.y ?? 0);
    await expect.poll(() => new URL(page.url()).searchParams.get('selected')).toBe(first?.id);
    await expect
      .poll(() => page.locator(`li[data-location-id="${first?.id}"]`).getAttribute('aria-current'))
      .toBe('true');
    await page.close();
  });

  it('narrows the list and the map with a filter, and keeps it in the URL', async () => {
    const page = await browser.newPage();
    await searchFor(page, '27609');
    const before = await total(page);
    await page.getByText('Route', { exact: true }).click();
    await page.getByRole('checkbox', { name: 'IV infusion' }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: 'IV infusion' }).isChecked()).toBe(true);
    await expect.poll(() => new URL(page.url()).searchParams.get('routes')).toBe('iv');
    await page.waitForFunction((n) => {
      const m = /^(\d+) clinic location/.exec(
        document.querySelector('h1.results-heading')?.textContent ?? '',
      );
      return m && Number(m[1]) < n;
    }, before);
    const after = await total(page);
    expect(after).toBeGreaterThan(0);
    const list = await cards(page);
    expect(list).toHaveLength(after);
    for (const c of list) expect(c.text).toContain('IV infusion');
    await waitForMap(page, after);
    await page.close();
  });

  it('opens a clinic’s page with its listing, sample badge, map and crisis line', async () => {
    const page = await browser.newPage();
    await searchFor(page, '27609');
    const firstLink = page.locator('ol[aria-label="Clinics, nearest first"] > li h3 a').first();
    const name = (await firstLink.textContent()) ?? '';
    await firstLink.click();
    await page.waitForURL(/\/clinics\//);
    await expect(page.locator('article.clinic-page h1').textContent()).resolves.toBe(name);
    await expect(page.getByText('Sample data').first().isVisible()).resolves.toBe(true);
    await expect(
      page.getByRole('table', { name: 'How ketamine is given here' }).first().isVisible(),
    ).resolves.toBe(true);
    const crisis = page.getByRole('complementary', { name: 'Crisis support' });
    await expect(crisis.getByRole('link', { name: 'Call 988' }).getAttribute('href')).resolves.toBe(
      'tel:988',
    );
    await expect(crisis.getByRole('link', { name: 'text 988' }).getAttribute('href')).resolves.toBe(
      'sms:988',
    );
    await expect(crisis.getByRole('link', { name: '911' }).getAttribute('href')).resolves.toBe('tel:911');
    await page.locator('section.location').first().waitFor();
    const locations = await page.locator('section.location').count();
    await waitForMap(page, locations);
    // Back returns to the same search.
    await page.goBack();
    await page.waitForURL(/place=27609/);
    await page.locator('ol[aria-label="Clinics, nearest first"] > li').first().waitFor();
    await page.close();
  });

  it('restores a shared URL: place, radius, filters and selection', async () => {
    const page = await browser.newPage();
    await searchFor(page, 'Raleigh, NC');
    await page.getByLabel('Within').selectOption('50');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('checkbox', { name: 'Accepting new patients' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('accepting')).toBe('1');
    const count = await total(page);
    const [first] = await cards(page);
    await page
      .locator(`li[data-location-id="${first?.id}"]`)
      .getByRole('button', { name: 'Show on map' })
      .click();
    await expect.poll(() => new URL(page.url()).searchParams.get('selected')).toBe(first?.id);
    const shared = page.url();

    const other = await browser.newPage(375, 812);
    await other.goto(shared);
    await other.locator('ol[aria-label="Clinics, nearest first"] > li').first().waitFor();
    await expect(other.getByLabel('ZIP code or city').inputValue()).resolves.toBe('Raleigh, NC');
    await expect(other.getByLabel('Within').inputValue()).resolves.toBe('50');
    // On the phone the filters wait in their sheet, which says how many are on.
    await other.getByRole('button', { name: 'Filters (1)' }).click();
    await expect(
      other
        .getByRole('dialog', { name: 'Filters' })
        .getByRole('checkbox', { name: 'Accepting new patients' })
        .isChecked(),
    ).resolves.toBe(true);
    await other.getByRole('dialog', { name: 'Filters' }).getByRole('button', { name: /^Show/ }).click();
    expect(await total(other)).toBe(count);
    await expect
      .poll(() => other.locator(`li[data-location-id="${first?.id}"]`).getAttribute('aria-current'))
      .toBe('true');
    await other.close();

    // Back undoes the filter, then the radius.
    await page.goBack();
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('accepting')).toBeNull();
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('radius')).toBeNull();
    await page.close();
  });

  it('explains an unknown ZIP code and what to type instead', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/?place=00000`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(
      /ZIP code 00000 is not a US ZIP code we know.*Raleigh, NC/,
    );
    await page.close();
  });

  it('says when nothing is near and offers a wider radius and clearing the filters', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/?place=58102&routes=iv`);
    const heading = page.locator('h1.results-heading');
    await expect.poll(() => heading.textContent()).toBe('No clinics within 25 miles of Fargo, ND 58102');
    await expect(page.getByText('No clinic here matches every filter.').isVisible()).resolves.toBe(true);
    // A rural search still names somewhere to go: the nearest matches beyond the radius, with their distance.
    const beyond = page.getByRole('list', { name: 'Nearest clinics beyond the radius' }).locator('> li');
    await beyond.first().waitFor();
    const miles = await beyond.locator('.distance').allTextContents();
    expect(miles.length).toBeGreaterThan(0);
    for (const m of miles) expect(Number(m.replace(/[^\d.]/g, ''))).toBeGreaterThan(25);
    for (const c of await beyond.allTextContents()) expect(c).toContain('IV infusion');
    await page.getByRole('button', { name: 'Search within 50 miles' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('radius')).toBe('50');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('routes')).toBeNull();
    await page.close();
  });

  it('searches the visible area after the map is panned', async () => {
    const page = await browser.newPage();
    await searchFor(page, '27609');
    await waitForMap(page, await total(page));
    await expect(page.getByRole('button', { name: 'Search this area' }).count()).resolves.toBe(0);
    // Over to Denver, then a drag with the mouse, as a person would.
    await page.evaluate(() =>
      (window.__kapmapMap as { jumpTo(o: object): void }).jumpTo({ center: [-104.99, 39.74], zoom: 7 }),
    );
    const box = await page.locator('.maplibregl-canvas').boundingBox();
    if (!box) throw new Error('no map canvas');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 10, { steps: 5 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Search this area' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('near')).toMatch(/^39\.\d+,-10[45]\.\d+$/);
    await page.waitForFunction(() =>
      document.querySelector('ol[aria-label="Clinics, nearest first"] > li')?.textContent?.includes(', CO'),
    );
    const list = await cards(page);
    expect(list.length).toBeGreaterThan(0);
    for (const c of list) expect(c.text).toMatch(/, CO/);
    expect(await heading(page)).toContain('CO');
    await page.close();
  });

  it('passes an accessibility check and is screenshotted at 1280 px, 375 px and on a clinic page', async () => {
    const dir = ensureScreenshotDir();
    const wide = await browser.newPage(1280, 900);
    await searchFor(wide, '27609');
    await waitForMap(wide, await total(wide));
    await expectAccessible(wide, 'search at 1280 px');
    await wide.screenshot({ path: `${dir}/search-1280.png` });

    const phone = await browser.newPage(375, 812);
    await phone.goto(`${app.url}/?place=27609`);
    await phone.locator('ol[aria-label="Clinics, nearest first"] > li').first().waitFor();
    const phoneTotal = await total(phone);
    // On a phone the list comes first; the map is one tap away.
    await phone.getByRole('button', { name: 'Map', exact: true }).click();
    await waitForMap(phone, phoneTotal);
    // Nothing is wider than the phone: no sideways scrolling.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await expectAccessible(phone, 'search at 375 px');
    await phone.screenshot({ path: `${dir}/search-375.png`, fullPage: false });

    await wide.locator('ol[aria-label="Clinics, nearest first"] > li h3 a').first().click();
    await wide.waitForURL(/\/clinics\//);
    await wide.locator('section.location').first().waitFor();
    await waitForMap(wide, await wide.locator('section.location').count());
    await expectAccessible(wide, 'clinic page');
    await wide.screenshot({ path: `${dir}/clinic-1280.png`, fullPage: true });
    console.log(`screenshots: ${dir}`);
    await wide.close();
    await phone.close();
  });

  it('breaks nothing of the page’s Content-Security-Policy, on any page of this run', () => {
    expect(cspViolations).toEqual([]);
  });
});
