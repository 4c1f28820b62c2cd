import { describe, expect, it } from 'vitest';
import { haversineMeters, OfflineGeocoder, PlaceNotFoundError } from '../src/index.js';
import { US_CITIES } from './us-cities.js';

const geocoder = new OfflineGeocoder();

describe('the gazetteer answers "City, ST" as people type it', () => {
  it(`places ${US_CITIES.length} US cities within 10 km of their downtowns`, () => {
    const far = US_CITIES.flatMap(([place, lat, lng]) => {
      const p = geocoder.geocodeSync(place);
      const km = haversineMeters(p, { lat, lng }) / 1000;
      return km <= 10 ? [] : [`${place}: ${p.label} is ${km.toFixed(1)} km away`];
    });
    expect(far).toEqual([]);
    expect(US_CITIES.length).toBeGreaterThanOrEqual(200);
  });

  it('takes the most populous match: "New York, NY" is Manhattan, not an average of its ZIP codes', () => {
    const p = geocoder.geocodeSync('New York, NY');
    expect(haversineMeters(p, { lat: 40.7128, lng: -74.006 })).toBeLessThan(3000);
    expect(p.state).toBe('NY');
    // Portland, Oregon: the city of 600,000, not one of the small towns of that name elsewhere in Oregon.
    expect(geocoder.geocodeSync('Portland, OR').label).toBe('Portland, OR');
  });

  it.each([
    ['Winston-Salem NC', 'Winston-Salem, NC'],
    ['winston salem, nc', 'Winston-Salem, NC'],
    ['Wilkes-Barre PA', 'Wilkes-Barre, PA'],
    ["Coeur d'Alene ID", "Coeur d'Alene, ID"],
    ['Coeur d’Alene, Idaho', "Coeur d'Alene, ID"],
    ['coeur dalene id', "Coeur d'Alene, ID"],
    ['Port St. Lucie FL', 'Port Saint Lucie, FL'],
    ['Port Saint Lucie, FL', 'Port Saint Lucie, FL'],
    ['Ft. Worth TX', 'Fort Worth, TX'],
    ['Ft Worth, Texas', 'Fort Worth, TX'],
    ['Mt. Pleasant SC', 'Mount Pleasant, SC'],
    ['St Louis, MO', 'St. Louis, MO'],
    ['Saint Louis MO', 'St. Louis, MO'],
    ['Salt Lake City, Utah', 'Salt Lake City, UT'],
  ])('resolves %j to %s', (typed, label) => {
    expect(geocoder.geocodeSync(typed).label).toBe(label);
  });

  it('answers a city without its state with the places it may be, largest first', () => {
    let error: unknown;
    try {
      geocoder.geocodeSync('Springfield');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlaceNotFoundError);
    const { choices, message } = error as PlaceNotFoundError;
    expect(choices.length).toBeGreaterThanOrEqual(4);
    expect(choices.slice(0, 3)).toEqual(
      expect.arrayContaining(['Springfield, MO', 'Springfield, MA', 'Springfield, IL']),
    );
    expect(new Set(choices.map((c) => c.slice(-2))).size).toBe(choices.length);
    expect(message).toMatch(/Which "Springfield"\?/);
    // Each choice is itself a place the search finds.
    for (const c of choices) expect(geocoder.geocodeSync(c).label).toBe(c);
  });

  it('still finds towns too small for GeoNames by their ZIP codes', () => {
    // Bath, NC (pop. ~250) has a ZIP code of its own.
    const bath = geocoder.geocodeSync('Bath, NC');
    expect(haversineMeters(bath, { lat: 35.477, lng: -76.81 })).toBeLessThan(10_000);
  });
});

describe('place suggestions while typing', () => {
  const labels = (prefix: string) => geocoder.suggestSync(prefix).map((s) => s.label);

  it('offers the largest places first for a prefix', () => {
    expect(labels('New Y')[0]).toBe('New York City, NY');
    expect(labels('Ral')[0]).toBe('Raleigh, NC');
    expect(labels('san fr')[0]).toBe('San Francisco, CA');
    expect(labels('Ft. Wor')[0]).toBe('Fort Worth, TX');
  });

  it('narrows by state after a comma, by code or name', () => {
    const nc = labels('Springfield, I');
    expect(nc.length).toBeGreaterThan(0);
    for (const l of nc) expect(l).toMatch(/, I[ADLN]$/);
    expect(labels('Charleston, West')).toEqual(['Charleston, WV']);
    expect(labels('springfield il')[0]).toBe('Springfield, IL');
  });

  it('offers ZIP codes for digits, the exact one first, and nothing for noise', () => {
    const zips = geocoder.suggestSync('2760');
    expect(zips.length).toBe(8);
    for (const z of zips) expect(z.label).toMatch(/^2760\d$/);
    expect(geocoder.suggestSync('27609')[0]).toMatchObject({ label: '27609', state: 'NC' });
    expect(geocoder.suggestSync('')).toEqual([]);
    expect(geocoder.suggestSync('12')).toEqual([]);
    expect(geocoder.suggestSync('!!!')).toEqual([]);
    expect(labels('Zzzzqx')).toEqual([]);
  });

  it('answers any prefix with at most eight suggestions', () => {
    for (const p of ['S', 'a', 'New', 'Mount', '9', '100'])
      expect(geocoder.suggestSync(p).length).toBeLessThanOrEqual(8);
  });
});
